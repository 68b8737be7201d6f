"""A visit from identification to the cases, and every way it can go wrong without half-made cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.counter import service, services
from ukai.counter.lifeevents import LifeEventInvalid
from ukai.counter.models import LifeEvent, Visit, VisitStatus, VisitStep
from ukai.counter.queue import service as queue

from .conftest import FAMILY, complete, person, png_data_url

MOVING_IN_FAMILY = [
    {
        "name": "岐阜\u3000健一",
        "kana": "ギフ ケンイチ",
        "birth_date": "昭和59年5月1日",
        "sex": "male",
        "relationship": "世帯主",
    },
    {
        "name": "岐阜\u3000美咲",
        "kana": "ギフ ミサキ",
        "birth_date": "1986-07-15",
        "sex": "female",
        "relationship": "妻",
    },
    {
        "name": "岐阜\u3000蓮",
        "kana": "ギフ レン",
        "birth_date": "2013-06-20",
        "sex": "male",
        "relationship": "子",
    },
    {
        "name": "岐阜\u3000葵",
        "kana": "ギフ アオイ",
        "birth_date": "2017-10-02",
        "sex": "female",
        "relationship": "子",
    },
]
CONTACT = {
    "phone": "058-265-4141",
    "email": "gifu.family@example.jp",
    "postal_code": "500-8076",
    "address": "岐阜県岐阜市司町40番地1",
    "former_address": "愛知県名古屋市中区三の丸三丁目1番1号",
    "former_municipality": "名古屋市",
}
INTERVIEW = {
    "move_date": "2026-03-28",
    "from_abroad": "no",
    "insurance": "kokuho",
    "pension_first": "no",
    "city_school": "yes",
    "seal": "no",
}
EXPECTED = {
    "tennyu-todoke": "shimin",
    "kokuho-kanyu": None,
    "jido-teate-nintei-seikyu": "kodomo-shien",
    "kodomo-iryohi-jukyusha": None,
    "tennyugaku": "kyoiku-gakumu",
}


def cases() -> Any:
    return apps.get_model("procedures", "Case").objects.all()


def fresh(visit: Visit) -> Visit:
    visit.refresh_from_db()
    return visit


def moving_in_to_forms(staff: Any) -> Visit:
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="moving_in"), staff=staff)
    services.visit_identify_manual(
        visit=visit, revision=visit.revision, persons=MOVING_IN_FAMILY, contact=CONTACT, staff=staff
    )
    services.visit_interview_save(
        visit=fresh(visit), revision=visit.revision, raw_answers=INTERVIEW, staff=staff
    )
    visit = fresh(visit)
    services.visit_procedures_save(
        visit=visit,
        revision=visit.revision,
        selected=[row["slug"] for row in visit.procedures],
        added=[],
        staff=staff,
    )
    return fresh(visit)


def complete_forms(visit: Visit) -> dict[str, Any]:
    forms = {}
    for slug, answers in visit.forms.items():
        found = services.procedure_form(slug)
        assert found is not None
        forms[slug] = complete(found[2], answers)
    return forms


def test_one_interview_files_every_department_s_form_after_one_signature(
    events: Any, staff: Any
) -> None:
    clerk = staff("counter")
    visit = moving_in_to_forms(clerk)
    assert [row["slug"] for row in visit.procedures] == list(EXPECTED)
    reasons = {row["slug"]: row["reasons"] for row in visit.procedures}
    assert reasons["jido-teate-nintei-seikyu"] == ["18歳未満のお子さん（2人）がいるため：児童手当"]
    assert reasons["tennyugaku"] == [
        "小・中学生の年齢のお子さん（2人）が市立の学校に通うため：転入学"
    ]

    # Prefilled from what the counter knows: the people, the address, the move date.
    tennyu = visit.forms["tennyu-todoke"]
    assert tennyu["address"] == CONTACT["address"]
    assert tennyu["event_date"] == "2026-03-28"
    assert [m["name"] for m in tennyu["members"]] == [p["name"] for p in MOVING_IN_FAMILY]
    assert [c["name"] for c in visit.forms["kodomo-iryohi-jukyusha"]["children"]] == [
        "岐阜\u3000蓮",
        "岐阜\u3000葵",
    ]
    # The school year follows from the birth date on the moving day (学齢: 小6 and 小2 in March 2026).
    assert [c["grade"] for c in visit.forms["tennyugaku"]["children"]] == ["es6", "es2"]
    assert tennyu["notifier_relation"] == "self"
    assert "moving_out_method" not in tennyu  # a certificate or the card: staff ask

    errors = services.visit_forms_save(
        visit=visit, revision=visit.revision, forms=complete_forms(visit), staff=clerk
    )
    assert errors == {}
    visit = fresh(visit)
    assert visit.step == VisitStep.SIGN
    services.visit_finish(
        visit=visit,
        revision=visit.revision,
        signature=png_data_url(),
        signed_on_paper=False,
        staff=clerk,
    )
    visit = fresh(visit)
    assert visit.status == VisitStatus.FINISHED
    filed = {c.procedure.slug: c for c in cases()}
    assert set(filed) == set(EXPECTED)
    for slug, department in EXPECTED.items():
        case = filed[slug]
        assert case.channel == "counter"
        assert case.assurance == "counter"
        if department:
            assert case.department_code == department
        assert case.attachments.filter(name="署名.png").exists()
    # The paper form's signature box says it was signed once at the counter.
    assert filed["tennyu-todoke"].answers["signature"] == {
        "counter_signature": f"書かない窓口 来庁{visit.pk}"
    }
    assert {r["receipt"] for r in visit.receipts} == {c.receipt_number for c in filed.values()}
    # Most of what the paper forms ask was written by the counter, not by the resident.
    assert visit.fields_total > 60
    assert visit.fields_prefilled / visit.fields_total > 0.6
    kpi = service.kpi_one_stop_rate(as_of=timezone.localdate())
    assert kpi["value"] == 100.0
    writing = service.kpi_form_writing_reduction(as_of=timezone.localdate())
    assert writing["value"] == round(100 * visit.fields_prefilled / visit.fields_total, 1)


def test_bereavement_facts_are_the_deceased_s_not_the_applicant_s(
    events: Any, family: Any, reimport: Any, staff: Any
) -> None:
    clerk = staff("counter")
    elderly = person(
        宛名番号="0000000106",
        氏名="髙橋\u3000ミツ",
        氏名フリガナ="タカハシ ミツ",
        生年月日="1940-02-02",
        性別="2",
        続柄="母",
    )
    reimport([*FAMILY, elderly])
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="death"), staff=clerk)
    # The son is at the counter; his mother died.
    services.visit_identify(
        visit=visit,
        revision=1,
        applicant_id="0000000101",
        concerned_ids=["0000000106"],
        staff=clerk,
    )
    visit = fresh(visit)
    assert [p["name"] for p in visit.persons] == ["髙橋\u3000ミツ"]
    assert visit.contact["applicant"]["name"] == "髙橋\u3000一郎"
    services.visit_interview_save(
        visit=visit,
        revision=visit.revision,
        raw_answers={
            "death_date": "2026-04-02",
            "notified": "yes",
            "insurance": "kouki",
            "funeral": "yes",
            "child_allowance": "no",
        },
        staff=clerk,
    )
    visit = fresh(visit)
    assert [r["slug"] for r in visit.procedures] == ["sosaihi", "kaigo-shikaku-todoke"]
    services.visit_procedures_save(
        visit=visit,
        revision=visit.revision,
        selected=["sosaihi", "kaigo-shikaku-todoke"],
        added=[],
        staff=clerk,
    )
    visit = fresh(visit)
    assert visit.forms["sosaihi"]["deceased_name"] == "髙橋\u3000ミツ"
    assert visit.forms["sosaihi"]["applicant_name"] == "髙橋\u3000一郎"


def test_moving_in_from_abroad_is_carried_into_the_form(events: Any, staff: Any) -> None:
    clerk = staff("counter")
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="moving_in"), staff=clerk)
    services.visit_identify_manual(
        visit=visit, revision=1, persons=MOVING_IN_FAMILY[:1], contact=CONTACT, staff=clerk
    )
    services.visit_interview_save(
        visit=fresh(visit),
        revision=2,
        raw_answers={**INTERVIEW, "from_abroad": "yes", "insurance": "employer"},
        staff=clerk,
    )
    visit = fresh(visit)
    services.visit_procedures_save(
        visit=visit, revision=visit.revision, selected=["tennyu-todoke"], added=[], staff=clerk
    )
    assert fresh(visit).forms["tennyu-todoke"]["moving_out_method"] == "abroad"


def test_identity_from_the_records_prefills_the_household(
    events: Any, family: Any, staff: Any
) -> None:
    clerk = staff("counter")
    visit = services.visit_start(
        life_event=LifeEvent.objects.get(code="moving_within"), staff=clerk
    )
    services.visit_identify(
        visit=visit,
        revision=visit.revision,
        applicant_id="0000000101",
        concerned_ids=["0000000101", "0000000102", "0000000103", "0000000104"],
        staff=clerk,
    )
    visit = fresh(visit)
    assert [p["name"] for p in visit.persons] == [
        "髙橋\u3000一郎",
        "髙橋\u3000花子",
        "髙橋\u3000陽翔",
        "髙橋\u3000結衣",
    ]
    assert visit.contact["address"].startswith("岐阜県岐阜市司町")
    audit = apps.get_model("core", "AuditEvent").objects.filter(action="read")
    assert audit.filter(purpose=services.IDENTITY_PURPOSE).count() >= 4


def test_an_unknown_resident_is_refused_and_the_visit_is_unchanged(
    events: Any, family: Any, staff: Any
) -> None:
    clerk = staff("counter")
    visit = services.visit_start(
        life_event=LifeEvent.objects.get(code="moving_within"), staff=clerk
    )
    with pytest.raises(services.ResidentNotFound) as raised:
        services.visit_identify(
            visit=visit,
            revision=visit.revision,
            applicant_id="9999999999",
            concerned_ids=[],
            staff=clerk,
        )
    assert "該当する住民記録が見つかりません" in raised.value.message_ja
    visit = fresh(visit)
    assert visit.step == VisitStep.IDENTIFY
    assert visit.persons == []


def test_a_household_that_changed_during_the_visit_files_nothing(
    events: Any, family: Any, reimport: Any, staff: Any
) -> None:
    clerk = staff("counter")
    visit = services.visit_start(
        life_event=LifeEvent.objects.get(code="moving_within"), staff=clerk
    )
    services.visit_identify(
        visit=visit,
        revision=1,
        applicant_id="0000000101",
        concerned_ids=["0000000103"],
        staff=clerk,
    )
    services.visit_interview_save(
        visit=fresh(visit),
        revision=2,
        raw_answers={
            "move_date": "2026-04-10",
            "new_postal_code": "502-0071",
            "new_address": "岐阜県岐阜市長良123番地",
            "child_allowance": "yes",
            "school_change": "no",
        },
        staff=clerk,
    )
    visit = fresh(visit)
    services.visit_procedures_save(
        visit=visit,
        revision=visit.revision,
        selected=[r["slug"] for r in visit.procedures],
        added=[],
        staff=clerk,
    )
    visit = fresh(visit)
    # The new address from the interview, the recorded one as the former address.
    assert visit.forms["tenkyo-todoke"]["address"] == "岐阜県岐阜市長良123番地"
    assert visit.forms["tenkyo-todoke"]["former_address"].startswith("岐阜県岐阜市司町")
    services.visit_forms_save(
        visit=visit, revision=visit.revision, forms=complete_forms(visit), staff=clerk
    )
    visit = fresh(visit)
    assert visit.step == VisitStep.SIGN
    # Meanwhile the core system's export brings a newborn into the household.
    reimport(
        [
            *FAMILY,
            person(
                宛名番号="0000000105",
                氏名="髙橋\u3000蒼",
                氏名フリガナ="タカハシ アオ",
                生年月日=(timezone.localdate() - timedelta(days=3)).isoformat(),
                続柄="子",
                異動事由="出生",
            ),
        ]
    )
    with pytest.raises(services.HouseholdChanged) as raised:
        services.visit_finish(
            visit=visit, revision=visit.revision, signature="", signed_on_paper=True, staff=clerk
        )
    assert "申請は作成していません" in raised.value.message_ja
    assert cases().count() == 0
    assert fresh(visit).status == VisitStatus.OPEN


def test_two_staff_on_one_visit_the_second_save_is_refused(events: Any, staff: Any) -> None:
    first, second = staff("counter", "a"), staff("counter", "b")
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="pregnancy"), staff=first)
    services.visit_identify_manual(
        visit=visit, revision=1, persons=MOVING_IN_FAMILY[1:2], contact=CONTACT, staff=first
    )
    services.visit_interview_save(
        visit=fresh(visit),
        revision=2,
        raw_answers={"due_date": "2026-12-01", "multiple": "no"},
        staff=first,
    )
    with pytest.raises(services.VisitConflict) as raised:
        services.visit_interview_save(
            visit=fresh(visit), revision=2, raw_answers={"due_date": "2027-01-01"}, staff=second
        )
    assert raised.value.status == 409
    assert fresh(visit).answers["due_date"] == "2026-12-01"


def test_an_abandoned_interview_leaves_an_open_visit_and_no_case(events: Any, staff: Any) -> None:
    clerk = staff("counter")
    visit = moving_in_to_forms(clerk)
    assert fresh(visit).status == VisitStatus.OPEN
    assert cases().count() == 0
    services.visit_cancel(visit=visit, revision=visit.revision, staff=clerk)
    assert fresh(visit).status == VisitStatus.CANCELLED
    with pytest.raises(services.VisitClosed):
        services.visit_finish(
            visit=visit,
            revision=fresh(visit).revision,
            signature="",
            signed_on_paper=True,
            staff=clerk,
        )
    assert cases().count() == 0


def test_invalid_forms_or_a_broken_signature_file_nothing(events: Any, staff: Any) -> None:
    clerk = staff("counter")
    visit = moving_in_to_forms(clerk)
    forms = complete_forms(visit)
    forms["tennyu-todoke"]["phone"] = "電話番号"
    errors = services.visit_forms_save(
        visit=visit, revision=visit.revision, forms=forms, staff=clerk
    )
    assert [e.path for e in errors["tennyu-todoke"]] == ["phone"]
    visit = fresh(visit)
    assert visit.step == VisitStep.FORMS
    # What staff typed is kept, errors and all.
    assert visit.forms["tennyu-todoke"]["phone"] == "電話番号"
    visit.step = VisitStep.SIGN
    visit.save()
    with pytest.raises(services.FormsInvalid):
        services.visit_finish(
            visit=visit, revision=visit.revision, signature="", signed_on_paper=True, staff=clerk
        )
    forms["tennyu-todoke"]["phone"] = "058-265-4141"
    services.visit_forms_save(
        visit=fresh(visit), revision=fresh(visit).revision, forms=forms, staff=clerk
    )
    visit = fresh(visit)
    with pytest.raises(UkaiError) as raised:
        services.visit_finish(
            visit=visit,
            revision=visit.revision,
            signature="data:image/png;base64,AAAA",
            signed_on_paper=False,
            staff=clerk,
        )
    assert raised.value.code == "signature_invalid"
    with pytest.raises(UkaiError) as raised:
        services.visit_finish(
            visit=visit, revision=visit.revision, signature="", signed_on_paper=False, staff=clerk
        )
    assert raised.value.code == "signature_required"
    assert cases().count() == 0


def test_the_interview_checks_its_answers(events: Any, staff: Any) -> None:
    clerk = staff("counter")
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="moving_in"), staff=clerk)
    services.visit_identify_manual(
        visit=visit, revision=1, persons=MOVING_IN_FAMILY, contact=CONTACT, staff=clerk
    )
    with pytest.raises(services.InterviewInvalid) as raised:
        services.visit_interview_save(
            visit=fresh(visit),
            revision=2,
            raw_answers={"move_date": "令和8年13月1日", "insurance": "maybe", "city_school": ""},
            staff=clerk,
        )
    assert set(raised.value.errors) >= {
        "move_date",
        "insurance",
        "city_school",
        "from_abroad",
        "seal",
    }
    assert fresh(visit).step == VisitStep.INTERVIEW


def test_people_typed_from_a_moving_out_certificate_are_checked(events: Any, staff: Any) -> None:
    clerk = staff("counter")
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="moving_in"), staff=clerk)
    with pytest.raises(services.InterviewInvalid) as raised:
        services.visit_identify_manual(
            visit=visit,
            revision=1,
            persons=[{"name": "", "kana": "ギフ", "birth_date": "2999-01-01"}],
            contact=CONTACT,
            staff=clerk,
        )
    assert set(raised.value.errors) == {"p0-name", "p0-birth_date"}
    assert fresh(visit).persons == []


def test_editing_rules_runs_the_cases_first(events: Any, staff: Any) -> None:
    manager = staff("manager")
    event = LifeEvent.objects.get(code="pregnancy")
    spec = dict(event.spec)
    spec["rules"] = [*spec["rules"], {"procedure": "juminhyo-utsushi", "reason": "テスト"}]
    with pytest.raises(services.LifeEventTestsFailed):
        services.life_event_update(
            event=event, revision=event.revision, definition=spec, staff=manager
        )
    event.refresh_from_db()
    assert len(event.spec["rules"]) == 1
    spec["tests"] = [{**spec["tests"][0], "expect": ["ninshin-todokede", "juminhyo-utsushi"]}]
    services.life_event_update(event=event, revision=event.revision, definition=spec, staff=manager)
    event.refresh_from_db()
    assert event.revision == 2
    unknown = {**spec, "rules": [{"procedure": "no-such-procedure", "reason": "x"}]}
    with pytest.raises(LifeEventInvalid) as raised:
        services.life_event_update(event=event, revision=2, definition=unknown, staff=manager)
    assert "no-such-procedure" in str(raised.value.problems)


def test_kpis_compare_with_the_city_s_baseline(events: Any, staff: Any) -> None:
    clerk, manager = staff("counter"), staff("manager")
    today = timezone.localdate()
    missing = service.kpi_wait_time_reduction(as_of=today)
    assert missing["value"] == 0.0
    assert "そろうと計算されます" in missing["description"]
    desk = queue.desk_create(label="総合窓口 1番", number="1", department_code="shimin")
    ticket = queue.ticket_issue(
        category="moving_in", category_label="転入", department_code="shimin"
    )
    queue.service_start(ticket_id=ticket.id, desk_id=desk.id, staff=clerk)
    visit = moving_in_to_forms(clerk)
    Visit.objects.filter(pk=visit.pk).update(ticket_id=ticket.id)
    visit = fresh(visit)
    services.visit_forms_save(
        visit=visit, revision=visit.revision, forms=complete_forms(visit), staff=clerk
    )
    visit = fresh(visit)
    services.visit_finish(
        visit=visit, revision=visit.revision, signature="", signed_on_paper=True, staff=clerk
    )
    queue.service_end(ticket_id=ticket.id, staff=clerk)
    services.baseline_add(
        life_event=None,
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        median_wait_minutes=20,
        median_handling_minutes=40,
        note="",
        staff=manager,
    )
    wait = service.kpi_wait_time_reduction(as_of=today)
    handling = service.kpi_procedure_time_reduction(as_of=today)
    # Served within seconds in a test: nearly all of the baseline's 20 and 40 minutes are saved.
    assert wait["value"] > 99.0
    assert handling["value"] > 99.0
    assert "基準期間の待ち時間の中央値20.0分" in wait["description"]
    routed = services.visit_route(visit=visit, department_code="kokuho-nenkin", staff=clerk)
    assert routed.routed_departments == ["kokuho-nenkin"]
    assert service.kpi_one_stop_rate(as_of=today)["value"] == 0.0
