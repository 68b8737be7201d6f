"""Writes of the minutes module: meetings, uploads, transcription, edits and approval."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log

from . import errors
from .asr import recording_check, recording_transcribe
from .base import Segment as AsrSegment
from .channels import channel_blocks, span_energy
from .cleanup import GLOSSARY_FILE
from .glossary import correction_loop, glossary_seed_rows
from .models import (
    AgendaItem,
    Attendee,
    GlossaryEntry,
    ManualBaseline,
    Meeting,
    MinutesVersion,
    Recording,
    Segment,
)
from .selectors import minutes_build, staff_can_manage_settings, staff_departments

logger = logging.getLogger(__name__)

# Gaps between edits longer than this count as a break, not as editing time.
EDIT_GAP_CAP = timedelta(minutes=5)
# How often the worker writes the progress bar's position (seconds).
PROGRESS_INTERVAL = 2.0


def attendees_parse(text: str) -> list[tuple[str, str]]:
    """One attendee a line, ``役職 氏名`` (a space or tab between; 全角 spaces too)."""
    parsed = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.replace("\u3000", " ").strip()
        if not line:
            continue
        role, _, name = line.partition(" ")
        if not name.strip():
            raise UkaiError(
                code="attendee_format",
                message_ja=f"出席者の{line_number}行目は「役職 氏名」の形で書いてください（例：議長 山田太郎）。",
                message_en=f"Write line {line_number} of the attendees as 'role name' (e.g. 議長 山田太郎).",
                status=422,
                field="attendees",
            )
        parsed.append((role.strip()[:50], name.strip()[:100]))
    return parsed


def agenda_parse(text: str) -> list[str]:
    return [line.strip()[:300] for line in text.splitlines() if line.strip()]


def _check_department(*, staff: Any, values: dict[str, Any], current: str = "") -> None:
    """The department must be one of the staff member's (or stay the meeting's own)."""
    code = values.get("department", "")
    allowed = {code for code, _name in staff_departments(staff=staff)} | ({current} - {""})
    if code not in allowed:
        raise UkaiError(
            code="minutes_department",
            message_ja="担当の所属は、あなたの所属から選んでください。",
            message_en="Choose one of your own departments.",
            status=403,
            field="department",
        )
    if values.get("shared") and values.get("body") == Meeting.Body.INTERNAL:
        raise UkaiError(
            code="minutes_shared_internal",
            message_ja="市役所内に公開できるのは議会の会議（本会議・委員会）だけです。",
            message_en="Only council meetings can be shared with all staff.",
            status=422,
            field="shared",
        )


@transaction.atomic
def meeting_create(*, staff: Any, values: dict[str, Any]) -> Meeting:
    """Create a meeting of one of ``staff``'s departments with its attendees (``役職 氏名``
    lines) and agenda items (lines)."""
    _check_department(staff=staff, values=values)
    attendees = attendees_parse(values.get("attendees", ""))
    agenda = agenda_parse(values.get("agenda", ""))
    meeting = Meeting.objects.create(
        title=values["title"],
        body=values["body"],
        held_on=values["held_on"],
        place=values.get("place", ""),
        department_code=values["department"],
        shared=bool(values.get("shared")),
        created_by=staff,
    )
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, order=i, role=role, name=name)
        for i, (role, name) in enumerate(attendees)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=i, title=title) for i, title in enumerate(agenda)
    )
    audit_log(action="create", obj=meeting, purpose="会議録の作成")
    return meeting


def _sync_children(
    existing: list[Any], wanted: list[tuple[Any, ...]], key: Any, build: Any
) -> None:
    """Keep the rows whose key is still wanted (their ids, so links survive), delete the
    others, create the new ones, and number them in the wanted order."""
    by_key: dict[tuple[Any, ...], list[Any]] = {}
    for row in existing:
        by_key.setdefault(key(row), []).append(row)
    kept = []
    for order, item in enumerate(wanted):
        rows = by_key.get(item)
        if rows:
            row = rows.pop(0)
            row.order = order
            row.save(update_fields=["order"])
        else:
            row = build(order, item)
            row.save()
        kept.append(row.pk)
    for row in existing:
        if row.pk not in kept:
            row.delete()


@transaction.atomic
def meeting_update(*, staff: Any, meeting: Meeting, values: dict[str, Any]) -> Meeting:
    """Change a meeting; attendees and agenda items that stay keep their links to segments."""
    _ensure_editable(meeting)
    _check_department(staff=staff, values=values, current=meeting.department_code)
    attendees = attendees_parse(values.get("attendees", ""))
    agenda = agenda_parse(values.get("agenda", ""))
    for field in ("title", "body", "held_on", "place"):
        setattr(meeting, field, values.get(field, getattr(meeting, field)))
    meeting.department_code = values["department"]
    meeting.shared = bool(values.get("shared"))
    meeting.save()
    _sync_children(
        list(meeting.attendees.all()),
        attendees,
        key=lambda a: (a.role, a.name),
        build=lambda order, item: Attendee(
            meeting=meeting, order=order, role=item[0], name=item[1]
        ),
    )
    _sync_children(
        list(meeting.agenda_items.all()),
        [(title,) for title in agenda],
        key=lambda i: (i.title,),
        build=lambda order, item: AgendaItem(meeting=meeting, order=order, title=item[0]),
    )
    audit_log(action="update", obj=meeting, purpose="会議の情報の変更")
    return meeting


def meeting_form_initial(*, meeting: Meeting) -> dict[str, Any]:
    """The meeting as the form shows it (attendees and agenda one a line)."""
    return {
        "title": meeting.title,
        "body": meeting.body,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "department": meeting.department_code,
        "shared": meeting.shared,
        "attendees": "\n".join(f"{a.role} {a.name}" for a in meeting.attendees.all()),
        "agenda": "\n".join(i.title for i in meeting.agenda_items.all()),
    }


def recording_upload(*, staff: Any, meeting: Meeting, upload: UploadedFile[bytes]) -> Recording:
    """Store a recording after checking its content (not its name).

    The caller enqueues the transcription (``tasks.transcription_enqueue_on_commit``).
    """
    size = upload.size or 0
    if size == 0:
        raise errors.audio_empty()
    if size > settings.UKAI_MINUTES_MAX_UPLOAD_BYTES:
        raise errors.audio_too_big(size=size, limit=settings.UKAI_MINUTES_MAX_UPLOAD_BYTES)
    name = Path(upload.name or "recording").name[:255]
    with transaction.atomic():
        recording = Recording(meeting=meeting, original_name=name, size=size, uploaded_by=staff)
        recording.file.save(name, upload, save=False)
        try:
            info = recording_check(Path(recording.file.path))
        except UkaiError:
            recording.file.delete(save=False)
            raise
        recording.duration_seconds = info.duration
        recording.has_video = info.has_video
        recording.channels = info.channels
        recording.save()
        audit_log(action="create", obj=recording, purpose="会議の録音の登録")
    return recording


def _progress_writer(recording_id: int) -> Any:
    last = [0.0]

    def progress(done: float, total: float) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL and done < total:
            return
        last[0] = now
        Recording.objects.filter(pk=recording_id).update(progress_seconds=done)

    return progress


def _segments_saver(recording: Recording) -> Any:
    def save(segments: list[AsrSegment], done_until: float) -> None:
        with transaction.atomic():
            start_index = Segment.objects.filter(recording=recording).count()
            Segment.objects.bulk_create(
                Segment(
                    recording=recording,
                    index=start_index + i,
                    start=segment.start,
                    end=max(segment.end, segment.start),
                    text=segment.text,
                    asr_text=segment.text,
                    words=[word for word in segment.as_dict()["words"]],
                    probability=round(segment.probability, 4),
                )
                for i, segment in enumerate(segments)
            )
            Recording.objects.filter(pk=recording.pk).update(
                processed_seconds=done_until, progress_seconds=done_until
            )

    return save


def recording_transcribe_run(*, recording_id: int) -> Recording:
    """Transcribe a stored recording, saving each chunk; resumes where a failed run stopped."""
    recording = Recording.objects.select_related("meeting").get(pk=recording_id)
    if recording.status == Recording.Status.DONE:
        return recording
    recording.status = Recording.Status.RUNNING
    recording.error_code = recording.error_ja = recording.error_en = ""
    recording.save(update_fields=["status", "error_code", "error_ja", "error_en"])
    began = time.perf_counter()
    try:
        transcript = recording_transcribe(
            Path(recording.file.path),
            start_at=recording.processed_seconds,
            progress=_progress_writer(recording.pk),
            on_segments=_segments_saver(recording),
        )
    except UkaiError as error:
        # Bad input or no engine: retrying does not help; the saved chunks stay.
        recording.refresh_from_db(fields=["processed_seconds", "progress_seconds"])
        recording.status = Recording.Status.FAILED
        recording.error_code = error.code
        recording.error_ja = error.message_ja
        recording.error_en = error.message_en
        recording.elapsed_seconds += time.perf_counter() - began
        recording.finished_at = timezone.now()
        recording.save()
        logger.warning(
            "transcription failed", extra={"recording": recording.pk, "code": error.code}
        )
        return recording
    except Exception:
        Recording.objects.filter(pk=recording.pk).update(
            status=Recording.Status.FAILED,
            error_code="asr_crashed",
            error_ja="文字起こし中にエラーが発生しました。自動で再試行します。保存済みの結果は残っています。",
            error_en="Transcription failed; it will be retried automatically. Saved results are kept.",
        )
        raise
    recording.refresh_from_db(fields=["processed_seconds", "progress_seconds"])
    if recording.channels > 1:
        segments_channel_energy(recording=recording)
    recording.status = Recording.Status.DONE
    recording.engine = transcript.engine
    recording.model_name = transcript.model
    recording.language = transcript.language
    recording.warnings = list(transcript.warnings)
    recording.elapsed_seconds += transcript.elapsed
    recording.finished_at = timezone.now()
    recording.save()
    return recording


def segments_channel_energy(*, recording: Recording) -> int:
    """Store each segment's energy per channel (for speaker suggestions); returns how many.

    A failure here does not fail the transcription: the suggestions are only missing.
    """
    try:
        blocks = channel_blocks(Path(recording.file.path))
    except UkaiError as error:
        logger.warning(
            "channel energy failed", extra={"recording": recording.pk, "code": error.code}
        )
        return 0
    segments = list(Segment.objects.filter(recording=recording))
    for segment in segments:
        segment.channel_energy = [
            round(value, 8) for value in span_energy(blocks, segment.start, segment.end)
        ]
    Segment.objects.bulk_update(segments, ["channel_energy"], batch_size=500)
    return len(segments)


@transaction.atomic
def channels_set(*, staff: Any, meeting: Meeting, mapping: dict[int, Attendee | None]) -> None:
    """Set which attendee speaks on each recording channel (1-based); one channel each."""
    _ensure_editable(meeting)
    chosen = [attendee.pk for attendee in mapping.values() if attendee is not None]
    if len(chosen) != len(set(chosen)):
        raise UkaiError(
            code="minutes_channel_twice",
            message_ja="同じ出席者を2つのチャンネルに割り当てることはできません。",
            message_en="An attendee cannot be assigned to two channels.",
            status=422,
        )
    meeting.attendees.update(channel=None)
    for channel, attendee in mapping.items():
        if attendee is not None:
            Attendee.objects.filter(pk=attendee.pk, meeting=meeting).update(channel=channel)
    audit_log(
        action="update",
        obj=meeting,
        fields=["channels"],
        purpose="録音のチャンネルと発言者の対応の設定",
    )


def editing_record(*, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Count the time since the last editing request (capped) as active editing time."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.last_edit_at is not None:
            gap = now - locked.last_edit_at
            if timedelta(0) < gap:
                locked.editing_seconds += min(gap, EDIT_GAP_CAP).total_seconds()
        locked.last_edit_at = now
        locked.save(update_fields=["editing_seconds", "last_edit_at"])
    meeting.editing_seconds = locked.editing_seconds
    meeting.last_edit_at = locked.last_edit_at
    return meeting


def _ensure_editable(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.APPROVED:
        raise UkaiError(
            code="minutes_approved",
            message_ja="承認済みの会議録は編集できません。",
            message_en="Approved minutes cannot be edited.",
            status=409,
        )


@transaction.atomic
def segment_update(
    *,
    staff: Any,
    segment: Segment,
    text: str,
    speaker: Attendee | None,
    agenda_item: AgendaItem | None,
) -> Segment:
    """Save a corrected segment (text, speaker, agenda item) and count the editing time."""
    meeting = segment.recording.meeting
    _ensure_editable(meeting)
    changed = []
    if text != segment.text:
        segment.text = text
        segment.edited = True
        changed.append("text")
    if (speaker.pk if speaker else None) != segment.speaker_id:
        segment.speaker = speaker
        changed.append("speaker")
    if (agenda_item.pk if agenda_item else None) != segment.agenda_item_id:
        segment.agenda_item = agenda_item
        changed.append("agenda_item")
    if changed:
        segment.save()
        audit_log(action="update", obj=segment, fields=changed, purpose="会議録の文字起こしの修正")
    editing_record(meeting=meeting)
    return segment


_NEXT_STATUS = {
    Meeting.Status.DRAFT: {Meeting.Status.REVIEWED},
    Meeting.Status.REVIEWED: {Meeting.Status.APPROVED, Meeting.Status.DRAFT},
    Meeting.Status.APPROVED: {Meeting.Status.DRAFT},
}


@transaction.atomic
def meeting_set_status(
    *, staff: Any, meeting: Meeting, status: str, minutes_format: str
) -> MinutesVersion:
    """Move the minutes draft → reviewed → approved (or back to draft); keep a version."""
    if status not in _NEXT_STATUS.get(Meeting.Status(meeting.status), set()):
        raise UkaiError(
            code="minutes_status",
            message_ja="この状態には変更できません。",
            message_en="The minutes cannot move to this status.",
            status=409,
        )
    meeting.status = status
    meeting.minutes_format = minutes_format
    meeting.approved_at = timezone.now() if status == Meeting.Status.APPROVED else None
    meeting.save(update_fields=["status", "minutes_format", "approved_at", "updated_at"])
    number = (
        meeting.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = MinutesVersion.objects.create(
        meeting=meeting,
        number=number,
        status=status,
        minutes_format=minutes_format,
        text=minutes_build(meeting=meeting, minutes_format=minutes_format).as_text(),
        created_by=staff,
    )
    audit_log(
        action="update", obj=meeting, fields=["status"], purpose=f"会議録の状態の変更（{status}）"
    )
    return version


# --- manual baselines per meeting type (ADR 0098) ---------------------------------------

BASELINE_MAX = 20.0
NOTE_MAX = 2000


def ensure_settings_staff(staff: Any) -> None:
    if not staff_can_manage_settings(staff=staff):
        raise UkaiError(
            code="minutes_settings_forbidden",
            message_ja="この設定を変更できるのは、所属長と情報政策課の職員です。",
            message_en="Only managers and ICT staff can change this setting.",
            status=403,
        )


@transaction.atomic
def baseline_set(*, staff: Any, body: str, factor: float, note: str) -> ManualBaseline:
    """Set a meeting type's minutes of manual work per minute of recording (0 < factor ≤ 20)."""
    ensure_settings_staff(staff)
    if body not in Meeting.Body.values:
        raise UkaiError(
            code="minutes_baseline_body",
            message_ja="会議の種類を一覧から選んでください。",
            message_en="Choose a meeting type from the list.",
            status=422,
            field="body",
        )
    if not (0 < factor <= BASELINE_MAX):
        raise UkaiError(
            code="minutes_baseline_range",
            message_ja="録音1分あたりの手作業の時間は、0より大きく20以下の数で入力してください（例：4.5）。",
            message_en="Enter minutes of manual work per minute of recording above 0 and up to 20 (e.g. 4.5).",
            status=422,
            field="factor",
        )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise UkaiError(
            code="minutes_baseline_note",
            message_ja="測り方は2000文字以内で書いてください。",
            message_en="Keep the note on how it was measured within 2000 characters.",
            status=422,
            field="note",
        )
    baseline = ManualBaseline.objects.select_for_update().filter(body=body).first()
    before = f"{baseline.factor:g}" if baseline else "既定値"
    if baseline is None:
        baseline = ManualBaseline(body=body)
    baseline.factor = round(factor, 2)
    baseline.note = note
    baseline.set_by = staff
    baseline.save()
    audit_log(
        action="update",
        obj=baseline,
        fields=["factor", "note"],
        purpose=f"会議録の手作業の基準の設定（{body}: {before} → {baseline.factor:g}）",
    )
    return baseline


@transaction.atomic
def baseline_reset(*, staff: Any, body: str) -> None:
    """Let a meeting type use the default factor again (``UKAI_MINUTES_MANUAL_FACTOR``)."""
    ensure_settings_staff(staff)
    baseline = ManualBaseline.objects.filter(body=body).first()
    if baseline is None:
        return
    audit_log(
        action="delete",
        obj=baseline,
        fields=["factor", "note"],
        purpose=f"会議録の手作業の基準を既定値に戻す（{body}: {baseline.factor:g}）",
    )
    baseline.delete()


# --- glossary (ADR 0099) -----------------------------------------------------------------

GLOSSARY_MAX_LENGTH = 100


def _glossary_error(code: str, ja: str, en: str, field: str | None = None) -> UkaiError:
    return UkaiError(code=code, message_ja=ja, message_en=en, status=422, field=field)


def glossary_entry_check(
    *,
    wrong: str,
    right: str,
    category: str,
    enabled: bool = True,
    entry: GlossaryEntry | None = None,
    others: list[GlossaryEntry] | None = None,
) -> None:
    """Refuse an empty right form, a pair that changes nothing, a second entry for the same
    wrong form (or term), an unknown category, and a correction that loops with others."""
    if not right:
        raise _glossary_error(
            "glossary_empty", "正しい形を入力してください。", "Enter the right form.", "right"
        )
    if len(wrong) > GLOSSARY_MAX_LENGTH or len(right) > GLOSSARY_MAX_LENGTH:
        raise _glossary_error(
            "glossary_too_long",
            "誤認識の形と正しい形は100文字以内で入力してください。",
            "Keep the wrong and right forms within 100 characters.",
            "right",
        )
    if wrong == right:
        raise _glossary_error(
            "glossary_identical",
            "誤認識の形と正しい形が同じです。直す必要のない組は登録できません。",
            "The wrong and right forms are the same; such a pair corrects nothing.",
            "wrong",
        )
    if category not in GlossaryEntry.Category.values:
        raise _glossary_error(
            "glossary_category",
            "分類を一覧から選んでください。",
            "Choose a category from the list.",
            "category",
        )
    if others is None:
        others = list(GlossaryEntry.objects.all())
    others = [
        other
        for other in others
        if entry is None or (other is not entry and (entry.pk is None or other.pk != entry.pk))
    ]
    if wrong and any(other.wrong == wrong for other in others):
        raise _glossary_error(
            "glossary_duplicate",
            f"「{wrong}」を直す項目はすでにあります。その項目を編集してください。",
            f"An entry already corrects '{wrong}'; edit that entry instead.",
            "wrong",
        )
    if not wrong and any(not other.wrong and other.right == right for other in others):
        raise _glossary_error(
            "glossary_duplicate",
            f"用語「{right}」はすでに登録されています。",
            f"The term '{right}' is already in the glossary.",
            "right",
        )
    if enabled and wrong:
        chain = correction_loop(
            [(other.wrong, other.right) for other in others if other.enabled and other.wrong],
            (wrong, right),
        )
        if chain:
            steps = " → ".join([chain[0][0], *(pair[1] for pair in chain)])
            raise _glossary_error(
                "glossary_loop",
                f"この項目は他の項目と循環します（{steps}）。直した結果がまた直されてしまいます。",
                f"This entry loops with others ({steps}): corrected text would be corrected again.",
                "right",
            )


def _glossary_values(values: dict[str, Any]) -> tuple[str, str, str, bool]:
    return (
        str(values.get("wrong") or "").strip(),
        str(values.get("right") or "").strip(),
        str(values.get("category") or GlossaryEntry.Category.COUNCIL),
        bool(values.get("enabled", True)),
    )


@transaction.atomic
def glossary_entry_create(*, staff: Any, values: dict[str, Any]) -> GlossaryEntry:
    """Add a glossary entry; the next minutes built use it."""
    ensure_settings_staff(staff)
    wrong, right, category, enabled = _glossary_values(values)
    glossary_entry_check(wrong=wrong, right=right, category=category, enabled=enabled)
    entry = GlossaryEntry.objects.create(
        wrong=wrong, right=right, category=category, enabled=enabled, updated_by=staff
    )
    audit_log(action="create", obj=entry, purpose="会議録の用語集の追加")
    return entry


@transaction.atomic
def glossary_entry_update(
    *, staff: Any, entry: GlossaryEntry, values: dict[str, Any]
) -> GlossaryEntry:
    """Change, enable or disable a glossary entry."""
    ensure_settings_staff(staff)
    wrong, right, category, enabled = _glossary_values(values)
    glossary_entry_check(wrong=wrong, right=right, category=category, enabled=enabled, entry=entry)
    before = str(entry)
    changed = [
        name
        for name, value in (
            ("wrong", wrong),
            ("right", right),
            ("category", category),
            ("enabled", enabled),
        )
        if getattr(entry, name) != value
    ]
    entry.wrong, entry.right, entry.category, entry.enabled = wrong, right, category, enabled
    entry.updated_by = staff
    entry.save()
    audit_log(
        action="update",
        obj=entry,
        fields=changed,
        purpose=f"会議録の用語集の変更（{before}）",
    )
    return entry


@transaction.atomic
def glossary_entry_delete(*, staff: Any, entry: GlossaryEntry) -> None:
    """Delete a glossary entry (the audit log keeps what it was)."""
    ensure_settings_staff(staff)
    audit_log(action="delete", obj=entry, purpose=f"会議録の用語集の削除（{entry}）")
    entry.delete()


def glossary_seed(*, data: dict[str, object] | None = None) -> int:
    """Store the demo glossary (``data/glossary.json``) if the glossary is empty; how many."""
    if GlossaryEntry.objects.exists():
        return 0
    if data is None:
        data = json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
    rows = glossary_seed_rows(data)
    GlossaryEntry.objects.bulk_create(
        GlossaryEntry(wrong=row.wrong, right=row.right, category=row.category) for row in rows
    )
    return len(rows)


# --- splitting and merging transcript segments ---------------------------------------------

# Indices move through this offset so the (recording, index) unique constraint holds row by
# row on every database (a recording has far fewer segments).
_INDEX_SHIFT = 1_000_000


_TRAILING = set("、。，．,.！？!?」） 　")


def _words_text(words: list[dict[str, Any]]) -> str:
    return "".join(str(word.get("text", "")) for word in words).strip()


def _compact(text: str) -> str:
    return "".join(text.split())


def _words_probability(words: list[dict[str, Any]], default: float) -> float:
    if not words:
        return default
    return round(sum(float(w.get("probability", 1.0)) for w in words) / len(words), 4)


def _shift_after(segment: Segment, by: int) -> None:
    later = Segment.objects.filter(recording_id=segment.recording_id, index__gt=segment.index)
    later.update(index=models.F("index") + _INDEX_SHIFT)
    Segment.objects.filter(recording_id=segment.recording_id, index__gte=_INDEX_SHIFT).update(
        index=models.F("index") - _INDEX_SHIFT + by
    )


def _split_text(segment: Segment, words: list[dict[str, Any]], at_word: int) -> tuple[str, str]:
    """The text before and after the word ``at_word``: by the words while the text is the
    recognised one; a corrected text only where it still begins with the words before."""
    before = _words_text(words[:at_word])
    after = _words_text(words[at_word:])
    if _compact(segment.text) == _compact(before + after):
        return before, after
    compact_before = _compact(before)
    seen = ""
    for position, char in enumerate(segment.text):
        if seen == compact_before:
            # Punctuation right after the words stays with the first part (本日は、|委員会を).
            while position < len(segment.text) and segment.text[position] in _TRAILING:
                position += 1
            head, tail = segment.text[:position].strip(), segment.text[position:].strip()
            if head and tail:
                return head, tail
            break
        if not char.isspace():
            seen += char
            if not compact_before.startswith(seen):
                break
    raise UkaiError(
        code="minutes_split_edited",
        message_ja=(
            "この発言は文字を修正済みで、選んだ語の位置が修正後の文字の中に見つかりません。"
            "分けたい位置の前の文字を認識結果と同じにしてから分けてください。"
        ),
        message_en=(
            "This segment's text was corrected and the chosen word cannot be found in it. "
            "Make the text before the split point match the recognised words, then split."
        ),
        status=422,
    )


@transaction.atomic
def segment_split(*, staff: Any, segment: Segment, at_word: int) -> Segment:
    """Split a segment before its word ``at_word`` (1 … words − 1); returns the new second part.

    The audio splits at that word's start; speaker and agenda item stay on the first part,
    the second keeps the speaker (one speaker rarely changes mid-word).
    """
    meeting = segment.recording.meeting
    _ensure_editable(meeting)
    words = list(segment.words or [])
    if not 0 < at_word < len(words):
        raise UkaiError(
            code="minutes_split_position",
            message_ja="分ける位置は、発言の2語目から最後の語までの間で選んでください。",
            message_en="Choose a split point between the second and the last word.",
            status=422,
        )
    at = min(max(float(words[at_word].get("start", segment.start)), segment.start), segment.end)
    text_before, text_after = _split_text(segment, words, at_word)
    _shift_after(segment, 1)
    second = Segment.objects.create(
        recording_id=segment.recording_id,
        index=segment.index + 1,
        start=at,
        end=segment.end,
        text=text_after,
        asr_text=_words_text(words[at_word:]),
        words=words[at_word:],
        probability=_words_probability(words[at_word:], segment.probability),
        speaker=segment.speaker,
        edited=segment.edited,
        channel_energy=segment.channel_energy,
    )
    segment.end = at
    segment.text = text_before
    segment.asr_text = _words_text(words[:at_word])
    segment.words = words[:at_word]
    segment.probability = _words_probability(words[:at_word], segment.probability)
    segment.save()
    audit_log(
        action="update",
        obj=segment,
        fields=["text", "end"],
        purpose=f"会議録の文字起こしの分割（{at:.1f}秒で2つに）",
    )
    editing_record(meeting=meeting)
    return second


@transaction.atomic
def segment_merge(*, staff: Any, segment: Segment) -> Segment:
    """Join a segment with the next one of the same recording; returns the joined segment."""
    meeting = segment.recording.meeting
    _ensure_editable(meeting)
    following = Segment.objects.filter(
        recording_id=segment.recording_id, index=segment.index + 1
    ).first()
    if following is None:
        raise UkaiError(
            code="minutes_merge_last",
            message_ja="この発言の後に、同じ録音の発言がありません。",
            message_en="No segment of the same recording follows this one.",
            status=422,
        )
    if (
        segment.speaker_id is not None
        and following.speaker_id is not None
        and segment.speaker_id != following.speaker_id
    ):
        raise UkaiError(
            code="minutes_merge_speakers",
            message_ja="発言者が異なる発言はつなげられません。発言者をそろえてからつなげてください。",
            message_en="Segments of different speakers cannot be joined; make the speakers the same first.",
            status=422,
        )
    first_length = segment.end - segment.start
    second_length = following.end - following.start
    if segment.channel_energy and len(segment.channel_energy) == len(following.channel_energy):
        total = (first_length + second_length) or 1.0
        segment.channel_energy = [
            round((a * first_length + b * second_length) / total, 8)
            for a, b in zip(segment.channel_energy, following.channel_energy, strict=True)
        ]
    words = [*(segment.words or []), *(following.words or [])]
    segment.end = max(segment.end, following.end)
    segment.text = f"{segment.text}{following.text}"
    segment.asr_text = f"{segment.asr_text}{following.asr_text}"
    segment.words = words
    segment.probability = _words_probability(words, min(segment.probability, following.probability))
    segment.speaker_id = segment.speaker_id or following.speaker_id
    segment.agenda_item_id = segment.agenda_item_id or following.agenda_item_id
    segment.edited = segment.edited or following.edited
    following.delete()
    segment.save()
    _shift_after(segment, -1)
    audit_log(
        action="update",
        obj=segment,
        fields=["text", "end"],
        purpose=f"会議録の文字起こしの結合（{segment.start:.1f}秒からの発言と次の発言）",
    )
    editing_record(meeting=meeting)
    return segment
