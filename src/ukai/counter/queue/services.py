"""Writes of the queue: issue, call, recall, start, end, absent, route, cancel.

Every change is one transaction and is audited. Concurrency: a ticket's row is
locked before its current segment changes, and the segment is then updated only
if it is still in the state that was read (a conditional UPDATE), so two members
of staff can never move the same ticket at once; "call next" skips tickets other
transactions hold (PostgreSQL ``SKIP LOCKED``). On SQLite every write transaction
takes the write lock at BEGIN (``transaction_mode=IMMEDIATE``), which serialises them.
Locks are always taken in the same order (desk, ticket, segment): no deadlocks.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log

from . import errors
from .categories import category_get, category_prefix, first_department_code
from .models import DailyCounter, Desk, Status, Ticket, TicketSegment

STATUS_JA = {
    Status.WAITING: "お待ち",
    Status.CALLED: "呼出中",
    Status.SERVING: "対応中",
    Status.DONE: "終了",
    Status.ABSENT: "不在",
    Status.CANCELLED: "取消",
}
STATUS_EN = {
    Status.WAITING: "waiting",
    Status.CALLED: "called",
    Status.SERVING: "being served",
    Status.DONE: "done",
    Status.ABSENT: "absent",
    Status.CANCELLED: "cancelled",
}
OPEN_AT_DESK = (Status.CALLED, Status.SERVING)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
# How many waiting tickets "call next" tries before it looks again, and how often it looks.
_CALL_CANDIDATES = 10
_CALL_ATTEMPTS = 5


def _staff_id(staff: Any) -> int | None:
    pk = getattr(staff, "pk", None)
    return pk if isinstance(pk, int) else None


def _clean_text(
    value: str, *, field: str, label_ja: str, label_en: str, max_length: int, required: bool
) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    if (required and not text) or len(text) > max_length:
        raise errors.invalid_text(field, label_ja, label_en, max_length)
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise errors.invalid_text(field, label_ja, label_en, max_length)
    return text


def _clean_code(value: str, *, field: str, label_ja: str, label_en: str) -> str:
    code = (value or "").strip()
    if not _SLUG.match(code):
        raise UkaiError(
            code="invalid_code",
            message_ja=f"{label_ja}は半角英小文字・数字・「-」「_」の50文字以内で指定してください。",
            message_en=(
                f"{label_en} must be up to 50 lowercase letters, digits, hyphens or underscores."
            ),
            status=422,
            field=field,
        )
    return code


def _require_active_desk(department_code: str) -> None:
    if not Desk.objects.filter(department_code=department_code, is_active=True).exists():
        raise errors.no_desk_for_department(department_code)


def number_format(prefix: str, sequence: int) -> str:
    """``A-012``: the prefix and at least three digits."""
    return f"{prefix}-{sequence:03d}"


# --- desks ---------------------------------------------------------------------------------


def desk_create(
    *,
    label: str,
    number: str,
    department_code: str,
    label_en: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> Desk:
    """Create a counter position (the seed and the Django admin's job, not the counters')."""
    label = _clean_text(
        label, field="label", label_ja="窓口名", label_en="Desk name", max_length=50, required=True
    )
    label_en = _clean_text(
        label_en,
        field="label_en",
        label_ja="窓口名（英語）",
        label_en="Desk name in English",
        max_length=100,
        required=False,
    )
    number = _clean_text(
        number,
        field="number",
        label_ja="窓口番号",
        label_en="Desk number",
        max_length=10,
        required=True,
    )
    department_code = _clean_code(
        department_code, field="department_code", label_ja="所属コード", label_en="Department code"
    )
    if Desk.objects.filter(number=number).exists():
        raise UkaiError(
            code="desk_number_taken",
            message_ja=f"窓口番号「{number}」はすでに使われています。",
            message_en=f"Desk number “{number}” is already in use.",
            status=409,
            field="number",
        )
    with transaction.atomic():
        desk = Desk.objects.create(
            label=label,
            label_en=label_en,
            number=number,
            department_code=department_code,
            sort_order=sort_order,
            is_active=is_active,
        )
        audit_log(action="create", obj=desk, purpose="窓口の登録")
    return desk


def desk_set_active(*, desk_id: int, is_active: bool) -> Desk:
    """Open or close a desk; a closed desk cannot call or serve."""
    with transaction.atomic():
        desk = Desk.objects.select_for_update().filter(pk=desk_id).first()
        if desk is None:
            raise errors.desk_not_found(desk_id)
        if not is_active and desk.segments.filter(status__in=OPEN_AT_DESK).exists():
            current = desk.segments.filter(status__in=OPEN_AT_DESK).select_related("ticket").get()
            raise errors.desk_busy(desk.label, current.ticket.number)
        desk.is_active = is_active
        desk.save(update_fields=["is_active", "updated_at"])
        audit_log(action="update", obj=desk, purpose="窓口の開始" if is_active else "窓口の休止")
    return desk


def _lock_desk(desk_id: int) -> Desk:
    desk = Desk.objects.select_for_update().filter(pk=desk_id).first()
    if desk is None:
        raise errors.desk_not_found(desk_id)
    if not desk.is_active:
        raise errors.desk_inactive(desk.label)
    return desk


def _check_desk_free(desk: Desk, *, except_segment: int | None = None) -> None:
    open_here = TicketSegment.objects.filter(desk=desk, status__in=OPEN_AT_DESK)
    if except_segment is not None:
        open_here = open_here.exclude(pk=except_segment)
    busy = open_here.select_related("ticket").first()
    if busy is not None:
        raise errors.desk_busy(desk.label, busy.ticket.number)


# --- issuing ----------------------------------------------------------------------------------


def _next_sequence(*, day: Any, prefix: str) -> int:
    """The next number of the day for ``prefix``, under a lock on the day's counter row.

    ``get_or_create`` copes with two first tickets of the day racing to create the
    row (the unique constraint, then a second read); the row lock orders the rest.
    """
    counter, _created = DailyCounter.objects.select_for_update().get_or_create(
        day=day, prefix=prefix
    )
    DailyCounter.objects.filter(pk=counter.pk).update(last_sequence=F("last_sequence") + 1)
    counter.refresh_from_db(fields=["last_sequence"])
    return counter.last_sequence


def ticket_issue(
    *,
    category: str,
    category_label: str = "",
    department_code: str = "",
    note: str = "",
    staff: Any | None = None,
) -> Ticket:
    """Issue the next numbered ticket of the day; the resident waits for ``department_code``."""
    category = _clean_code(
        category, field="category", label_ja="区分コード", label_en="Category code"
    )
    known = category_get(category)
    if not category_label and known is not None:
        category_label = str(known.label)
    category_label = _clean_text(
        category_label,
        field="category_label",
        label_ja="区分",
        label_en="Category",
        max_length=100,
        required=True,
    )
    note = _clean_text(
        note, field="note", label_ja="メモ", label_en="Note", max_length=200, required=False
    )
    department_code = _clean_code(
        department_code or first_department_code(),
        field="department_code",
        label_ja="所属コード",
        label_en="Department code",
    )
    prefix = category_prefix(category)
    with transaction.atomic():
        _require_active_desk(department_code)
        now = timezone.now()
        day = timezone.localdate(now)
        sequence = _next_sequence(day=day, prefix=prefix)
        ticket = Ticket.objects.create(
            day=day,
            prefix=prefix,
            sequence=sequence,
            number=number_format(prefix, sequence),
            category=category,
            category_label=category_label,
            issued_at=now,
            status=Status.WAITING,
            note=note,
        )
        TicketSegment.objects.create(
            ticket=ticket,
            position=1,
            department_code=department_code,
            status=Status.WAITING,
            queued_at=now,
        )
        audit_log(action="create", obj=ticket, purpose="受付番号の発行")
    return ticket


# --- moving a ticket ---------------------------------------------------------------------------


def _lock_ticket(ticket_id: int) -> tuple[Ticket, TicketSegment]:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise errors.ticket_not_found(ticket_id)
    segment = ticket.segments.order_by("-position").first()
    if segment is None:  # pragma: no cover - every ticket is created with a segment
        raise errors.ticket_not_found(ticket_id)
    return ticket, segment


def _require(ticket: Ticket, segment: TicketSegment, action: str, allowed: tuple[str, ...]) -> None:
    if segment.status not in allowed:
        status = Status(segment.status)
        raise errors.invalid_transition(
            number=ticket.number,
            action=action,
            status_ja=STATUS_JA[status],
            status_en=STATUS_EN[status],
        )


def _apply(
    ticket: Ticket, segment: TicketSegment, *, status: str, now: datetime, **changes: Any
) -> None:
    """Move the segment (only if nobody else did first) and the ticket to ``status``."""
    updated = TicketSegment.objects.filter(pk=segment.pk, status=segment.status).update(
        status=status, **changes
    )
    if updated != 1:
        raise errors.ticket_changed(ticket.number)
    Ticket.objects.filter(pk=ticket.pk).update(status=status, updated_at=now)
    ticket.status = status
    ticket.updated_at = now


def desk_call_next(*, desk_id: int, staff: Any) -> Ticket | None:
    """Call the oldest waiting ticket of the desk's department to the desk (None: nobody waits).

    Two members of staff pressing 「次の方を呼ぶ」 at once never get the same ticket.
    """
    with transaction.atomic():
        desk = _lock_desk(desk_id)
        _check_desk_free(desk)
        today = timezone.localdate()
        for attempt in range(_CALL_ATTEMPTS):
            # Skip tickets other desks are calling right now; on the last attempt wait for
            # them instead, so that a busy moment cannot make the loop spin.
            wait = attempt == _CALL_ATTEMPTS - 1
            candidates = list(
                TicketSegment.objects.queued_on(today)
                .filter(department_code=desk.department_code, status=Status.WAITING)
                .order_by("queued_at", "pk")
                .values_list("pk", "ticket_id")[:_CALL_CANDIDATES]
            )
            if not candidates:
                return None
            for segment_id, ticket_id in candidates:
                ticket = (
                    Ticket.objects.select_for_update(skip_locked=not wait)
                    .filter(pk=ticket_id)
                    .first()
                )
                if ticket is None:
                    continue
                now = timezone.now()
                updated = TicketSegment.objects.filter(pk=segment_id, status=Status.WAITING).update(
                    status=Status.CALLED,
                    desk=desk,
                    called_at=now,
                    last_called_at=now,
                    called_by_id=_staff_id(staff),
                )
                if updated != 1:
                    continue
                Ticket.objects.filter(pk=ticket.pk).update(status=Status.CALLED, updated_at=now)
                ticket.refresh_from_db()
                audit_log(action="update", obj=ticket, purpose=f"呼出し（{desk.label}）")
                return ticket
        raise errors.queue_busy()


def ticket_recall(*, ticket_id: int, staff: Any) -> Ticket:
    """Call a called (or absent) ticket again; the board announces it once more."""
    with transaction.atomic():
        # The desk first, then the ticket: the same lock order as "call next".
        desk_id = (
            TicketSegment.objects.filter(ticket_id=ticket_id)
            .order_by("-position")
            .values_list("desk_id", flat=True)
            .first()
        )
        desk = _lock_desk(desk_id) if desk_id is not None else None
        ticket, segment = _lock_ticket(ticket_id)
        _require(ticket, segment, "recall", (Status.CALLED, Status.ABSENT))
        if desk is None or segment.desk_id != desk.pk:
            raise errors.ticket_changed(ticket.number)
        _check_desk_free(desk, except_segment=segment.pk)
        now = timezone.now()
        _apply(
            ticket,
            segment,
            status=Status.CALLED,
            now=now,
            last_called_at=now,
            recall_count=F("recall_count") + 1,
        )
        audit_log(action="update", obj=ticket, purpose=f"呼出し直し（{desk.label}）")
    return ticket


def ticket_start(*, ticket_id: int, desk_id: int, staff: Any) -> Ticket:
    """Start serving a waiting or called ticket at ``desk_id`` (受付開始)."""
    with transaction.atomic():
        desk = _lock_desk(desk_id)
        ticket, segment = _lock_ticket(ticket_id)
        _require(ticket, segment, "start", (Status.WAITING, Status.CALLED))
        if segment.department_code != desk.department_code:
            raise errors.wrong_department(ticket.number, desk.label)
        _check_desk_free(desk, except_segment=segment.pk)
        now = timezone.now()
        changes: dict[str, Any] = {
            "desk": desk,
            "started_at": now,
            "started_by_id": _staff_id(staff),
        }
        if segment.called_at is None:
            # Served without being called (the resident was already at the desk).
            changes.update(called_at=now, last_called_at=now, called_by_id=_staff_id(staff))
        _apply(ticket, segment, status=Status.SERVING, now=now, **changes)
        audit_log(action="update", obj=ticket, purpose=f"対応開始（{desk.label}）")
    return ticket


def ticket_end(*, ticket_id: int, staff: Any) -> Ticket:
    """End the service of a ticket being served (終了)."""
    with transaction.atomic():
        ticket, segment = _lock_ticket(ticket_id)
        _require(ticket, segment, "end", (Status.SERVING,))
        now = timezone.now()
        _apply(
            ticket, segment, status=Status.DONE, now=now, ended_at=now, ended_by_id=_staff_id(staff)
        )
        audit_log(action="update", obj=ticket, purpose="対応終了")
    return ticket


def ticket_mark_absent(*, ticket_id: int, staff: Any) -> Ticket:
    """The called resident did not come (不在); the desk is free, the ticket can be recalled."""
    with transaction.atomic():
        ticket, segment = _lock_ticket(ticket_id)
        _require(ticket, segment, "absent", (Status.CALLED,))
        now = timezone.now()
        _apply(ticket, segment, status=Status.ABSENT, now=now)
        audit_log(action="update", obj=ticket, purpose="不在")
    return ticket


def ticket_route(*, ticket_id: int, department_code: str, staff: Any) -> Ticket:
    """Send the resident on to another department's counter: a new waiting segment.

    A segment still called or being served ends now.
    """
    department_code = _clean_code(
        department_code, field="department_code", label_ja="案内先", label_en="Department"
    )
    with transaction.atomic():
        ticket, segment = _lock_ticket(ticket_id)
        _require(ticket, segment, "route", (Status.CALLED, Status.SERVING, Status.DONE))
        if segment.department_code == department_code:
            raise errors.same_department(ticket.number)
        _require_active_desk(department_code)
        now = timezone.now()
        if segment.status != Status.DONE:
            _apply(
                ticket,
                segment,
                status=Status.DONE,
                now=now,
                ended_at=now,
                ended_by_id=_staff_id(staff),
            )
        TicketSegment.objects.create(
            ticket=ticket,
            position=segment.position + 1,
            department_code=department_code,
            status=Status.WAITING,
            queued_at=now,
        )
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.WAITING, updated_at=now)
        ticket.status = Status.WAITING
        audit_log(action="update", obj=ticket, purpose=f"他の窓口へ案内（{department_code}）")
    return ticket


def ticket_cancel(*, ticket_id: int, staff: Any) -> Ticket:
    """Withdraw a ticket that has not been served (the resident left, or it was issued by mistake)."""
    with transaction.atomic():
        ticket, segment = _lock_ticket(ticket_id)
        _require(ticket, segment, "cancel", (Status.WAITING, Status.CALLED, Status.ABSENT))
        now = timezone.now()
        _apply(ticket, segment, status=Status.CANCELLED, now=now)
        audit_log(action="update", obj=ticket, purpose="取消")
    return ticket
