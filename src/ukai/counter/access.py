"""Who may do what at the counter."""

from __future__ import annotations

from typing import Any

# Serving residents (visits read resident records): the counters and the departments.
COUNTER_ROLES = frozenset({"counter", "department", "manager"})
# Editing the life events' rules: managers and the ICT department (counter staff read and test them).
RULE_EDITOR_ROLES = frozenset({"manager", "ict"})
# The dashboard holds aggregates only.
DASHBOARD_ROLES = frozenset({"counter", "department", "manager", "ict", "cio"})


def _role(staff: Any) -> str:
    return str(getattr(staff, "role", "")) if getattr(staff, "is_active", False) else ""


def staff_can_serve(*, staff: Any) -> bool:
    return _role(staff) in COUNTER_ROLES


def staff_can_edit_rules(*, staff: Any) -> bool:
    return _role(staff) in RULE_EDITOR_ROLES


def staff_can_read_rules(*, staff: Any) -> bool:
    return _role(staff) in COUNTER_ROLES | RULE_EDITOR_ROLES


def staff_can_see_dashboard(*, staff: Any) -> bool:
    return _role(staff) in DASHBOARD_ROLES
