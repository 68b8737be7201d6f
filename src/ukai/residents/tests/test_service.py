"""The public API for the counter: search by written name, reading, birth date, address; audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ukai.core.errors import UkaiError
from ukai.residents import service

from .conftest import audit_events

pytestmark = pytest.mark.django_db

PURPOSE = "窓口での本人確認"


def names(records: list[service.ResidentRecord]) -> list[str]:
    return [r.name for r in records]


def test_a_common_form_finds_the_variant_and_shows_it_exactly(family: Any) -> None:
    found = service.resident_search(purpose=PURPOSE, text="高橋")
    assert names(found) == ["髙橋\u3000一郎", "髙橋\u3000花子", "髙橋\u3000陽翔"]
    assert names(service.resident_search(purpose=PURPOSE, text="高橋 花")) == ["髙橋\u3000花子"]
    assert names(service.resident_search(purpose=PURPOSE, text="渡辺")) == ["渡邉\u3000實"]


def test_a_reading_in_hiragana_or_half_width_kana_finds_the_person(family: Any) -> None:
    assert names(service.resident_search(purpose=PURPOSE, text="たかはし はると")) == [
        "髙橋\u3000陽翔"
    ]
    assert names(service.resident_search(purpose=PURPOSE, text="ﾜﾀﾅﾍﾞ")) == ["渡邉\u3000實"]


def test_birth_date_and_address_narrow_the_search(family: Any) -> None:
    born = service.resident_search(purpose=PURPOSE, birth_date=date(1982, 7, 15))
    assert names(born) == ["髙橋\u3000花子"]
    assert names(service.resident_search(purpose=PURPOSE, address="岐阜市長良１２３")) == [
        "渡邉\u3000實"
    ]
    assert service.resident_search(purpose=PURPOSE, text="高橋", address="長良") == []
    assert service.resident_search(purpose=PURPOSE) == []


def test_people_who_moved_out_appear_only_when_asked(family: Any) -> None:
    assert service.resident_search(purpose=PURPOSE, text="葛西") == []
    (moved,) = service.resident_search(purpose=PURPOSE, text="葛西", include_inactive=True)
    assert moved.name == "葛\U000e0100西\u3000さくら"
    assert moved.status_label == "転出"
    assert not moved.is_active


def test_a_purpose_is_required_and_every_record_read_is_audited(family: Any) -> None:
    with pytest.raises(UkaiError) as error:
        service.resident_search(purpose=" ", text="高橋")
    assert error.value.code == "purpose_required"
    assert "目的" in error.value.message_ja
    found = service.resident_search(purpose=PURPOSE, text="高橋")
    events = audit_events(object_type="residents.resident")
    assert [(e.action, e.purpose) for e in events] == [("read", PURPOSE)] * 3
    assert {e.object_repr for e in events} == {f"住民 {r.person_id}" for r in found}
    assert "birth_date" in events[0].fields


def test_a_record_with_its_movements_and_household(family: Any) -> None:
    child = service.resident_by_id(person_id="0000000003", purpose="手続の審査")
    assert child is not None
    assert [(m.reason_label, m.occurred_on) for m in child.movements] == [
        ("出生", date(2016, 5, 10))
    ]
    assert child.age_on(date(2026, 5, 9)) == 9
    assert child.age_on(date(2026, 5, 10)) == 10
    household = service.household_of(resident=child, purpose="手続の審査")
    assert household is not None
    assert household.head_name == "髙橋\u3000一郎"
    assert [m.relationship for m in household.members] == ["世帯主", "妻", "子"]
    assert household.address == "岐阜県岐阜市司町40番地1"
    assert service.resident_by_id(person_id="9999", purpose="手続の審査") is None
    purposes = {e.purpose for e in audit_events(object_type="residents.household")}
    assert purposes == {"手続の審査"}
