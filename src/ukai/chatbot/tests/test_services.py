from datetime import date, timedelta

import pytest
from django.utils import timezone

from ukai.chatbot import service, services
from ukai.chatbot.models import PUBLIC_COLLECTION, Collection, Entry, Field, Message
from ukai.core.errors import UkaiError

pytestmark = pytest.mark.django_db


def test_seed_has_300_entries_in_18_fields_and_loads_idempotently(seeded):
    entries = Entry.objects.filter(collection__name=PUBLIC_COLLECTION)
    assert entries.count() >= 300
    fields = set(entries.values_list("field", flat=True))
    assert len(fields - {Field.OTHER}) >= 18
    again = services.faq_seed_load()
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == entries.count()
    assert all(entry.department for entry in entries)


def test_import_refuses_a_bad_file_and_writes_nothing(db):
    records = [
        (1, {"id": "a", "question": "質問", "answer": "回答"}),
        (2, {"id": "b", "question": "", "answer": "回答"}),
        (3, {"id": "c", "question": "質問", "answer": "回答", "field": "宇宙"}),
        (4, {"id": "a", "question": "質問2", "answer": "回答2"}),
    ]
    result = services.entries_import(collection_name="eval", records=records)
    assert len(result.errors) == 3
    assert "2行目" in result.errors[0]
    assert "line 2" in result.errors[0]
    assert not Collection.objects.filter(name="eval").exists()
    assert Entry.objects.count() == 0


def test_import_accepts_japanese_field_labels_and_counts_changes(db):
    first = services.entries_import(
        collection_name="eval",
        records=[
            (
                1,
                {
                    "id": "x",
                    "question": "ごみの日は？",
                    "answer": "月曜日です。",
                    "field": "ごみ・環境",
                },
            )
        ],
    )
    assert first.created == 1
    assert Entry.objects.get(key="x").field == Field.GOMI
    version = Collection.objects.get(name="eval").index_version
    second = services.entries_import(
        collection_name="eval",
        records=[(1, {"id": "x", "question": "ごみの日は？", "answer": "火曜日です。"})],
    )
    assert second.updated == 1
    assert Collection.objects.get(name="eval").index_version == version + 1


def test_a_resident_question_gets_the_right_entry_and_is_recorded(seeded):
    answer = services.faq_answer(question="粗大ゴミを捨てたいのですが")
    assert answer.answered
    assert answer.entry is not None
    assert answer.entry.key == "gomi-003"
    assert len(answer.alternatives) == 3
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.message_id is not None
    message = Message.objects.get(pk=answer.message_id)
    assert message.question == "粗大ゴミを捨てたいのですが"
    assert message.answered
    assert message.entry == answer.entry
    assert message.language == "ja"


def test_a_question_outside_the_knowledge_base_gets_i_dont_know_and_three_entries(seeded):
    answer = services.faq_answer(question="市長の好きな食べ物は何ですか")
    assert not answer.answered
    assert answer.entry is None
    assert len(answer.alternatives) == 3
    assert answer.message_id is not None
    assert Message.objects.get(pk=answer.message_id).answered is False


def test_the_conversation_continues_with_its_id(seeded):
    first = services.faq_answer(question="ゴミの日はいつ？")
    second = services.faq_answer(question="粗大ごみは？", conversation_id=first.conversation_id)
    assert first.conversation_id == second.conversation_id


@pytest.mark.parametrize(
    ("question", "code"),
    [("", "question_empty"), ("   \n ", "question_empty"), ("あ" * 10_000, "question_too_long")],
)
def test_empty_and_overlong_questions_are_refused_and_nothing_is_stored(db, question, code):
    with pytest.raises(UkaiError) as caught:
        services.faq_answer(question=question)
    assert caught.value.code == code
    assert caught.value.status == 422
    assert "質問" in caught.value.message_ja
    assert Message.objects.count() == 0


def test_emoji_only_gets_i_dont_know_and_is_not_stored(seeded):
    answer = services.faq_answer(question="🍣🍣🍣🙏")
    assert not answer.answered
    assert answer.message_id is None
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    "question",
    [
        "<script>alert('x')</script>",
        "'; DROP TABLE chatbot_entry; --",
        "住民票 how do I get it? 住民票はどこで",
        "ごみ" * 499,
    ],
)
def test_odd_questions_are_handled_as_text(seeded, question):
    answer = services.faq_answer(question=question)
    assert answer.message_id is not None
    assert Message.objects.get(pk=answer.message_id).question == question.strip()
    assert Entry.objects.filter(collection__name=PUBLIC_COLLECTION).count() >= 300


def test_rate_limit_counts_per_client_in_the_cache(db, settings):
    settings.UKAI_CHATBOT_RATE_LIMIT = 3
    for _ in range(3):
        services.client_rate_limit(client_address="192.0.2.1")
    with pytest.raises(UkaiError) as caught:
        services.client_rate_limit(client_address="192.0.2.1")
    assert caught.value.status == 429
    assert "1分ほど待って" in caught.value.message_ja
    services.client_rate_limit(client_address="192.0.2.2")  # another client is not limited


def test_feedback_is_recorded_and_unknown_messages_are_refused(seeded):
    answer = services.faq_answer(question="ゴミの日はいつ？")
    assert answer.message_id is not None
    services.message_feedback(message_id=answer.message_id, helpful=True)
    assert answer.message_id is not None
    assert Message.objects.get(pk=answer.message_id).helpful is True
    with pytest.raises(UkaiError):
        services.message_feedback(message_id=999_999, helpful=False)


def test_entries_outside_their_validity_period_or_drafts_are_not_answered(seeded):
    entry = Entry.objects.get(key="culture-001")
    services.entries_import(
        collection_name=PUBLIC_COLLECTION,
        records=[
            (
                1,
                {
                    "id": "culture-001",
                    "question": entry.question,
                    "phrasings": entry.phrasings,
                    "answer": entry.answer,
                    "field": entry.field,
                    "department": entry.department,
                    "valid_until": (timezone.localdate() - timedelta(days=1)).isoformat(),
                },
            )
        ],
    )
    answer = services.faq_answer(question="長良川の鵜飼はいつ見られますか")
    shown = [answer.entry, *answer.alternatives]
    assert all(e is None or e.key != "culture-001" for e in shown)


def test_kpis_are_computed_from_the_data(seeded):
    today = timezone.localdate()
    assert float(service.kpi_fields_covered(as_of=today)["value"]) >= 18
    assert service.kpi_fields_covered(as_of=date(2000, 1, 1))["value"] == 0
    answered = services.faq_answer(question="粗大ゴミを捨てたい")
    services.faq_answer(question="市長の好きな食べ物は何ですか")
    assert answered.message_id is not None
    services.message_feedback(message_id=answered.message_id, helpful=True)
    assert service.kpi_questions_per_month(as_of=today)["value"] == 2
    assert service.kpi_answer_rate(as_of=today)["value"] == 0.5
    assert service.kpi_helpful_rate(as_of=today)["value"] == 1.0
    assert service.kpi_handoffs(as_of=today)["value"] == 0
    for kpi in (
        service.kpi_fields_covered,
        service.kpi_questions_per_month,
        service.kpi_answer_rate,
        service.kpi_helpful_rate,
        service.kpi_handoffs,
    ):
        result = kpi(as_of=today)
        assert isinstance(result["value"], float)
        assert isinstance(result["description"], str)
        assert result["description"]


# The worker manages its own connections and transactions, as in production.
@pytest.mark.django_db(transaction=True)
def test_changed_entries_rebuild_the_index_in_the_worker(
    real_encoder, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.DATA_DIR = tmp_path
    services._store = None  # the store follows DATA_DIR
    try:
        from ukai.chatbot.tasks import index_refresh_on_commit

        with django_capture_on_commit_callbacks(execute=True):
            result = services.entries_import(
                collection_name="eval",
                records=[(1, {"id": "x", "question": "ごみの日は？", "answer": "月曜日です。"})],
            )
            index_refresh_on_commit(result.changed_collection_id)
        assert DBTaskResult.objects.filter(task_path__endswith="chatbot_index_refresh").count() == 1
        call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        task = DBTaskResult.objects.get(task_path__endswith="chatbot_index_refresh")
        assert task.status == "SUCCESSFUL"
        assert (tmp_path / "chatbot" / "embeddings.npz").exists()
    finally:
        services._store = None


def test_an_english_question_gets_the_english_version(seeded):
    answer = services.faq_answer(question="When is the garbage collection day?")
    assert answer.language == "en"
    assert answer.entry is not None
    assert answer.entry.key == "gomi-002@en"
    assert answer.entry.language == "en"
    assert not answer.language_note_ja
    message = Message.objects.get(pk=answer.message_id or 0)
    assert message.entry is not None
    assert message.entry.key == "gomi-002"  # the KPIs count the original entry


def test_a_chinese_question_gets_easy_japanese_with_a_note(seeded):
    answer = services.faq_answer(question="我想学习日语，有日语教室吗")
    assert answer.language == "zh"
    if answer.answered:
        assert answer.entry is not None
        assert answer.entry.language in ("easy-ja", "ja")
        assert answer.language_note_ja
    assert all(e.translation_of_id is None or e.language == "easy-ja" for e in answer.alternatives)


def test_a_japanese_question_never_gets_a_translation(seeded):
    answer = services.faq_answer(question="ごみの日はいつですか")
    shown = [answer.entry, *answer.alternatives]
    assert all(e is None or e.language == "ja" for e in shown)
    assert len({e.pk for e in shown if e is not None}) == len([e for e in shown if e is not None])


def test_a_translation_of_a_missing_entry_is_refused(db):
    result = services.entries_import(
        collection_name="eval",
        records=[
            (
                1,
                {
                    "id": "a@en",
                    "translation_of": "a",
                    "language": "en",
                    "question": "q",
                    "answer": "a",
                },
            )
        ],
    )
    assert result.errors
    assert Entry.objects.count() == 0


def test_a_hand_off_files_a_case_with_the_conversation_in_the_departments_inbox(
    seeded, inquiry_form
):
    from ukai.chatbot.models import HandOff
    from ukai.procedures.service import case_by_receipt

    first = services.faq_answer(question="粗大ごみの出し方を教えてください")
    missed = services.faq_answer(
        question="市長の好きな食べ物は何ですか", conversation_id=first.conversation_id
    )
    assert first.answered
    assert first.entry is not None
    assert not missed.answered
    assert missed.message_id is not None
    # The closest entry's department owns the inquiry, not the inquiry form's 広報広聴課.
    Message.objects.filter(pk=missed.message_id).update(department="kankyo-jigyo")
    with pytest.raises(UkaiError) as caught:
        services.message_hand_off(message_id=missed.message_id, contact=" ", details="")
    assert caught.value.field == "contact"
    with pytest.raises(UkaiError) as caught:
        services.message_hand_off(message_id=missed.message_id, contact="taro@", details="")
    assert (caught.value.field, caught.value.message_ja) == (
        "contact",
        "メールアドレスの形式が正しくありません（例：taro@example.jp）。",
    )
    assert HandOff.objects.count() == 0
    assert not Message.objects.get(pk=missed.message_id).handed_off

    handoff = services.message_hand_off(
        message_id=missed.message_id,
        contact="taro@example.jp",
        details="市長の趣味も知りたい",
        name="岐阜 太郎",
    )
    case = case_by_receipt(handoff.receipt_number, department_codes={"kankyo-jigyo"})
    assert case is not None
    assert case.procedure.slug == "chatbot-inquiry"
    assert (case.channel, case.applicant_email) == ("online", "taro@example.jp")
    conversation = case.answers["conversation"]
    assert "質問：粗大ごみの出し方を教えてください" in conversation
    assert f"FAQ「{first.entry.question}」" in conversation
    assert "質問：市長の好きな食べ物は何ですか" in conversation
    assert conversation.index("粗大ごみ") < conversation.index("市長")
    assert (case.answers["details"], case.answers["name"]) == ("市長の趣味も知りたい", "岐阜 太郎")
    # The personal data lives in the case only.
    assert (handoff.contact, handoff.details, handoff.department) == ("", "", "kankyo-jigyo")
    assert Message.objects.get(pk=missed.message_id).handed_off
    with pytest.raises(UkaiError) as caught:
        services.message_hand_off(message_id=missed.message_id, contact="x@example.jp", details="")
    assert caught.value.status == 409
    assert HandOff.objects.count() == 1
    assert service.kpi_handoffs(as_of=timezone.localdate())["value"] == 1


def test_a_hand_off_without_a_department_goes_to_koho_kocho_by_phone(seeded, inquiry_form):
    from ukai.procedures.service import case_by_receipt

    answer = services.faq_answer(question="おすすめの映画を教えて")
    assert answer.message_id is not None
    Message.objects.filter(pk=answer.message_id).update(department="")
    handoff = services.message_hand_off(
        message_id=answer.message_id, contact="０５８-２６５-４１４１", details=""
    )
    case = case_by_receipt(handoff.receipt_number, department_codes={"koho-kocho"})
    assert case is not None
    assert case.applicant_email == ""
    assert case.answers["phone"] == "058-265-4141"


def test_a_hand_off_says_so_when_the_inquiry_form_is_missing(seeded):
    from ukai.chatbot.models import HandOff

    answer = services.faq_answer(question="おすすめの映画を教えて")
    assert answer.message_id is not None
    with pytest.raises(UkaiError) as caught:
        services.message_hand_off(message_id=answer.message_id, contact="a@example.jp", details="")
    assert caught.value.status == 503
    assert "058-265-4141" in caught.value.message_ja
    assert HandOff.objects.count() == 0


def test_a_question_with_control_characters_is_still_handed_off(seeded, inquiry_form):
    from ukai.procedures.service import case_by_receipt

    answer = services.faq_answer(question="市長の\u202e好きな\ue000食べ物は？")
    assert answer.message_id is not None
    handoff = services.message_hand_off(
        message_id=answer.message_id, contact="a@example.jp", details=""
    )
    case = case_by_receipt(handoff.receipt_number, department_codes=None)
    assert case is not None
    assert "質問：市長の好きな食べ物は？" in case.answers["conversation"]
