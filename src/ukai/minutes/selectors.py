"""Reads: meetings, transcripts, the composed minutes and the plan KPI."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from ukai.core.service import Role, department_list, municipality_current, staff_department_ids

from .channels import dominant_channel
from .cleanup import Glossary, written_style
from .extraction import Finding, findings_extract, sentences
from .glossary import glossary_build
from .models import Attendee, GlossaryEntry, ManualBaseline, Meeting, Recording, Segment

LOW_PROBABILITY = 0.5


COUNCIL_BODIES = (Meeting.Body.PLENARY, Meeting.Body.COMMITTEE)

# What a member of staff may do with a meeting (meeting_access).
EDIT = "edit"
READ = "read"


def staff_departments(*, staff: Any) -> list[tuple[str, str]]:
    """``(code, name)`` of the departments whose meetings this member of staff keeps
    (their 課 under a 部 included), in the city's order."""
    municipality = municipality_current()
    ids = staff_department_ids(staff=staff)
    if municipality is None or not ids:
        return []
    return list(
        department_list(municipality=municipality).filter(pk__in=ids).values_list("code", "name")
    )


def department_names() -> dict[str, str]:
    municipality = municipality_current()
    if municipality is None:
        return {}
    return dict(department_list(municipality=municipality).values_list("code", "name"))


def _editable_filter(staff: Any) -> Q:
    codes = [code for code, _name in staff_departments(staff=staff)]
    # Meetings made before departments were required: only their creator (ADR 0094).
    return Q(department_code__in=codes) | Q(department_code="", created_by=staff)


def meeting_list(*, staff: Any) -> QuerySet[Meeting]:
    """The meetings ``staff`` may read: their departments' and the council's shared ones."""
    return Meeting.objects.filter(_editable_filter(staff) | Q(shared=True, body__in=COUNCIL_BODIES))


def meeting_access(*, staff: Any, meeting: Meeting) -> str:
    """``EDIT`` for the owning department, ``READ`` for a shared council meeting, else ``""``."""
    if Meeting.objects.filter(_editable_filter(staff), pk=meeting.pk).exists():
        return EDIT
    if meeting.shared and meeting.body in COUNCIL_BODIES:
        return READ
    return ""


def meeting_get(*, meeting_id: int) -> Meeting | None:
    return (
        Meeting.objects.prefetch_related("attendees", "agenda_items", "recordings")
        .filter(pk=meeting_id)
        .first()
    )


def recording_get(*, recording_id: int) -> Recording | None:
    return Recording.objects.select_related("meeting").filter(pk=recording_id).first()


def segment_list(*, meeting: Meeting) -> QuerySet[Segment]:
    return (
        Segment.objects.filter(recording__meeting=meeting)
        .select_related("speaker", "agenda_item", "recording")
        .order_by("recording_id", "index")
    )


def segment_get(*, meeting: Meeting, segment_id: int) -> Segment | None:
    return segment_list(meeting=meeting).filter(pk=segment_id).first()


def recordings_active(*, meeting: Meeting) -> bool:
    """True while a recording is waiting or being transcribed (the page refreshes itself)."""
    return meeting.recordings.filter(
        status__in=[Recording.Status.QUEUED, Recording.Status.RUNNING]
    ).exists()


def meeting_channels(*, meeting: Meeting) -> int:
    """The most channels any of the meeting's recordings has (1: no suggestions)."""
    return max((r.channels for r in meeting.recordings.all()), default=1)


@dataclass(frozen=True)
class Suggestion:
    attendee: Attendee
    channel: int


def speaker_suggestion(segment: Segment, by_channel: dict[int, Attendee]) -> Suggestion | None:
    """The attendee on the channel that carries clearly the most energy during ``segment``."""
    channel = dominant_channel(segment.channel_energy or [])
    if channel is None or channel not in by_channel:
        return None
    return Suggestion(attendee=by_channel[channel], channel=channel)


@dataclass(frozen=True)
class WordView:
    text: str
    start: float
    low: bool


def segment_words(segment: Segment) -> list[WordView]:
    """The recognised words, flagged where Whisper was unsure (probability < 0.5)."""
    return [
        WordView(
            text=str(word.get("text", "")),
            start=float(word.get("start", 0.0)),
            low=float(word.get("probability", 1.0)) < LOW_PROBABILITY,
        )
        for word in segment.words or []
    ]


@dataclass
class Paragraph:
    heading: str
    text: str
    segment_ids: list[int]


@dataclass
class Section:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Minutes:
    meeting: Meeting
    minutes_format: str
    attendees: list[Attendee]
    sections: list[Section]
    decisions: list[Finding]
    actions: list[Finding]
    summary: list[str]

    def as_text(self) -> str:
        lines = [self.meeting.title, f"開催日：{self.meeting.held_on:%Y年%m月%d日}"]
        if self.meeting.place:
            lines.append(f"場所：{self.meeting.place}")
        if self.attendees:
            lines.append("出席者：" + "、".join(f"{a.role} {a.name}" for a in self.attendees))
        lines.append("")
        if self.minutes_format == Meeting.Format.SUMMARY:
            lines.append("■ 要点")
            lines.extend(f"・{sentence}" for sentence in self.summary)
            lines.append("")
        else:
            for section in self.sections:
                if section.title:
                    lines.extend([f"■ {section.title}", ""])
                for paragraph in section.paragraphs:
                    lines.append(paragraph.heading)
                    lines.append(f"　{paragraph.text}")
                    lines.append("")
        if self.decisions:
            lines.append("■ 決定事項")
            lines.extend(f"・【{d.label}】{d.sentence}" for d in self.decisions)
            lines.append("")
        if self.actions:
            lines.append("■ 対応事項")
            lines.extend(
                f"・【{a.label}】{a.sentence}" + (f"（期限：{a.deadline}）" if a.deadline else "")
                for a in self.actions
            )
        return "\n".join(lines).rstrip() + "\n"


def _summary(paragraphs: list[Paragraph], findings: list[Finding]) -> list[str]:
    """An extractive summary: sentences with a decision or action, then the most topical ones."""
    all_sentences = [s for p in paragraphs for s in sentences(p.text)]
    if not all_sentences:
        return []
    kept = {f.sentence for f in findings}
    terms = set(glossary_current().terms)
    words = Counter(w for s in all_sentences for w in re.findall(r"[一-龥々ァ-ヶー]{2,}", s))

    def score(sentence: str) -> float:
        found = re.findall(r"[一-龥々ァ-ヶー]{2,}", sentence)
        if not found:
            return 0.0
        return sum(words[w] + (3 if w in terms else 0) for w in found) / (1 + len(sentence) / 40)

    budget = max(3, len(all_sentences) // 4)
    ranked = sorted(all_sentences, key=score, reverse=True)
    for sentence in ranked:
        if len(kept) >= budget:
            break
        kept.add(sentence)
    seen: set[str] = set()
    ordered = []
    for sentence in all_sentences:
        if sentence in kept and sentence not in seen:
            seen.add(sentence)
            ordered.append(sentence)
    return ordered


def minutes_build(*, meeting: Meeting, minutes_format: str | None = None) -> Minutes:
    """The minutes from the edited transcript: ケバ取り, 整文, speaker headings, sections."""
    glossary = glossary_current()
    chosen = minutes_format or meeting.minutes_format
    agenda = list(meeting.agenda_items.all())
    sections: dict[int | None, Section] = {None: Section(title="")}
    for item in agenda:
        sections[item.pk] = Section(title=item.title)
    order: list[int | None] = [None, *(item.pk for item in agenda)]
    current_agenda: int | None = None
    cleaned: list[tuple[int, str]] = []
    for segment in segment_list(meeting=meeting):
        if segment.agenda_item_id is not None:
            current_agenda = segment.agenda_item_id
        text = written_style(segment.text, glossary=glossary)
        if not text:
            continue
        cleaned.append((segment.pk, text))
        heading = segment.speaker.heading if segment.speaker else "○（発言者未設定）"
        section = sections[current_agenda]
        if section.paragraphs and section.paragraphs[-1].heading == heading:
            section.paragraphs[-1].text += text
            section.paragraphs[-1].segment_ids.append(segment.pk)
        else:
            section.paragraphs.append(
                Paragraph(heading=heading, text=text, segment_ids=[segment.pk])
            )
    findings = findings_extract(cleaned)
    all_paragraphs = [p for key in order for p in sections[key].paragraphs]
    return Minutes(
        meeting=meeting,
        minutes_format=chosen,
        attendees=list(meeting.attendees.all()),
        sections=[sections[key] for key in order if sections[key].paragraphs or key is not None],
        decisions=[f for f in findings if f.kind == "decision"],
        actions=[f for f in findings if f.kind == "action"],
        summary=_summary(all_paragraphs, findings),
    )


def meetings_with_recordings() -> QuerySet[Meeting]:
    return Meeting.objects.prefetch_related(
        Prefetch("recordings", queryset=Recording.objects.order_by("pk"))
    )


# Roles that set the KPI's manual baselines and edit the city's glossary (ADR 0098, 0099).
SETTINGS_ROLES = frozenset({Role.ICT, Role.ADMIN, Role.MANAGER})


def staff_can_manage_settings(*, staff: Any) -> bool:
    """ICT staff (情報政策課・PMO), administrators and 所属長 set baselines and the glossary."""
    return bool(
        getattr(staff, "is_active", False)
        and (getattr(staff, "is_superuser", False) or getattr(staff, "role", "") in SETTINGS_ROLES)
    )


def baseline_default() -> float:
    """The factor of a meeting type without its own baseline (``UKAI_MINUTES_MANUAL_FACTOR``)."""
    return float(getattr(settings, "UKAI_MINUTES_MANUAL_FACTOR", 4.5))


def baseline_factors() -> dict[str, float]:
    """Minutes of manual work per minute of recording, for every meeting type."""
    factors = {str(body): baseline_default() for body in Meeting.Body.values}
    factors.update(dict(ManualBaseline.objects.values_list("body", "factor")))
    return factors


@dataclass(frozen=True)
class BaselineRow:
    body: str
    label: str
    factor: float
    baseline: ManualBaseline | None  # None: the setting's default applies


def baseline_rows() -> list[BaselineRow]:
    """Each meeting type with its baseline (or the default), for the baselines page."""
    stored = {row.body: row for row in ManualBaseline.objects.select_related("set_by")}
    return [
        BaselineRow(
            body=str(body),
            label=str(label),
            factor=stored[body].factor if body in stored else baseline_default(),
            baseline=stored.get(body),
        )
        for body, label in Meeting.Body.choices
    ]


@dataclass(frozen=True)
class TimeRatio:
    recorded_seconds: float
    factor: float
    editing_seconds: float

    @property
    def manual_seconds(self) -> float:
        return self.recorded_seconds * self.factor

    @property
    def ratio(self) -> float:
        return self.editing_seconds / self.manual_seconds if self.manual_seconds else 0.0


def meeting_time_ratio(*, meeting: Meeting) -> TimeRatio:
    """The meeting's editing time against manual transcription with its type's baseline."""
    recorded = (
        meeting.recordings.filter(status=Recording.Status.DONE).aggregate(
            total=Sum("duration_seconds")
        )["total"]
        or 0.0
    )
    return TimeRatio(
        recorded_seconds=recorded,
        factor=baseline_factors()[meeting.body],
        editing_seconds=meeting.editing_seconds,
    )


# --- glossary ---------------------------------------------------------------------------

_glossary_cache: dict[str, Any] = {}


def _glossary_stamp() -> tuple[int, Any]:
    """Changes whenever an entry is added, changed, enabled, disabled or deleted."""
    row = GlossaryEntry.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return (row["count"], row["latest"])


def glossary_current() -> Glossary:
    """The enabled glossary entries as the correction step uses them.

    Kept in the process and rebuilt when the table's stamp (count, latest change)
    moves, so every worker and web process sees an edit at its next build.
    """
    stamp = _glossary_stamp()
    if _glossary_cache.get("stamp") != stamp:
        entries = list(GlossaryEntry.objects.filter(enabled=True).values_list("wrong", "right"))
        _glossary_cache["glossary"] = glossary_build(
            terms=sorted({right for _wrong, right in entries}),
            corrections=[(wrong, right) for wrong, right in entries if wrong],
        )
        _glossary_cache["stamp"] = stamp
    glossary: Glossary = _glossary_cache["glossary"]
    return glossary


def glossary_entry_list(*, category: str = "", query: str = "") -> QuerySet[GlossaryEntry]:
    entries = GlossaryEntry.objects.select_related("updated_by")
    if category:
        entries = entries.filter(category=category)
    if query:
        entries = entries.filter(Q(wrong__contains=query) | Q(right__contains=query))
    return entries


def glossary_entry_get(*, entry_id: int) -> GlossaryEntry | None:
    return GlossaryEntry.objects.filter(pk=entry_id).first()


def kpi_minutes_time_ratio(*, as_of: date) -> dict[str, float | str]:
    """Editing time ÷ the time hand transcription takes, over the approved minutes up to ``as_of``."""
    end = timezone.make_aware(datetime.combine(as_of, time.max))
    meetings = Meeting.objects.filter(status=Meeting.Status.APPROVED, approved_at__lte=end)
    editing = meetings.aggregate(total=Sum("editing_seconds"))["total"] or 0.0
    factors = baseline_factors()
    recorded_by_body = (
        Recording.objects.filter(meeting__in=meetings, status=Recording.Status.DONE)
        .values("meeting__body")
        .annotate(total=Sum("duration_seconds"))
    )
    baseline = sum(
        (row["total"] or 0.0) * factors.get(row["meeting__body"], baseline_default())
        for row in recorded_by_body
    )
    labels = dict(Meeting.Body.choices)
    per_type = "、".join(f"{labels[body]}{factors[body]:g}倍" for body in Meeting.Body.values)
    return {
        "value": round(editing / baseline, 4) if baseline else 0.0,
        "description": (
            "基準日までに承認された会議録について、文字起こし結果の編集・確認にかかった時間の合計を、"
            f"手作業で書き起こした場合の時間（録音時間×会議の種類ごとの基準：{per_type}）で割った比。"
            "目標は0.25以下。"
        ),
    }
