"""Who may see and change the plan's progress."""

from __future__ import annotations

from typing import Any

from ukai.core.service import Role

VIEW_ROLES = frozenset({Role.CIO, Role.ICT, Role.ADMIN, Role.MANAGER})
EDIT_ROLES = frozenset({Role.ICT, Role.ADMIN})


def staff_can_view_plan(*, staff: Any) -> bool:
    """The CIO, the ICT department/PMO, administrators and managers read the dashboard."""
    return bool(getattr(staff, "is_superuser", False) or getattr(staff, "role", "") in VIEW_ROLES)


def staff_can_edit_plan(*, staff: Any) -> bool:
    """The ICT department/PMO and administrators enter values, targets and run collectors."""
    return bool(getattr(staff, "is_superuser", False) or getattr(staff, "role", "") in EDIT_ROLES)
