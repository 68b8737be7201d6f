"""The glossary stored in the database: seed, editor page, checks, CSV, audit, and the
correction step using it (ADR 0099)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.apps import apps

from ukai.core.testing.staff import staff_client_login
from ukai.minutes import selectors, services
from ukai.minutes.cleanup import GLOSSARY_FILE, glossary_load
from ukai.minutes.models import GlossaryEntry, Meeting, Recording, Segment

from .conftest import staff_member

URL = "/staff/minutes/glossary/"


@pytest.fixture
def manager(db):
    staff = staff_member("glossary-manager", "somu")
    staff.role = "manager"
    staff.save(update_fields=["role"])
    services.glossary_seed()
    return staff


@pytest.fixture
def signed_in(client, manager):
    staff_client_login(client, manager)
    return client


def _meeting_with_segment(staff, text: str) -> Meeting:
    meeting = services.meeting_create(
        staff=staff,
        values={
            "department": "somu",
            "title": "総務委員会",
            "body": "committee",
            "held_on": date(2025, 9, 12),
            "attendees": "委員長 山田 太郎",
        },
    )
    recording = Recording.objects.create(
        meeting=meeting, original_name="a.wav", duration_seconds=10, status="done"
    )
    Segment.objects.create(
        recording=recording,
        index=0,
        start=0,
        end=5,
        text=text,
        asr_text=text,
        speaker=meeting.attendees.get(),
    )
    return meeting


def _audit():
    return apps.get_model("core", "AuditEvent").objects


def test_the_seed_stores_the_demo_file_once(db):
    GlossaryEntry.objects.all().delete()
    data = json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
    stored = services.glossary_seed()
    assert stored == len(data["terms"]) + len(data["corrections"])
    assert services.glossary_seed() == 0  # not twice, and staff's deletions stay deleted
    current = selectors.glossary_current()
    assert set(current.corrections) == set(glossary_load().corrections)
    assert {"岐阜市議会", "可決", "異議なし"} <= set(current.terms)
    assert GlossaryEntry.objects.get(wrong="長良側").get_category_display() == "地名"


def test_a_new_entry_changes_the_next_minutes_and_disabling_or_deleting_undoes_it(
    signed_in, manager
):
    meeting = _meeting_with_segment(manager, "次に、ぎふ駅前の再開発について報告します")
    minutes_url = f"/staff/minutes/{meeting.pk}/minutes/"
    assert "ぎふ駅前" in signed_in.get(minutes_url).content.decode()

    response = signed_in.post(
        URL, {"wrong": "ぎふ駅", "right": "岐阜駅", "category": "place", "enabled": "on"}
    )
    assert response.status_code == 302
    page = signed_in.get(minutes_url).content.decode()
    assert "岐阜駅前の再開発について報告します。" in page
    assert "ぎふ駅前" not in page

    entry = GlossaryEntry.objects.get(wrong="ぎふ駅")
    assert entry.updated_by == manager
    listing = signed_in.get(URL + "?category=place").content.decode()
    assert "岐阜駅" in listing
    assert "議案第" not in listing  # a council term, filtered out

    response = signed_in.post(
        f"{URL}{entry.pk}/", {"wrong": "ぎふ駅", "right": "岐阜駅", "category": "place"}
    )  # the 有効 box unticked
    assert response.status_code == 302
    assert "ぎふ駅前" in signed_in.get(minutes_url).content.decode()

    response = signed_in.post(f"{URL}{entry.pk}/delete/")
    assert response.status_code == 302
    assert not GlossaryEntry.objects.filter(pk=entry.pk).exists()
    purposes = list(
        _audit()
        .filter(actor_username="glossary-manager", object_type="minutes.glossaryentry")
        .values_list("purpose", flat=True)
    )
    assert any("用語集の追加" in p for p in purposes)
    assert any("用語集の変更" in p for p in purposes)
    assert any("用語集の削除（ぎふ駅 → 岐阜駅）" in p for p in purposes)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"wrong": "ぎふし", "right": ""}, "正しい形を入力してください。"),
        ({"wrong": "可決", "right": "可決"}, "誤認識の形と正しい形が同じです。"),
        ({"wrong": "意義なし", "right": "異議無し"}, "「意義なし」を直す項目はすでにあります。"),
        ({"wrong": "", "right": "可決"}, "用語「可決」はすでに登録されています。"),
        (
            {"wrong": "異議なし", "right": "意義なし"},
            "循環します（異議なし → 意義なし → 異議なし）",
        ),
        ({"wrong": "市長", "right": "岐阜市長"}, "循環します（市長 → 岐阜市長）"),
    ],
)
def test_a_wrong_entry_is_explained_and_nothing_is_stored(signed_in, values, message):
    before = GlossaryEntry.objects.count()
    response = signed_in.post(URL, {"category": "council", "enabled": "on", **values})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="error-summary"' in page
    assert f'value="{values["right"]}"' in page or not values["right"]  # input kept
    assert GlossaryEntry.objects.count() == before


def test_enabling_an_entry_that_would_loop_is_refused(signed_in, manager):
    entry = services.glossary_entry_create(
        staff=manager,
        values={"wrong": "異議なし", "right": "意義なし", "category": "council", "enabled": False},
    )
    response = signed_in.post(
        f"{URL}{entry.pk}/",
        {"wrong": "異議なし", "right": "意義なし", "category": "council", "enabled": "on"},
    )
    assert response.status_code == 400
    assert "循環します" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.enabled


def test_department_staff_read_the_glossary_but_cannot_change_it(client, manager):
    clerk = staff_member("glossary-clerk", "somu")
    staff_client_login(client, clerk)
    page = client.get(URL).content.decode()
    assert "議案第" in page
    assert 'name="right"' not in page
    entry = GlossaryEntry.objects.order_by("pk")[0]
    assert client.post(URL, {"wrong": "あ", "right": "い", "category": "other"}).status_code == 403
    assert client.get(f"{URL}{entry.pk}/").status_code == 403
    assert client.post(f"{URL}{entry.pk}/delete/").status_code == 403
    assert GlossaryEntry.objects.filter(pk=entry.pk).exists()


def test_the_csv_export_opens_in_excel_and_imports_back_unchanged(signed_in, manager):
    services.glossary_entry_create(
        staff=manager, values={"wrong": "=1+1", "right": "いちたすいち", "category": "other"}
    )
    response = signed_in.get("/staff/minutes/glossary.csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff誤認識の形,正しい形,分類,有効\r\n")
    assert "意義なし,異議なし,議会用語,有効\r\n" in body
    assert "'=1+1,いちたすいち,その他,有効" in body  # not run as a formula
    count = GlossaryEntry.objects.count()

    upload = _csv_upload(response.content)
    response = signed_in.post(URL + "import/", {"file": upload})
    assert response.status_code == 302
    assert GlossaryEntry.objects.count() == count
    assert GlossaryEntry.objects.filter(wrong="=1+1").exists()
    page = signed_in.get(URL).content.decode()
    assert f"変更なし {count} 件" in page


def _csv_upload(data: bytes, name: str = "glossary.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, "text/csv")


def test_a_cp932_csv_adds_and_changes_entries_and_the_minutes_use_them(signed_in, manager):
    meeting = _meeting_with_segment(manager, "金華さんのふもとで、意義なしと認めます")
    text = "誤認識の形,正しい形,分類,有効\r\n金華さん,金華山,地名,有効\r\n意義なし,異議なし,議会用語,無効\r\n"
    response = signed_in.post(URL + "import/", {"file": _csv_upload(text.encode("cp932"))})
    assert response.status_code == 302
    assert GlossaryEntry.objects.get(wrong="金華さん").category == "place"
    assert not GlossaryEntry.objects.get(wrong="意義なし").enabled
    page = signed_in.get(f"/staff/minutes/{meeting.pk}/minutes/").content.decode()
    assert "金華山のふもとで、意義なしと認めます。" in page
    assert _audit().filter(purpose__contains="CSV取り込み（追加1件・変更1件）").exists()


def test_a_csv_with_a_wrong_row_changes_nothing_and_names_the_rows(signed_in):
    count = GlossaryEntry.objects.count()
    text = (
        "\ufeff誤認識の形,正しい形,分類,有効\n"
        "金華さん,金華山,地名,有効\n"
        "議会,議会,議会用語,有効\n"
        "岐阜城,岐阜城跡,城,有効\n"
        "ぎふし,,地名,有効\n"
        "なごや,名古屋,地名,たぶん\n"
    )
    response = signed_in.post(URL + "import/", {"file": _csv_upload(text.encode("utf-8"))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "何も変更していません" in page
    assert "3行目: 誤認識の形と正しい形が同じです" in page
    assert "4行目: 分類が一覧にありません" in page
    assert "5行目: 正しい形を入力してください" in page
    assert "6行目: 有効の欄は「有効」か「無効」にしてください" in page
    assert GlossaryEntry.objects.count() == count
    assert not GlossaryEntry.objects.filter(wrong="金華さん").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "CSVファイルを選んでください"),
        ("誤認識の形,正しい形\n".encode() + b"\x82\xff\n", "文字コードを読み取れません"),
        ("wrong,right\nぎふ,岐阜\n".encode(), "1行目の見出し"),
    ],
)
def test_an_unreadable_csv_is_explained(signed_in, data, message):
    response = signed_in.post(URL + "import/", {"file": _csv_upload(data)} if data else {})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_glossary_is_read_from_the_database_once_until_it_changes(
    manager, django_assert_num_queries
):
    first = selectors.glossary_current()
    with django_assert_num_queries(1):  # only the stamp
        assert selectors.glossary_current() is first
    services.glossary_entry_create(
        staff=manager, values={"wrong": "ぎふ駅", "right": "岐阜駅", "category": "place"}
    )
    assert ("ぎふ駅", "岐阜駅") in selectors.glossary_current().corrections


def test_the_glossary_page_and_its_errors_are_in_english_for_staff_who_chose_it(signed_in):
    signed_in.cookies["ukai_language"] = "en"
    assert "Glossary of the minutes" in signed_in.get(URL).content.decode()
    response = signed_in.post(
        URL, {"wrong": "異議なし", "right": "意義なし", "category": "council", "enabled": "on"}
    )
    assert "This entry loops with others (異議なし → 意義なし → 異議なし)" in (
        response.content.decode()
    )


def test_the_csv_is_in_japanese_for_english_readers_too_and_english_names_import(signed_in):
    signed_in.cookies["ukai_language"] = "en"
    body = signed_in.get("/staff/minutes/glossary.csv").content.decode("utf-8")
    assert "長良側,長良川,地名,有効" in body
    text = "誤認識の形,正しい形,分類,有効\nぎふ駅,岐阜駅,Place name,有効\n"
    response = signed_in.post(URL + "import/", {"file": _csv_upload(text.encode())})
    assert response.status_code == 302
    assert GlossaryEntry.objects.get(wrong="ぎふ駅").category == "place"
