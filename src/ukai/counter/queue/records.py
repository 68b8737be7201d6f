"""What the queue hands to other code: frozen records, never model instances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SegmentRecord:
    """The part of a visit spent with one department; times are None while unknown."""

    department_code: str
    desk_label: str
    status: str
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    recall_count: int
    waiting_seconds: float | None
    handling_seconds: float | None
    # The desk that called or served the segment (for ``service_start`` of a called ticket).
    desk_id: int | None = None


@dataclass(frozen=True)
class TicketRecord:
    id: int
    number: str
    category: str
    category_label: str
    status: str
    status_label: str
    issued_at: datetime
    segments: tuple[SegmentRecord, ...]

    @property
    def current(self) -> SegmentRecord:
        """The segment the resident is in now (the last one)."""
        return self.segments[-1]


@dataclass(frozen=True)
class DeskRecord:
    id: int
    label: str
    label_en: str
    number: str
    department_code: str
    is_active: bool
