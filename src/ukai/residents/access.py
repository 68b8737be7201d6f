"""Who may read resident records: the counters and the departments, not ICT, the CIO or admins."""

from __future__ import annotations

from typing import Any

READER_ROLES = frozenset({"counter", "department", "manager"})


def staff_can_read_residents(*, staff: Any) -> bool:
    # No superuser exemption: administrators run the system, residents' data
    # stays with the people who serve residents (as in core.access).
    return bool(getattr(staff, "is_active", False)) and getattr(staff, "role", "") in READER_ROLES
