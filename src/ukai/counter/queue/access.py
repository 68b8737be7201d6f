"""Who may work the queue: the counters and the departments (not ICT, the CIO or admins)."""

from __future__ import annotations

from typing import Any

QUEUE_ROLES = frozenset({"counter", "department", "manager"})


def staff_can_work_queue(*, staff: Any) -> bool:
    # As for residents' records: no superuser exemption. Issuing and calling
    # tickets is counter work; the board itself is public.
    return bool(getattr(staff, "is_active", False)) and getattr(staff, "role", "") in QUEUE_ROLES
