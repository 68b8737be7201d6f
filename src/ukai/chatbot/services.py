"""Writes and the answering service of the chatbot.

``faq_answer`` is the one path by which the page and the API answer a resident:
check the question, rank the public collection, record the exchange (text only).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.service import (
    Role,
    audit_log,
    rate_limit_count,
    staff_department_codes,
)
from ukai.procedures.service import (
    Assurance,
    Channel,
    FormAnswersInvalid,
    case_submit,
    form_definition_current,
    procedure_by_slug,
)

from . import selectors
from .models import (
    PUBLIC_COLLECTION,
    Collection,
    Conversation,
    Entry,
    Field,
    HandOff,
    Language,
    Message,
    RemovalAction,
)
from .retrieval import EmbeddingStore, EntryDoc, Index, Ranking, Tuning

logger = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parent / "data" / "faq_gifu.jsonl"
SEED_TRANSLATIONS_PATH = SEED_PATH.with_name("faq_gifu_translations.jsonl")
SEED_PATHS = (SEED_PATH, SEED_TRANSLATIONS_PATH)
QUESTION_MAX_CHARS = 1000
_FIELD_BY_LABEL = {str(label): value for value, label in Field.choices}
# Related procedures: slugs of the procedures catalog (checked when shown, not stored).
PROCEDURE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
PROCEDURES_MAX = 10
# A question needs at least one letter, digit, kana or kanji to be about anything.
_HAS_WORD = re.compile(r"[0-9A-Za-z\u3040-\u30ff\u3400-\u9fff\uff10-\uff5a]")


# --- the index of each collection, one per process --------------------------------------

_index_lock = threading.Lock()
_indexes: dict[tuple[int, str], tuple[int, Index]] = {}
_store: EmbeddingStore | None = None


_indexes_by_content: dict[str, Index] = {}


def _docs_fingerprint(docs: list[EntryDoc]) -> str:
    """Same texts in the same order give the same index (whatever the ids): no rebuild."""
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(
            json.dumps(
                [
                    doc.id,
                    doc.question,
                    list(doc.phrasings),
                    doc.answer,
                    str(doc.valid_from),
                    str(doc.valid_until),
                ],
                ensure_ascii=False,
            ).encode()
        )
    return digest.hexdigest()


def _embedding_store() -> EmbeddingStore:
    global _store
    if _store is None:
        path = Path(settings.DATA_DIR) / "chatbot" / "embeddings.npz"
        _store = EmbeddingStore(path)
    return _store


def _index_key(collection: Collection) -> tuple[int, str]:
    # The creation time tells apart two collections that reused one id.
    return collection.pk, collection.created_at.isoformat()


def collection_index(*, collection: Collection) -> Index:
    """The collection's index, rebuilt in this process when its entries have changed."""
    key = _index_key(collection)
    held = _indexes.get(key)
    if held is not None and held[0] == collection.index_version:
        return held[1]
    with _index_lock:
        held = _indexes.get(key)
        if held is not None and held[0] == collection.index_version:
            return held[1]
        version = Collection.objects.values_list("index_version", flat=True).get(pk=collection.pk)
        docs = [
            EntryDoc(
                id=entry.pk,
                question=entry.question,
                phrasings=[str(p) for p in entry.phrasings or []],
                answer=entry.answer,
                valid_from=entry.valid_from,
                valid_until=entry.valid_until,
            )
            for entry in selectors.entry_list_published(collection=collection)
        ]
        fingerprint = _docs_fingerprint(docs)
        cached = _indexes_by_content.get(fingerprint)
        if cached is not None:
            index = cached.with_entry_ids([doc.id for doc in docs])
            _indexes[key] = (version, index)
            return index
        started = time.perf_counter()
        index = Index(docs, store=_embedding_store())
        # Keep the last two contents: an edit and its undo need no second rebuild.
        while len(_indexes_by_content) >= 2:
            _indexes_by_content.pop(next(iter(_indexes_by_content)))
        _indexes_by_content[fingerprint] = index
        logger.info(
            "chatbot index built",
            extra={
                "collection": collection.name,
                "entries": len(docs),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        _indexes[key] = (version, index)
        return index


def collection_index_refresh(*, collection_id: int) -> int:
    """Build the collection's index now and keep its vectors on disk; the entry count."""
    collection = Collection.objects.get(pk=collection_id)
    index = collection_index(collection=collection)
    _embedding_store().save()
    return len(index)


def _collection_changed(collection: Collection) -> None:
    # Every process sees the new number on its next question and rebuilds; the
    # caller enqueues ``chatbot_index_refresh`` so that the worker encodes the
    # changed texts first (tasks.index_refresh_on_commit).
    Collection.objects.filter(pk=collection.pk).update(index_version=F("index_version") + 1)


# --- import ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    # The collection whose index must be rebuilt, when anything changed.
    changed_collection_id: int | None = None


def _import_error(line: int, ja: str, en: str) -> str:
    return f"{line}行目: {ja} / line {line}: {en}"


def _optional_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value))


def _entry_values(record: Any, line: int) -> tuple[str, dict[str, Any]]:
    """The key and model values of one import record; raises ValueError with the message."""
    if not isinstance(record, dict):
        raise ValueError(
            _import_error(line, "JSONのオブジェクトではありません。", "not a JSON object.")
        )
    key = str(record.get("id") or "").strip()
    question = str(record.get("question") or "").strip()
    answer = str(record.get("answer") or "").strip()
    if not key or len(key) > 100:
        raise ValueError(
            _import_error(
                line, "id（1〜100文字）が必要です。", "id (1–100 characters) is required."
            )
        )
    if not question or len(question) > 500:
        raise ValueError(
            _import_error(
                line,
                "question（1〜500文字）が必要です。",
                "question (1–500 characters) is required.",
            )
        )
    if not answer or len(answer) > 5000:
        raise ValueError(
            _import_error(
                line,
                "answer（1〜5000文字）が必要です。",
                "answer (1–5,000 characters) is required.",
            )
        )
    field_value = str(record.get("field") or Field.OTHER)
    field_value = _FIELD_BY_LABEL.get(field_value, field_value)
    if field_value not in Field.values:
        raise ValueError(
            _import_error(
                line, f"分野「{field_value}」はありません。", f"unknown field {field_value!r}."
            )
        )
    language = str(record.get("language") or Language.JA)
    if language not in Language.values:
        raise ValueError(
            _import_error(
                line, f"言語「{language}」はありません。", f"unknown language {language!r}."
            )
        )
    phrasings = record.get("phrasings") or []
    if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
        raise ValueError(
            _import_error(
                line, "phrasings は文字列のリストです。", "phrasings must be a list of strings."
            )
        )
    status = str(record.get("status") or Entry.Status.PUBLISHED)
    if status not in Entry.Status.values:
        raise ValueError(
            _import_error(line, f"状態「{status}」はありません。", f"unknown status {status!r}.")
        )
    try:
        valid_from = _optional_date(record.get("valid_from"))
        valid_until = _optional_date(record.get("valid_until"))
        reviewed_on = _optional_date(record.get("reviewed_on"))
    except ValueError:
        raise ValueError(
            _import_error(
                line, "日付は 2026-04-01 の形で書いてください。", "dates must look like 2026-04-01."
            )
        ) from None
    translation_of = str(record.get("translation_of") or "").strip()
    if translation_of and language == Language.JA:
        raise ValueError(
            _import_error(
                line,
                "翻訳の language は easy-ja か en です。",
                "a translation's language must be easy-ja or en.",
            )
        )
    if valid_from and valid_until and valid_until < valid_from:
        raise ValueError(
            _import_error(
                line, "掲載終了日が開始日より前です。", "valid_until is before valid_from."
            )
        )
    procedures = record.get("procedures") or []
    if not isinstance(procedures, list) or not all(
        isinstance(p, str) and PROCEDURE_SLUG.fullmatch(p) for p in procedures
    ):
        raise ValueError(
            _import_error(
                line,
                "procedures は手続の識別子（英小文字・数字・ハイフン）のリストです。",
                "procedures must be a list of procedure slugs.",
            )
        )
    return key, {
        "question": question,
        "phrasings": [p.strip() for p in phrasings if p.strip()][:50],
        "procedures": list(dict.fromkeys(procedures))[:PROCEDURES_MAX],
        "answer": answer,
        "field": field_value,
        "department": str(record.get("department") or "")[:50],
        "language": language,
        "status": status,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "reviewed_on": reviewed_on,
        "translation_of": translation_of,
    }


def jsonl_records(text: str) -> list[tuple[int, Any]]:
    """(line number, parsed value) of each non-empty line; ValueError on invalid JSON."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError:
            raise ValueError(
                _import_error(number, "JSONとして読めません。", "not valid JSON.")
            ) from None
    return records


def entries_import(*, collection_name: str, records: list[tuple[int, Any]]) -> ImportResult:
    """Create or update entries by their id; all or nothing (the first error stops it)."""
    result = ImportResult()
    values_by_key: dict[str, dict[str, Any]] = {}
    for line, record in records:
        try:
            key, values = _entry_values(record, line)
        except ValueError as exc:
            result.errors.append(str(exc))
            continue
        if key in values_by_key:
            result.errors.append(
                _import_error(line, f"id「{key}」が重複しています。", f"duplicate id {key!r}.")
            )
        values_by_key[key] = values
    if result.errors:
        return result
    with transaction.atomic():
        collection, _ = Collection.objects.get_or_create(
            name=collection_name, defaults={"title": collection_name}
        )
        existing = {entry.key: entry for entry in collection.entries.all()}
        # Originals first, so that a translation finds the entry it translates.
        ordered = sorted(values_by_key.items(), key=lambda item: bool(item[1]["translation_of"]))
        for key, values in ordered:
            original_key = values.pop("translation_of")
            values["translation_of"] = None
            if original_key:
                original = existing.get(original_key)
                if original is None:
                    transaction.set_rollback(True)
                    result.errors.append(
                        f"id「{key}」の翻訳元「{original_key}」がありません。"
                        f" / {key!r} translates {original_key!r}, which does not exist."
                    )
                    return result
                values["translation_of"] = original
            entry = existing.get(key)
            if entry is not None and entry.deleted_at is not None:
                result.unchanged += 1  # staff deleted it: a seed run does not bring it back
                continue
            if entry is None:
                existing[key] = Entry.objects.create(collection=collection, key=key, **values)
                result.created += 1
            elif any(getattr(entry, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(entry, name, value)
                entry.save()
                result.updated += 1
            else:
                result.unchanged += 1
        if result.created or result.updated:
            _collection_changed(collection)
            result.changed_collection_id = collection.pk
    return result


def faq_seed_load(*, paths: tuple[Path, ...] = SEED_PATHS) -> ImportResult:
    """Load the Gifu City FAQs and their translations into the public collection (idempotent)."""
    records = [
        (number, record)
        for path in paths
        for number, record in jsonl_records(path.read_text(encoding="utf-8"))
    ]
    return entries_import(collection_name=PUBLIC_COLLECTION, records=records)


# --- answering ------------------------------------------------------------------------


@dataclass
class Answer:
    question: str
    answered: bool
    confidence: float
    entry: Entry | None
    alternatives: list[Entry]
    message_id: int | None
    conversation_id: uuid.UUID | None
    language: str  # detected in the question (py3langid code)
    # Set when the answer is shown in another language than the question's.
    language_note_ja: str = ""
    language_note_en: str = ""
    # The entry's related procedures that the catalog publishes.
    procedures: list[ProcedureLink] = field(default_factory=list)


@dataclass(frozen=True)
class ProcedureLink:
    slug: str
    name: str


def entry_procedure_links(*, entry: Entry) -> list[ProcedureLink]:
    """The entry's (a translation: its original's) related procedures still in the catalog."""
    source = entry.translation_of if entry.translation_of_id is not None else entry
    links = []
    for slug in (source.procedures if source is not None else None) or []:
        procedure = procedure_by_slug(str(slug))
        if procedure is not None:
            links.append(ProcedureLink(slug=procedure.slug, name=procedure.name))
    return links


def question_check(question: str) -> str:
    """The question stripped; UkaiError when it is empty or too long."""
    text = question.strip()
    if not text:
        raise UkaiError(
            code="question_empty",
            message_ja="質問を入力してください。",
            message_en="Please type a question.",
            status=422,
            field="question",
        )
    if len(text) > QUESTION_MAX_CHARS:
        raise UkaiError(
            code="question_too_long",
            message_ja=f"質問は{QUESTION_MAX_CHARS:,}文字以内で入力してください（{len(text):,}文字あります）。",
            message_en=f"Please keep the question to {QUESTION_MAX_CHARS:,} characters (it has {len(text):,}).",
            status=422,
            field="question",
        )
    return text


def client_rate_limit(*, client_address: str) -> None:
    """Count one question from this client; UkaiError 429 beyond the limit per minute."""
    limit = int(getattr(settings, "UKAI_CHATBOT_RATE_LIMIT", 30))
    count = rate_limit_count(scope="chatbot", client_address=client_address, window_seconds=60)
    if count > limit:
        raise UkaiError(
            code="rate_limited",
            message_ja=(
                "短い時間に質問が多すぎます。1分ほど待ってから、もう一度お試しください。"
                "お急ぎの場合は、岐阜市役所（代表 058-265-4141）へお電話ください。"
            ),
            message_en="Too many questions in a short time. Please wait a minute and try again.",
            status=429,
            extra={"retry_after": 60},
        )


_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN_OR_KANA = re.compile(r"[A-Za-z\u3040-\u30ff]")


def language_detect(text: str) -> str:
    """The question's language: kana means Japanese; otherwise py3langid decides."""
    if _KANA.search(text):
        return "ja"
    if not _LATIN_OR_KANA.search(text) and len(text) <= 12:
        return "ja"  # a few kanji (住民票, 国民健康保険) are a Japanese resident's keywords
    import py3langid

    code, _ = py3langid.classify(text)
    return str(code)


def _wanted_language(detected: str) -> str:
    if detected == "ja":
        return Language.JA
    if detected == "en":
        return Language.EN
    return Language.EASY_JA


def _shown_version(entry: Entry, versions: dict[tuple[int, str], Entry], wanted: str) -> Entry:
    """The version of ``entry`` (an original) to show to a reader of ``wanted``."""
    if wanted == Language.JA:
        return entry
    preference = [wanted, Language.EASY_JA] if wanted == Language.EN else [Language.EASY_JA]
    for language in preference:
        found = versions.get((entry.pk, language))
        if found is not None:
            return found
    return entry


def tuning_current() -> Tuning:
    return Tuning.load()


def collection_rank(
    *, collection: Collection, question: str, limit: int = 10, day: date | None = None
) -> Ranking:
    """Rank the collection's entries for the question (no checks, nothing recorded)."""
    return collection_index(collection=collection).rank(
        question, tuning=tuning_current(), limit=limit, day=day
    )


def faq_answer(
    *,
    question: str,
    channel: str = "web",
    conversation_id: uuid.UUID | None = None,
    record: bool = True,
) -> Answer:
    """Answer a resident's question from the public collection and record the exchange."""
    text = question_check(question)
    collection = selectors.collection_get(name=PUBLIC_COLLECTION)
    has_words = bool(_HAS_WORD.search(text))
    if collection is None or not has_words:
        ranking = Ranking(results=[], confidence=0.0, answered=False)
    else:
        ranking = collection_rank(
            collection=collection, question=text, limit=12, day=timezone.localdate()
        )
    found = selectors.entries_by_id(ids=[r.entry_id for r in ranking.results])
    # A hit on a translation counts for its original: one result per original entry.
    originals: list[Entry] = []
    for result in ranking.results:
        hit = found.get(result.entry_id)
        if hit is None:
            continue
        original = hit.translation_of if hit.translation_of_id is not None else hit
        if original is not None and all(o.pk != original.pk for o in originals):
            originals.append(original)
    language = language_detect(text) if has_words else ""
    wanted = _wanted_language(language or "ja")
    versions = selectors.entry_translations(originals=originals)
    shown = [_shown_version(o, versions, wanted) for o in originals[:4]]
    entry_shown = shown[0] if ranking.answered and shown else None
    alternatives = shown[1:4] if entry_shown is not None else shown[:3]
    answer = Answer(
        question=text,
        answered=entry_shown is not None,
        confidence=round(ranking.confidence, 4),
        entry=entry_shown,
        alternatives=alternatives,
        message_id=None,
        conversation_id=None,
        language=language,
    )
    if entry_shown is not None:
        answer.procedures = entry_procedure_links(entry=entry_shown)
    if entry_shown is not None and wanted != Language.JA and entry_shown.language != wanted:
        if entry_shown.language == Language.EASY_JA:
            answer.language_note_ja = (
                "この回答は、まだ翻訳がないため、やさしい日本語で表示しています。"
            )
            answer.language_note_en = "No translation yet: this answer is shown in easy Japanese."
        else:
            answer.language_note_ja = "この回答は、まだ翻訳がないため、日本語で表示しています。"
            answer.language_note_en = "No translation yet: this answer is shown in Japanese."
    ranked = originals
    if record and has_words:
        with transaction.atomic():
            conversation = None
            if conversation_id is not None:
                conversation = Conversation.objects.filter(pk=conversation_id).first()
            if conversation is None:
                conversation = Conversation.objects.create(channel=channel[:10])
            closest = ranked[0] if ranked else None
            message = Message.objects.create(
                conversation=conversation,
                question=text,
                language=language[:16],
                answered=answer.answered,
                confidence=answer.confidence,
                entry=originals[0] if answer.answered else None,
                field=closest.field if closest is not None else "",
                department=closest.department if closest is not None else "",
            )
        answer.message_id = message.pk
        answer.conversation_id = conversation.pk
    return answer


def message_feedback(*, message_id: int, helpful: bool) -> Message:
    """Record whether the answer helped; UkaiError 404 for an unknown message."""
    message = Message.objects.filter(pk=message_id).first() if 0 < message_id < 2**63 else None
    if message is None:
        raise UkaiError(
            code="message_not_found",
            message_ja="この回答は見つかりません。もう一度質問してください。",
            message_en="This answer was not found. Please ask again.",
            status=404,
        )
    Message.objects.filter(pk=message.pk).update(helpful=helpful)
    message.helpful = helpful
    return message


# Inquiries whose closest entry has no department go to the public hearing division.
HANDOFF_DEFAULT_DEPARTMENT = "koho-kocho"
# The procedures module's inquiry form (procedures/data/forms/chatbot-inquiry.json).
HANDOFF_PROCEDURE_SLUG = "chatbot-inquiry"
HANDOFF_CONVERSATION_MAX_CHARS = 5000
HANDOFF_RATE_LIMIT_PER_HOUR = 10


def handoff_rate_limit(*, client_address: str) -> None:
    """Count one hand-off from this client; UkaiError 429 beyond the hourly limit.

    A hand-off files a case and may e-mail the address typed: a tighter limit than questions'.
    """
    limit = int(getattr(settings, "UKAI_CHATBOT_HANDOFF_RATE_LIMIT", HANDOFF_RATE_LIMIT_PER_HOUR))
    count = rate_limit_count(
        scope="chatbot-handoff", client_address=client_address, window_seconds=3600
    )
    if count > limit:
        raise UkaiError(
            code="rate_limited",
            message_ja=(
                "短い時間にお問い合わせが多すぎます。しばらく待ってから、もう一度お試しください。"
                "お急ぎの場合は、岐阜市役所（代表 058-265-4141）へお電話ください。"
            ),
            message_en="Too many inquiries in a short time. Please wait and try again.",
            status=429,
            extra={"retry_after": 3600},
        )


# Characters a case's text field refuses (procedures.validation): controls, bidi overrides,
# private-use and unassigned code points. Residents' questions are stored as typed, so
# the transcript drops them rather than fail the hand-off.
_TRANSCRIPT_DROP = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _transcript_text(text: str) -> str:
    kept = _TRANSCRIPT_DROP.sub("", text)
    return "".join(
        char
        for char in kept
        if char in "\n\t" or unicodedata.category(char) not in {"Cc", "Cs", "Co", "Cn"}
    )


def conversation_transcript(*, message: Message) -> str:
    """The conversation up to ``message`` as plain text for staff (the latest part if long)."""
    lines = [f"AIチャットボットとの会話（{message.conversation_id}）"]
    exchanges = (
        Message.objects.filter(conversation_id=message.conversation_id, pk__lte=message.pk)
        .select_related("entry")
        .order_by("pk")
    )
    for exchange in exchanges:
        stamp = timezone.localtime(exchange.asked_at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"[{stamp}] 質問：{exchange.question}")
        if exchange.answered and exchange.entry is not None:
            answer = f"FAQ「{exchange.entry.question}」（{exchange.entry.key}）で回答"
        else:
            field_label = Field(exchange.field).label if exchange.field in Field.values else ""
            answer = "確かな答えが見つからず「わかりません」と回答"
            if field_label:
                answer += f"（近い分野：{field_label}）"
        lines.append(f"[{stamp}] 回答：{answer}、確信度 {exchange.confidence:.2f}")
        if exchange.helpful is not None:
            lines.append(
                f"[{stamp}] 評価：{'役に立った' if exchange.helpful else '役に立たなかった'}"
            )
    text = _transcript_text("\n".join(lines))
    if len(text) > HANDOFF_CONVERSATION_MAX_CHARS:
        # Keep the header and the latest exchanges: the question handed off is the last one.
        tail = text[-(HANDOFF_CONVERSATION_MAX_CHARS - len(lines[0]) - 3) :]
        text = f"{lines[0]}\n…\n{tail[tail.find(chr(10)) + 1 :]}"
    return text


def _contact_answers(contact: str) -> dict[str, str]:
    """The inquiry form's e-mail or phone answer for what the resident typed."""
    return {"email": contact} if "@" in contact else {"phone": contact}


def _handoff_error(error: FormAnswersInvalid) -> UkaiError:
    """The inquiry form's first field error, as an error on the chatbot's own field."""
    first = error.errors[0]
    field_name = {"name": "name", "details": "details"}.get(first.path.split(".")[0], "contact")
    return UkaiError(
        code=f"handoff_{first.code}",
        message_ja=first.message_ja,
        message_en=first.message_en,
        status=422,
        field=field_name,
    )


def message_hand_off(
    *,
    message_id: int,
    contact: str,
    details: str,
    name: str = "",
    status_link: Callable[[str], str] | None = None,
) -> HandOff:
    """File the question, the conversation and the contact as a case in the department's inbox.

    The case (procedures module, procedure ``chatbot-inquiry``) goes to the department
    of the closest entry; the chatbot keeps only its receipt number (the personal
    data lives in the case, under the procedures module's audit and retention).
    """
    contact = contact.strip()
    details = details.strip()
    name = name.strip()
    if not contact or len(contact) > 200:
        raise UkaiError(
            code="handoff_contact_required",
            message_ja="ご連絡先（メールアドレスまたは電話番号、200文字以内）を入力してください。",
            message_en="Please give an e-mail address or phone number (up to 200 characters).",
            status=422,
            field="contact",
        )
    if len(details) > 2000:
        raise UkaiError(
            code="handoff_details_too_long",
            message_ja="補足は2,000文字以内で入力してください。",
            message_en="Please keep the details to 2,000 characters.",
            status=422,
            field="details",
        )
    if len(name) > 100:
        raise UkaiError(
            code="handoff_name_too_long",
            message_ja="お名前は100文字以内で入力してください。",
            message_en="Please keep the name to 100 characters.",
            status=422,
            field="name",
        )
    procedure = procedure_by_slug(HANDOFF_PROCEDURE_SLUG, published_only=False)
    form_definition = (
        form_definition_current(procedure=procedure) if procedure is not None else None
    )
    if procedure is None or form_definition is None:
        # The procedures module's seed has not run: say so rather than lose the inquiry.
        logger.error(
            "chatbot hand-off: the %s procedure has no published form", HANDOFF_PROCEDURE_SLUG
        )
        raise UkaiError(
            code="handoff_unavailable",
            message_ja=(
                "ただいまお問い合わせを受け付けられません。"
                "岐阜市役所（代表 058-265-4141）へお電話ください。"
            ),
            message_en="Inquiries cannot be received now. Please call Gifu City Hall (058-265-4141).",
            status=503,
        )
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().filter(pk=message_id).first()
            if 0 < message_id < 2**63
            else None
        )
        if message is None:
            raise UkaiError(
                code="message_not_found",
                message_ja="この質問は見つかりません。もう一度質問してください。",
                message_en="This question was not found. Please ask again.",
                status=404,
            )
        if message.handed_off:
            raise UkaiError(
                code="handoff_exists",
                message_ja="この質問はすでに担当課へお送りしました。",
                message_en="This question has already been sent to the department.",
                status=409,
            )
        department = message.department or HANDOFF_DEFAULT_DEPARTMENT
        answers: dict[str, Any] = {
            "name": name,
            **_contact_answers(contact),
            "conversation": conversation_transcript(message=message),
            "details": details,
        }
        email = answers.get("email", "")
        try:
            submitted = case_submit(
                procedure=procedure,
                form_definition=form_definition,
                answers=answers,
                channel=Channel.ONLINE,
                # Nothing here proves who asked; "email" is the procedures module's lowest
                # level (the address is as typed, not confirmed by a link: docs/chatbot.md).
                assurance=Assurance.EMAIL,
                email=email,
                status_link=status_link,
                department_code=department,
            )
        except FormAnswersInvalid as error:
            raise _handoff_error(error) from None
        handoff = HandOff.objects.create(
            message=message,
            department=department,
            receipt_number=submitted.case.receipt_number,
        )
        Message.objects.filter(pk=message.pk).update(handed_off=True)
        audit_log(action="create", obj=handoff, purpose="チャットボットから担当課への問い合わせ")
    return handoff


# --- staff editing with a review step (docs/adr/0032) -----------------------------------

# Limits of what staff type; the same as the import's (docs/chatbot.md).
ENTRY_QUESTION_MAX_CHARS = 500
ENTRY_ANSWER_MAX_CHARS = 5000
ENTRY_PHRASING_MAX_CHARS = 500
ENTRY_PHRASINGS_MAX = 50
# The fields a staff edit sets; a pending revision copies them onto its entry on approval.
ENTRY_EDITABLE_FIELDS = (
    "question",
    "phrasings",
    "answer",
    "field",
    "department",
    "procedures",
    "language",
    "valid_from",
    "valid_until",
)
# Who edit and approve every department's entries.
_ALL_DEPARTMENTS_ROLES = {Role.ADMIN, Role.ICT}


def staff_edits_all_entries(*, staff: Any) -> bool:
    return bool(staff.is_active and (staff.is_superuser or staff.role in _ALL_DEPARTMENTS_ROLES))


def entry_edit_scope(*, staff: Any) -> set[str] | None:
    """The department codes whose entries the staff member may edit; None for all."""
    if staff_edits_all_entries(staff=staff):
        return None
    return staff_department_codes(staff=staff) if staff.is_active else set()


def entry_can_edit(*, staff: Any, entry: Entry) -> bool:
    scope = entry_edit_scope(staff=staff)
    return scope is None or entry.department in scope


def entry_can_approve(*, staff: Any, entry: Entry) -> bool:
    """ICT and admins approve any entry; a manager (所属長) those of their departments."""
    if staff_edits_all_entries(staff=staff):
        return True
    return bool(
        staff.is_active
        and staff.role == Role.MANAGER
        and entry.department in staff_department_codes(staff=staff)
    )


def _forbidden() -> UkaiError:
    return UkaiError(
        code="entry_forbidden",
        message_ja="このFAQを編集・審査する権限がありません。",
        message_en="You may not edit or review this FAQ entry.",
        status=403,
    )


def _wrong_status(ja: str, en: str) -> UkaiError:
    return UkaiError(code="entry_wrong_status", message_ja=ja, message_en=en, status=409)


def entry_working_copy(*, entry: Entry) -> Entry:
    """What staff edit: the pending revision of a published entry, else the entry itself."""
    revision = Entry.objects.filter(revision_of=entry).first()
    return revision if revision is not None else entry


def _new_key() -> str:
    return f"staff-{uuid.uuid4().hex[:12]}"


def entry_save_draft(
    *, staff: Any, values: dict[str, Any], entry: Entry | None = None, key: str = ""
) -> Entry:
    """Create an entry or save an edit as a draft; returns the working copy saved.

    A published entry is never changed here: the edit goes into its pending revision.
    ``values`` are the already validated ``ENTRY_EDITABLE_FIELDS``; ``key`` names a new
    entry (a CSV import keeps its identifiers), else one is made.
    """
    scope = entry_edit_scope(staff=staff)
    if scope is not None and values["department"] not in scope:
        raise _forbidden()
    with transaction.atomic():
        if entry is None:
            collection, _ = Collection.objects.get_or_create(
                name=PUBLIC_COLLECTION, defaults={"title": PUBLIC_COLLECTION}
            )
            draft = Entry.objects.create(
                collection=collection,
                key=key or _new_key(),
                status=Entry.Status.DRAFT,
                **values,
            )
            audit_log(action="create", obj=draft, purpose="FAQの作成（下書き）")
            return draft
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not entry_can_edit(staff=staff, entry=entry):
            raise _forbidden()
        if entry.status == Entry.Status.PUBLISHED:
            draft = Entry.objects.filter(revision_of=entry).first() or Entry(
                collection=entry.collection,
                key=_new_key(),
                revision_of=entry,
                translation_of=entry.translation_of,
                reviewed_on=entry.reviewed_on,
            )
            created = draft.pk is None
        else:
            draft, created = entry, False
        for name, value in values.items():
            setattr(draft, name, value)
        draft.status = Entry.Status.DRAFT
        draft.save()
        audit_log(
            action="create" if created else "update",
            obj=draft,
            purpose="公開中のFAQの改訂（下書き）"
            if draft.revision_of_id
            else "FAQの編集（下書き）",
        )
        return draft


def entry_submit(*, staff: Any, draft: Entry) -> Entry:
    """Send a draft (a new entry or a pending revision) to review."""
    with transaction.atomic():
        draft = Entry.objects.select_for_update().get(pk=draft.pk)
        if not entry_can_edit(staff=staff, entry=draft):
            raise _forbidden()
        if draft.status != Entry.Status.DRAFT:
            raise _wrong_status(
                "下書きだけを審査に回せます。", "Only a draft can be submitted for review."
            )
        draft.status = Entry.Status.REVIEW
        draft.review_comment = ""
        draft.save(update_fields=["status", "review_comment", "updated_at"])
        audit_log(action="update", obj=draft, purpose="FAQを審査に回す")
    return draft


@dataclass
class Approval:
    entry: Entry  # the published entry
    changed_collection_id: int


def entry_approve(*, staff: Any, draft: Entry, today: date) -> Approval:
    """Publish a draft in review: a pending revision replaces its entry's text."""
    with transaction.atomic():
        draft = Entry.objects.select_for_update().get(pk=draft.pk)
        if not entry_can_approve(staff=staff, entry=draft):
            raise _forbidden()
        if draft.status != Entry.Status.REVIEW:
            raise _wrong_status(
                "審査中のFAQだけを承認できます。", "Only an entry in review can be approved."
            )
        published = draft
        if draft.revision_of_id is not None:
            published = Entry.objects.select_for_update().get(pk=draft.revision_of_id)
            for name in ENTRY_EDITABLE_FIELDS:
                setattr(published, name, getattr(draft, name))
            draft.delete()
        published.status = Entry.Status.PUBLISHED
        published.review_comment = ""
        published.reviewed_on = today
        published.save()
        audit_log(action="update", obj=published, purpose="FAQの承認・公開")
        _collection_changed(published.collection)
    return Approval(entry=published, changed_collection_id=published.collection_id)


def entry_return(*, staff: Any, draft: Entry, comment: str) -> Entry:
    """Send a draft in review back to its department with the reviewer's comment."""
    comment = comment.strip()
    if not comment or len(comment) > 1000:
        raise UkaiError(
            code="review_comment_required",
            message_ja="差し戻しの理由（1,000文字以内）を入力してください。",
            message_en="Please give the reason for returning it (up to 1,000 characters).",
            status=422,
            field="comment",
        )
    with transaction.atomic():
        draft = Entry.objects.select_for_update().get(pk=draft.pk)
        if not entry_can_approve(staff=staff, entry=draft):
            raise _forbidden()
        if draft.status != Entry.Status.REVIEW:
            raise _wrong_status(
                "審査中のFAQだけを差し戻せます。", "Only an entry in review can be returned."
            )
        draft.status = Entry.Status.DRAFT
        draft.review_comment = comment
        draft.save(update_fields=["status", "review_comment", "updated_at"])
        audit_log(action="update", obj=draft, purpose="FAQの差し戻し")
    return draft


# --- unpublishing and deleting, with the same review step (docs/adr/0034) --------------


def entry_removal_request(*, staff: Any, entry: Entry, action: str) -> Entry:
    """Ask to stop publishing (``unpublish``) or to delete (``delete``) an entry; a reviewer decides."""
    if action not in RemovalAction.values:
        raise UkaiError(
            code="removal_unknown",
            message_ja="操作を選んでください。",
            message_en="Choose an action.",
            status=400,
        )
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not entry_can_edit(staff=staff, entry=entry):
            raise _forbidden()
        if entry.deleted_at is not None or entry.revision_of_id is not None:
            raise _wrong_status("このFAQは操作できません。", "This entry cannot be changed.")
        if entry.requested_action:
            raise _wrong_status(
                "このFAQには審査中の申請があります。", "This entry already has a request in review."
            )
        if action == RemovalAction.UNPUBLISH and entry.status != Entry.Status.PUBLISHED:
            raise _wrong_status(
                "公開中のFAQだけを公開停止にできます。",
                "Only a published entry can be unpublished.",
            )
        entry.requested_action = action
        entry.review_comment = ""
        entry.save(update_fields=["requested_action", "review_comment", "updated_at"])
        audit_log(
            action="update",
            obj=entry,
            purpose="FAQの公開停止を申請"
            if action == RemovalAction.UNPUBLISH
            else "FAQの削除を申請",
        )
    return entry


def entry_removal_approve(*, staff: Any, entry: Entry) -> Approval:
    """Carry out the requested unpublishing or deletion; the bot stops using the entry at once.

    Its translations go with it, and a pending revision is discarded (both audited).
    """
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not entry_can_approve(staff=staff, entry=entry):
            raise _forbidden()
        action = entry.requested_action
        if not action or entry.deleted_at is not None:
            raise _wrong_status(
                "公開停止・削除の申請がありません。", "There is no request to unpublish or delete."
            )
        now = timezone.now()
        affected = [entry, *Entry.objects.select_for_update().filter(translation_of=entry)]
        for version in affected:
            revision = Entry.objects.filter(revision_of=version).first()
            if revision is not None:
                audit_log(
                    action="delete", obj=revision, purpose="改訂案の破棄（公開停止・削除のため）"
                )
                revision.delete()
            version.status = Entry.Status.DRAFT
            version.requested_action = ""
            version.review_comment = ""
            if action == RemovalAction.DELETE:
                version.deleted_at = now
            version.save()
            audit_log(
                action="delete" if action == RemovalAction.DELETE else "update",
                obj=version,
                purpose="FAQの削除（承認）"
                if action == RemovalAction.DELETE
                else "FAQの公開停止（承認）",
            )
        _collection_changed(entry.collection)
    return Approval(entry=entry, changed_collection_id=entry.collection_id)


def entry_removal_return(*, staff: Any, entry: Entry, comment: str) -> Entry:
    """Refuse a request to unpublish or delete, with the reviewer's comment."""
    comment = comment.strip()
    if not comment or len(comment) > 1000:
        raise UkaiError(
            code="review_comment_required",
            message_ja="差し戻しの理由（1,000文字以内）を入力してください。",
            message_en="Please give the reason for returning it (up to 1,000 characters).",
            status=422,
            field="comment",
        )
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not entry_can_approve(staff=staff, entry=entry):
            raise _forbidden()
        if not entry.requested_action:
            raise _wrong_status(
                "公開停止・削除の申請がありません。", "There is no request to unpublish or delete."
            )
        entry.requested_action = ""
        entry.review_comment = comment
        entry.save(update_fields=["requested_action", "review_comment", "updated_at"])
        audit_log(action="update", obj=entry, purpose="FAQの公開停止・削除の申請を差し戻し")
    return entry


def entry_phrasing_propose(*, staff: Any, entry: Entry, phrasing: str) -> Entry:
    """Add a resident's question as a phrasing of ``entry``, sent to review at once."""
    phrasing = phrasing.strip()[:ENTRY_PHRASING_MAX_CHARS]
    if not phrasing:
        raise UkaiError(
            code="phrasing_empty",
            message_ja="言い換えにする質問がありません。",
            message_en="There is no question to add as a phrasing.",
            status=422,
        )
    if not entry_can_edit(staff=staff, entry=entry):
        raise _forbidden()
    with transaction.atomic():
        current = entry_working_copy(entry=entry)
        if current.status == Entry.Status.REVIEW:
            raise _wrong_status(
                "このFAQは審査中です。審査が終わってから追加してください。",
                "This entry is in review; add the phrasing after the review.",
            )
        values = {name: getattr(current, name) for name in ENTRY_EDITABLE_FIELDS}
        phrasings = [str(p) for p in values["phrasings"] or []]
        if phrasing not in phrasings and phrasing != current.question:
            phrasings.append(phrasing)
        values["phrasings"] = phrasings[:ENTRY_PHRASINGS_MAX]
        draft = entry_save_draft(staff=staff, values=values, entry=entry)
        return entry_submit(staff=staff, draft=draft)
