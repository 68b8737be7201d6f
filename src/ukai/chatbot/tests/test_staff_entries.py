"""Staff editing of FAQ entries: who may edit and approve, the review flow, validation, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ukai.chatbot import selectors, services
from ukai.chatbot.models import PUBLIC_COLLECTION, Collection, Entry
from ukai.core.testing.staff import staff_client_login

pytestmark = pytest.mark.django_db

LIST_URL = "/staff/chatbot/entries/"
NEW_URL = "/staff/chatbot/entries/new/"


def edit_url(entry: Entry) -> str:
    return f"/staff/chatbot/entries/{entry.pk}/"


@pytest.fixture
def public(db) -> Collection:
    collection, _ = Collection.objects.get_or_create(name=PUBLIC_COLLECTION)
    return collection


def make_entry(collection: Collection, key: str, department: str, **values) -> Entry:
    defaults = {
        "question": f"{key}の質問",
        "answer": f"{key}の回答",
        "field": "kaigo",
        "status": Entry.Status.PUBLISHED,
        "reviewed_on": timezone.localdate(),
    }
    return Entry.objects.create(
        collection=collection, key=key, department=department, **{**defaults, **values}
    )


def login(client, username: str):
    staff = get_user_model().objects.get(username=username)
    staff_client_login(client, staff)
    return staff


def audit_purposes(entry: Entry) -> list[str]:
    """The purposes of the entry's audit events, oldest first, as the audit log page lists them."""
    reader = Client()
    staff_client_login(reader, get_user_model().objects.get(username="admin"))
    response = reader.get(
        "/staff/audit/", {"object_type": "chatbot.entry", "object_id": str(entry.pk)}
    )
    assert response.status_code == 200
    events = sorted(response.context["page"].object_list, key=lambda event: event.pk)
    return [event.purpose for event in events]


FORM = {
    "question": "介護保険の住所変更はどうすればよいですか。",
    "phrasings": "介護保険 引っ越し\n介護保険証の住所",
    "answer": "介護保険課の窓口で手続きしてください。https://www.city.gifu.lg.jp/",
    "field": "kaigo",
    "department": "kaigo-hoken",
    "language": "ja",
    "valid_from": "",
    "valid_until": "",
}


def test_pages_need_a_signed_in_member_of_staff(client, db):
    for url in (LIST_URL, NEW_URL, "/staff/chatbot/phrasings/new/?question=x"):
        assert client.get(url).status_code == 302


def test_list_shows_the_viewers_departments_and_filters(client, demo, public):
    today = timezone.localdate()
    make_entry(public, "kaigo-a", "kaigo-hoken", question="要介護認定の申請")
    make_entry(public, "kaigo-old", "kaigo-hoken", reviewed_on=today - timedelta(days=400))
    make_entry(public, "kaigo-draft", "kaigo-hoken", status=Entry.Status.DRAFT)
    make_entry(public, "shimin-a", "shimin", field="koseki")
    login(client, "manager")  # 介護保険課
    response = client.get(LIST_URL)
    assert response.status_code == 200
    keys = {entry.key for entry, *_ in response.context["rows"]}
    assert keys == {"kaigo-a", "kaigo-old", "kaigo-draft"}
    stale = client.get(LIST_URL, {"stale": "1"}).context["rows"]
    assert [entry.key for entry, *_ in stale] == ["kaigo-old"]
    drafts = client.get(LIST_URL, {"status": "draft"}).context["rows"]
    assert [entry.key for entry, *_ in drafts] == ["kaigo-draft"]
    found = client.get(LIST_URL, {"q": "要介護"}).context["rows"]
    assert [entry.key for entry, *_ in found] == ["kaigo-a"]
    assert client.get(LIST_URL, {"field": "koseki"}).context["rows"] == []
    client.logout()
    login(client, "ict")
    keys = {entry.key for entry, *_ in client.get(LIST_URL).context["rows"]}
    assert "shimin-a" in keys


def test_list_is_paginated_by_fifty(client, demo, public):
    for number in range(51):
        make_entry(public, f"k{number:03}", "kaigo-hoken")
    login(client, "manager")
    first = client.get(LIST_URL)
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert 'aria-label="ページ送り"' in html
    assert 'aria-current="page"' in html
    assert len(client.get(LIST_URL, {"page": 2}).context["rows"]) == 1


def test_counter_staff_of_another_department_cannot_edit(client, demo, public):
    entry = make_entry(public, "kaigo-a", "kaigo-hoken")
    login(client, "counter")  # 市民課
    assert client.get(edit_url(entry)).status_code == 403
    response = client.post(edit_url(entry), {**FORM, "action": "save"})
    assert response.status_code == 403
    assert not Entry.objects.filter(revision_of=entry).exists()
    # Nor create one for a department that is not theirs.
    response = client.post(NEW_URL, {**FORM, "action": "save"})
    assert response.status_code == 400
    assert "あなたの課から選んでください" in response.content.decode()
    assert Entry.objects.count() == 1


def test_department_staff_create_and_submit_but_cannot_approve(client, demo, public):
    login(client, "department")  # 子ども支援課
    values = {**FORM, "field": "childcare", "department": "kodomo-shien"}
    response = client.post(NEW_URL, {**values, "action": "save"})
    assert response.status_code == 302
    entry = Entry.objects.get(question=FORM["question"])
    assert entry.status == Entry.Status.DRAFT
    assert entry.phrasings == ["介護保険 引っ越し", "介護保険証の住所"]
    assert not selectors.entry_list_published(collection=public).filter(pk=entry.pk).exists()
    response = client.post(edit_url(entry), {**values, "action": "submit"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REVIEW
    assert client.post(edit_url(entry), {"action": "approve"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REVIEW
    assert audit_purposes(entry) == [
        "FAQの作成（下書き）",
        "FAQの編集（下書き）",
        "FAQを審査に回す",
    ]


def test_a_manager_of_the_department_approves(client, demo, public):
    entry = make_entry(
        public, "kaigo-new", "kaigo-hoken", status=Entry.Status.REVIEW, reviewed_on=None
    )
    version = public.index_version
    login(client, "manager")
    response = client.get(edit_url(entry))
    assert "承認して公開する" in response.content.decode()
    assert client.post(edit_url(entry), {"action": "approve"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED
    assert entry.reviewed_on == timezone.localdate()
    public.refresh_from_db()
    assert public.index_version == version + 1  # the bot's index rebuilds
    assert audit_purposes(entry) == ["FAQの承認・公開"]


@pytest.mark.parametrize("username", ["ict", "admin"])
def test_ict_and_admins_approve_any_department(client, demo, public, username):
    entry = make_entry(public, "shimin-new", "shimin", status=Entry.Status.REVIEW)
    login(client, username)
    assert client.post(edit_url(entry), {"action": "approve"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED


def test_department_staff_see_no_review_buttons(client, demo, public):
    entry = make_entry(public, "kodomo-new", "kodomo-shien", status=Entry.Status.REVIEW)
    login(client, "department")
    html = client.get(edit_url(entry)).content.decode()
    assert "保存して審査に回す" in html
    assert "承認して公開する" not in html


def test_a_manager_of_another_department_cannot_approve(client, demo, public):
    entry = make_entry(public, "shimin-new", "shimin", status=Entry.Status.REVIEW)
    login(client, "manager")  # 介護保険課
    assert client.post(edit_url(entry), {"action": "approve"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REVIEW


def test_a_published_entry_stays_live_until_its_revision_is_approved(
    client, demo, public, inquiry_form
):
    entry = make_entry(public, "kaigo-a", "kaigo-hoken", reviewed_on=date(2025, 4, 1))
    login(client, "manager")
    changed = {
        **FORM,
        "answer": "新しい回答です。",
        "procedures": ["yokaigo-nintei-shinsei"],
        "action": "submit",
    }
    assert client.post(edit_url(entry), changed).status_code == 302
    entry.refresh_from_db()
    revision = Entry.objects.get(revision_of=entry)
    assert (entry.status, entry.answer) == (Entry.Status.PUBLISHED, "kaigo-aの回答")
    assert revision.status == Entry.Status.REVIEW
    published = selectors.entry_list_published(collection=public)
    assert list(published.values_list("key", flat=True)) == ["kaigo-a"]
    assert selectors.entry_get_public(entry_id=entry.pk) is not None
    # The list shows the entry once, with its revision under review.
    rows = client.get(LIST_URL, {"status": "review"}).context["rows"]
    assert [(e.key, r.pk) for e, _, r, _ in rows] == [("kaigo-a", revision.pk)]
    assert client.post(edit_url(entry), {"action": "approve"}).status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "新しい回答です。"
    assert entry.question == FORM["question"]
    assert entry.procedures == ["yokaigo-nintei-shinsei"]
    assert entry.reviewed_on == timezone.localdate()
    assert not Entry.objects.filter(revision_of=entry).exists()


def test_return_needs_a_comment_and_goes_back_to_draft(client, demo, public):
    entry = make_entry(public, "kaigo-new", "kaigo-hoken", status=Entry.Status.REVIEW)
    login(client, "manager")
    response = client.post(edit_url(entry), {"action": "return", "comment": ""})
    assert response.status_code == 400
    assert "差し戻しの理由を入力してください。" in response.content.decode()
    response = client.post(
        edit_url(entry), {"action": "return", "comment": "電話番号を直してください"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.review_comment) == (Entry.Status.DRAFT, "電話番号を直してください")
    assert "電話番号を直してください" in client.get(edit_url(entry)).content.decode()
    assert audit_purposes(entry) == ["FAQの差し戻し"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": ""}, "質問を入力してください。"),
        ({"answer": "  "}, "回答を入力してください。"),
        ({"question": "あ" * 501}, "質問は500文字以内で入力してください。"),
        ({"answer": "あ" * 5001}, "回答は5,000文字以内で入力してください。"),
        ({"field": "astrology"}, "分野「astrology」はありません。"),
        ({"phrasings": "い" * 501}, "1行目の言い換えが長すぎます（500文字以内）。"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-01"}, "掲載終了日は掲載開始日より後"),
    ],
)
def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client, demo, public, changes, message
):
    login(client, "manager")
    typed = {**FORM, **changes, "action": "save"}
    response = client.post(NEW_URL, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="field__error"' in html
    kept = FORM["answer"] if "answer" not in changes else FORM["question"]
    assert kept in html  # what was typed is still in the form
    assert not Entry.objects.exists()


def test_unanswered_question_becomes_a_pending_phrasing(client, demo, public):
    entry = make_entry(public, "kaigo-a", "kaigo-hoken", phrasings=["介護の申請"])
    login(client, "manager")
    response = client.post(
        "/staff/chatbot/phrasings/new/", {"question": "かいごのしんせいしたい", "entry": entry.pk}
    )
    assert response.status_code == 302
    revision = Entry.objects.get(revision_of=entry)
    assert revision.status == Entry.Status.REVIEW
    assert revision.phrasings == ["介護の申請", "かいごのしんせいしたい"]
    entry.refresh_from_db()
    assert entry.phrasings == ["介護の申請"]  # live only once approved
    client.logout()
    login(client, "counter")
    response = client.post(
        "/staff/chatbot/phrasings/new/", {"question": "別の質問", "entry": entry.pk}
    )
    assert response.status_code == 403


def test_phrasing_page_offers_the_closest_entries_of_ones_department(client, demo, seeded):
    services.faq_answer(question="介護ロボットは借りられますか")
    login(client, "manager")
    home = client.get("/staff/chatbot/").content.decode()
    assert "/staff/chatbot/phrasings/new/?question=" in home
    response = client.get("/staff/chatbot/phrasings/new/", {"question": "介護保険の認定を受けたい"})
    assert response.status_code == 200
    candidates = response.context["candidates"]
    assert candidates
    assert {entry.department for entry, _ in candidates} == {"kaigo-hoken"}
    entry = candidates[0][0]
    response = client.post(
        "/staff/chatbot/phrasings/new/",
        {"question": "介護ロボットは借りられますか", "entry": entry.pk},
    )
    assert response.status_code == 302
    assert Entry.objects.get(revision_of=entry).status == Entry.Status.REVIEW
    # Once in review, a second phrasing waits: the page says so, nothing changes.
    response = client.post(
        "/staff/chatbot/phrasings/new/", {"question": "別の言い方", "entry": entry.pk}, follow=True
    )
    assert "このFAQは審査中です" in response.content.decode()
    assert "別の言い方" not in Entry.objects.get(revision_of=entry).phrasings


def test_approval_refreshes_the_index_on_commit(demo, public, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from ukai.chatbot.tasks import index_refresh_on_commit

    staff = get_user_model().objects.get(username="ict")
    entry = make_entry(public, "kaigo-new", "kaigo-hoken", status=Entry.Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.entry_approve(staff=staff, draft=entry, today=timezone.localdate())
        index_refresh_on_commit(approval.changed_collection_id)
    assert DBTaskResult.objects.filter(task_path__endswith="chatbot_index_refresh").count() == 1


def test_a_missed_question_opens_a_new_entry_prefilled(demo, public, client):
    login(client, "manager")
    response = client.get(
        NEW_URL,
        {
            "question": "粗大ごみの手数料はいくらですか",
            "phrasings": "粗大ごみ 料金\nそだいごみ いくら",
        },
    )
    body = response.content.decode()
    assert 'value="粗大ごみの手数料はいくらですか"' in body
    assert "粗大ごみ 料金\nそだいごみ いくら" in body


def test_entries_export_as_csv_for_excel(demo, public, client):
    make_entry(public, "kaigo-csv", "kaigo-hoken", question="=介護の相談窓口はどこですか")
    login(client, "manager")
    response = client.get("/staff/chatbot/entries/export.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff識別子,質問,言い換え,回答")
    assert "'=介護の相談窓口はどこですか" in text  # not a formula in Excel


IMPORT_URL = "/staff/chatbot/entries/import/"


def upload(client, data: bytes, name: str = "faq.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        IMPORT_URL,
        {"action": "preview", "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_export_then_import_changes_nothing(demo, public, client, inquiry_form):
    entry = make_entry(public, "kaigo-a", "kaigo-hoken", question="=介護の相談窓口はどこですか")
    entry.phrasings = ["介護 相談", "-介護の窓口"]
    entry.procedures = ["yokaigo-nintei-shinsei", "kaigo-hihokenshasho-saikofu"]
    entry.save()
    make_entry(public, "kaigo-draft", "kaigo-hoken", status=Entry.Status.DRAFT)
    login(client, "manager")
    # A pending revision: the export shows the published text, and both count as unchanged.
    client.post(edit_url(entry), {**FORM, "answer": "改訂中の回答", "action": "save"})
    page = client.get(edit_url(entry)).content.decode()
    assert '<legend class="field__label">関連する手続</legend>' in page
    assert 'value="yokaigo-nintei-shinsei" id="id_procedures_' in page
    exported = client.get("/staff/chatbot/entries/export.csv").content
    assert "yokaigo-nintei-shinsei\nkaigo-hihokenshasho-saikofu" in exported.decode()
    before = sorted(Entry.objects.values_list("pk", "status", "answer", "updated_at"))
    response = upload(client, exported)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.new, plan.changed, plan.unchanged) == (0, 0, 2)
    page = response.content.decode()
    assert "変更のある行はありません" in page
    assert "取り込んで審査に回す" not in page
    assert sorted(Entry.objects.values_list("pk", "status", "answer", "updated_at")) == before


def test_a_cp932_file_from_excel_is_previewed_then_sent_to_review(demo, public, client):
    entry = make_entry(public, "kaigo-a", "kaigo-hoken")
    login(client, "manager")  # 介護保険課
    text = (
        "識別子,質問,言い換え,回答,分野,担当課,言語,状態,最終確認日\r\n"
        'kaigo-a,kaigo-aの質問,"介護 窓口\n介護の相談",新しい回答です。,kaigo,kaigo-hoken,ja,公開,\r\n'
        ",介護タクシーは使えますか,,福祉タクシー券をご利用ください。,介護,kaigo-hoken,ja,,\r\n"
    )
    response = upload(client, text.encode("cp932"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "新しいFAQ 1件、変更 1件、変更なし 0件です。まだ何も取り込んでいません。" in page
    assert Entry.objects.count() == 1  # the preview writes nothing
    digest = response.context["plan"].digest
    response = client.post(IMPORT_URL, {"action": "apply", "digest": digest})
    assert response.status_code == 302
    entry.refresh_from_db()
    # The bot keeps the published text until the reviewer approves.
    assert (entry.status, entry.answer) == (Entry.Status.PUBLISHED, "kaigo-aの回答")
    revision = Entry.objects.get(revision_of=entry)
    assert (revision.status, revision.answer) == (Entry.Status.REVIEW, "新しい回答です。")
    assert revision.phrasings == ["介護 窓口", "介護の相談"]
    new = Entry.objects.get(question="介護タクシーは使えますか")
    assert (new.status, new.field, new.department) == (Entry.Status.REVIEW, "kaigo", "kaigo-hoken")
    assert "FAQを審査に回す" in audit_purposes(new)
    # Applying twice does nothing: the held file is gone.
    again = client.post(IMPORT_URL, {"action": "apply", "digest": digest})
    assert again.status_code == 302
    assert Entry.objects.count() == 3


def test_import_errors_name_their_rows_and_nothing_is_written(demo, public, client):
    make_entry(public, "shimin-a", "shimin", field="koseki")
    login(client, "manager")  # 介護保険課
    text = (
        "\ufeff識別子,質問,言い換え,回答,分野,担当課\r\n"
        ",介護保険料はいくらですか,,所得段階で決まります。,kaigo,kaigo-hoken\r\n"
        ",,,,kaigo,kaigo-hoken\r\n"
        "shimin-a,住民票,,市民課へ,koseki,kaigo-hoken\r\n"
        ",戸籍謄本,,市民課へ,koseki,shimin\r\n"
    )
    response = upload(client, text.encode("utf-8"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "3行目: 質問（1〜500文字）が必要です。 / row 3: a question" in page
    assert "4行目: 識別子「shimin-a」のFAQはほかの課のものです。" in page
    assert "5行目: 担当課「shimin」のFAQは取り込めません" in page
    assert "2行目" not in page
    assert 'class="error-summary"' in page
    assert Entry.objects.count() == 1
    bad = upload(client, "質問,回答\r\nあ,い\r\n".encode())
    assert "見出しに「担当課」がありません" in bad.content.decode()
    latin1 = upload(client, b"\x81\xff\xfe\x80")
    assert "文字コードを読み取れません" in latin1.content.decode()


def test_the_csv_import_command_previews_then_applies(demo, public, tmp_path):
    import io

    make_entry(public, "kaigo-a", "kaigo-hoken")
    path = tmp_path / "faq.csv"
    path.write_text(
        "識別子,質問,言い換え,回答,分野,担当課\nkaigo-b,介護の質問,,介護の回答,kaigo,kaigo-hoken\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("chatbot_import_csv", "--staff", "manager", str(path), stdout=out)
    assert "確認のみ" in out.getvalue()
    assert not Entry.objects.filter(key="kaigo-b").exists()
    call_command("chatbot_import_csv", "--staff", "manager", "--apply", str(path), stdout=out)
    assert Entry.objects.get(key="kaigo-b").status == Entry.Status.REVIEW
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="担当課「kaigo-hoken」のFAQは取り込めません"):
        call_command("chatbot_import_csv", "--staff", "counter", "--apply", str(path))


def test_unpublishing_and_deleting_go_through_review_and_stop_answers_at_once(
    client, demo, real_encoder
):
    assert not services.faq_seed_load().errors
    question = "住民票の写しはどこでもらえますか"
    answer = services.faq_answer(question=question, record=False)
    assert answer.entry is not None
    entry = answer.entry
    assert entry.key == "koseki-001"  # it has translations in English and easy Japanese
    Entry.objects.filter(pk=entry.pk).update(department="kodomo-shien")
    login(client, "department")  # 子ども支援課: may ask, may not approve
    assert client.post(edit_url(entry), {"action": "request_unpublish"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.requested_action) == (Entry.Status.PUBLISHED, "unpublish")
    assert services.faq_answer(question=question, record=False).entry == entry  # still live
    page = client.get(edit_url(entry)).content.decode()
    assert "所属長または情報政策課の承認を待っています" in page
    assert client.post(edit_url(entry), {"action": "approve_removal"}).status_code == 403

    reviewer = Client()
    staff_client_login(reviewer, get_user_model().objects.get(username="ict"))
    refused = reviewer.post(edit_url(entry), {"action": "return_removal", "removal-comment": ""})
    assert refused.status_code == 400
    assert "差し戻しの理由を入力してください" in refused.content.decode()
    assert reviewer.post(edit_url(entry), {"action": "approve_removal"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.requested_action) == (Entry.Status.DRAFT, "")
    statuses = set(Entry.objects.filter(translation_of=entry).values_list("status", flat=True))
    assert statuses == {Entry.Status.DRAFT}
    after = services.faq_answer(question=question, record=False)
    assert after.entry is None or after.entry.pk != entry.pk
    english = services.faq_answer(
        question="Where can I get my residence certificate?", record=False
    )
    assert english.entry is None or english.entry.translation_of_id != entry.pk
    assert "FAQの公開停止（承認）" in audit_purposes(entry)

    # Deleting: asked, returned once with a reason, asked again, approved.
    assert client.post(edit_url(entry), {"action": "request_delete"}).status_code == 302
    returned = reviewer.post(
        edit_url(entry), {"action": "return_removal", "removal-comment": "まだ使います"}
    )
    assert returned.status_code == 302
    entry.refresh_from_db()
    assert (entry.requested_action, entry.review_comment) == ("", "まだ使います")
    assert client.post(edit_url(entry), {"action": "request_delete"}).status_code == 302
    response = reviewer.post(edit_url(entry), {"action": "approve_removal"})
    assert response["Location"] == LIST_URL
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    assert reviewer.get(edit_url(entry)).status_code == 404
    assert entry.key not in reviewer.get("/staff/chatbot/entries/export.csv").content.decode()
    assert "FAQの削除（承認）" in audit_purposes(entry)
    # Loading the seed again does not bring it back.
    assert not services.faq_seed_load().errors
    entry.refresh_from_db()
    assert (entry.status, entry.deleted_at is not None) == (Entry.Status.DRAFT, True)
