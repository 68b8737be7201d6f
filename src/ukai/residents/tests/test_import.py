"""The import of a core system's CSV: encodings, dates, row errors, all or nothing, idempotent updates."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ukai.residents.models import Household, Movement, Resident, ResidentStatus
from ukai.residents.services import residents_import

from .conftest import FAMILY, audit_events, person

pytestmark = pytest.mark.django_db


def test_a_cp932_export_with_wareki_and_full_width_digits_is_imported(write_csv: Any) -> None:
    # CP932 has 髙 and 邉 but no IVS: the fifth row (葛󠄀西) needs a UTF-8 export.
    path = write_csv(FAMILY[:4], encoding="cp932")
    report = residents_import(path=path)
    assert report.encoding == "cp932"
    assert (report.created, report.error_count, report.households_created) == (4, 0, 2)
    child = Resident.objects.get(person_id="0000000003")
    assert child.name == "髙橋\u3000陽翔"  # the variant kanji is kept
    assert child.family_name_kana == "タカハシ"
    assert child.given_name_kana == "ハルト"
    assert child.birth_date == date(2016, 5, 10)
    assert child.household.head_name == "髙橋\u3000一郎"
    elder = Resident.objects.get(person_id="0000000004")
    assert elder.household.postal_code == "5020071"
    assert elder.household.banchi == "123番地"
    assert [(m.get_reason_display(), m.occurred_on) for m in child.movements.all()] == [
        ("出生", date(2016, 5, 10))
    ]


def test_utf8_with_a_bom_keeps_ivs_and_status(write_csv: Any) -> None:
    residents_import(path=write_csv(FAMILY, bom=True))
    moved = Resident.objects.get(person_id="0000000005")
    assert moved.family_name == "葛\U000e0100西"
    assert moved.status == ResidentStatus.MOVED_OUT


def test_row_errors_name_row_and_column_and_nothing_is_written(write_csv: Any) -> None:
    rows = [
        *FAMILY,
        person(宛名番号="0000000006", 生年月日="平成2年2月30日"),
        person(宛名番号="0000000007", 性別="不明", 氏名=""),
        person(宛名番号="0000000001"),
    ]
    report = residents_import(path=write_csv(rows))
    messages = [str(e) for e in report.errors]
    assert report.error_count == 4
    assert messages[0].startswith("7行目「生年月日」")
    assert "row 7, 生年月日" in messages[0]
    assert any(m.startswith("8行目「氏名」: 値がありません。") for m in messages)
    assert any(m.startswith("8行目「性別」") and "男" in m for m in messages)
    assert any(m.startswith("9行目「宛名番号」") and "earlier row" in m for m in messages)
    assert not report.written
    assert Resident.objects.count() == 0
    assert Household.objects.count() == 0


def test_skip_invalid_imports_the_valid_rows(write_csv: Any) -> None:
    rows = [*FAMILY, person(宛名番号="0000000006", 生年月日="明日")]
    report = residents_import(path=write_csv(rows), skip_invalid=True)
    assert report.error_count == 1
    assert report.created == 5
    assert report.written
    assert not Resident.objects.filter(person_id="0000000006").exists()


def test_reimporting_the_same_file_changes_nothing(write_csv: Any) -> None:
    path = write_csv(FAMILY)
    residents_import(path=path)
    before = list(Resident.objects.values_list("person_id", "imported_at", "row_hash"))
    report = residents_import(path=path, batch_size=2)
    assert (report.created, report.updated, report.unchanged, report.movements) == (0, 0, 5, 0)
    assert (report.households_created, report.households_updated) == (0, 0)
    assert list(Resident.objects.values_list("person_id", "imported_at", "row_hash")) == before
    assert Movement.objects.count() == 4


def test_a_later_export_updates_changed_rows_and_records_the_movement(write_csv: Any) -> None:
    residents_import(path=write_csv(FAMILY))
    moved = [
        person(
            **{
                "宛名番号": f"000000000{n}",
                "氏名": name,
                "続柄": rel,
                "住所": "岐阜県岐阜市長良福光",
                "郵便番号": "502-0817",
                "番地": "2番地",
                "異動事由": "転居",
                "異動日": "令和8年4月1日",
                "届出日": "令和8年4月2日",
                "生年月日": born,
                "性別": sex,
                "氏名フリガナ": kana,
                "住民となった日": since,
            }
        )
        for n, name, rel, born, sex, kana, since in (
            (
                1,
                "髙橋\u3000一郎",
                "世帯主",
                "昭和55年4月1日",
                "1",
                "タカハシ イチロウ",
                "2015-04-01",
            ),
            (2, "髙橋\u3000花子", "妻", "1982-07-15", "2", "タカハシ ハナコ", "2015-04-01"),
            (3, "髙橋\u3000陽翔", "子", "2016-05-10", "1", "タカハシ ハルト", "2016-05-10"),
        )
    ]
    report = residents_import(path=write_csv([*moved, *FAMILY[3:]], name="later.csv"))
    assert report.households_updated == 1
    assert report.movements == 3
    # The move changed the household, not the residents' own items.
    assert report.updated == 0
    assert report.unchanged == 5
    household = Household.objects.get(household_number="00000001")
    assert household.address == "岐阜県岐阜市長良福光"
    assert household.postal_code == "5020817"
    assert list(
        Movement.objects.filter(resident__person_id="0000000001").values_list("reason", flat=True)
    ) == ["tennyu", "tenkyo"]


def test_a_changed_name_is_updated(write_csv: Any) -> None:
    residents_import(path=write_csv(FAMILY))
    renamed = [person(氏名="髙橋\u3000壱郎", 異動事由="氏名変更", 異動日="2026-01-05"), *FAMILY[1:]]
    report = residents_import(path=write_csv(renamed, name="renamed.csv"))
    assert (report.updated, report.unchanged, report.movements) == (1, 4, 1)
    assert Resident.objects.get(person_id="0000000001").given_name == "壱郎"


def test_dry_run_reports_but_writes_nothing(write_csv: Any) -> None:
    report = residents_import(path=write_csv(FAMILY), dry_run=True)
    assert report.created == 5
    assert not report.written
    assert Resident.objects.count() == 0


def test_a_missing_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("宛名番号,氏名\n1,髙橋 一郎\n", encoding="utf-8")
    report = residents_import(path=path)
    assert any("必須の列「生年月日」" in str(e) for e in report.errors)
    assert Resident.objects.count() == 0


def test_the_command_lists_errors_and_fails(write_csv: Any) -> None:
    path = write_csv([*FAMILY, person(宛名番号="0000000009", 郵便番号="12")])
    err = StringIO()
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command("residents_import", str(path), stderr=err, stdout=StringIO())
    assert "7行目「郵便番号」" in err.getvalue()
    assert Resident.objects.count() == 0


def test_the_command_reports_counts(write_csv: Any) -> None:
    out = StringIO()
    call_command(
        "residents_import",
        str(write_csv(FAMILY)),
        "--encoding",
        "utf-8",
        stdout=out,
        stderr=StringIO(),
    )
    assert "新規 created 5" in out.getvalue()


def test_the_seed_is_idempotent() -> None:
    call_command("residents_seed", "--households", "30", stdout=StringIO())
    count = Resident.objects.count()
    assert count > 30
    call_command("residents_seed", "--households", "30", stdout=StringIO())
    assert Resident.objects.count() == count
    # Variant kanji and families with school-age children are in the demo.
    assert Resident.objects.filter(relationship="子", birth_date__gt=date(2011, 1, 1)).exists()


def test_a_head_listed_after_the_members_is_the_head_even_across_batches(write_csv: Any) -> None:
    rows = [FAMILY[2], FAMILY[1], FAMILY[0]]
    report = residents_import(path=write_csv(rows), batch_size=1)
    assert (report.households_created, report.households_updated) == (1, 0)
    assert Household.objects.get().head_name == "髙橋\u3000一郎"


def test_the_import_is_audited(write_csv: Any) -> None:
    residents_import(path=write_csv(FAMILY, name="export-2026-04.csv"))
    (event,) = audit_events(object_type="residents.import")
    assert "export-2026-04.csv" in event.purpose
    assert "新規5件" in event.purpose
