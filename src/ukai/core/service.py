"""The core's public API for Ukai's other modules.

Other modules import from here (and from the library packages ``core.japanese``,
``core.plugins``, ``core.errors`` and ``core.background``), never from the
core's models, selectors or views; see docs/adr/0001.
"""

from __future__ import annotations

from .access import (
    staff_can_administer,
    staff_can_read_audit_log,
    staff_can_see_personal_data,
)

# For every module's API router (modules may not import core.api itself).
from .api import PROBLEMS, STAFF_AUTH, TEXT_PATTERN, Pagination, Problem, staff_from
from .audit import audit_log, audited
from .context import actor_current, actor_set_staff
from .models import PersonalData, Role
from .ratelimit import rate_limit_count
from .selectors import (
    department_list,
    department_tree,
    municipality_current,
    staff_department_codes,
    staff_department_ids,
    staff_from_api_token,
)
from .spreadsheet import spreadsheet_cell
from .staff_auth import staff_required

__all__ = [
    "PROBLEMS",
    "STAFF_AUTH",
    "TEXT_PATTERN",
    "Pagination",
    "PersonalData",
    "Problem",
    "Role",
    "actor_current",
    "actor_set_staff",
    "audit_log",
    "audited",
    "department_list",
    "department_tree",
    "municipality_current",
    "rate_limit_count",
    "spreadsheet_cell",
    "staff_can_administer",
    "staff_can_read_audit_log",
    "staff_can_see_personal_data",
    "staff_department_codes",
    "staff_department_ids",
    "staff_from",
    "staff_from_api_token",
    "staff_required",
]
