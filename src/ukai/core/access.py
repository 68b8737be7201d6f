"""Who may see what: roles and per-department access to personal data."""

from __future__ import annotations

from .models import Role, Staff
from .selectors import staff_department_ids

# Roles whose work is reading the platform's health and records, not residents'.
_AUDIT_READERS = {Role.ADMIN, Role.ICT}


def staff_can_read_audit_log(*, staff: Staff) -> bool:
    return staff.is_active and (staff.is_superuser or staff.role in _AUDIT_READERS)


def staff_can_administer(*, staff: Staff) -> bool:
    return staff.is_active and (staff.is_superuser or staff.role == Role.ADMIN)


def staff_can_see_personal_data(*, staff: Staff, department_id: int) -> bool:
    """Staff see personal data only of their own departments' work (and their 課 under a 部).

    No role is exempt: administrators run the system and read the audit log,
    but residents' data stays with the departments that serve them.
    """
    if not staff.is_active:
        return False
    return department_id in staff_department_ids(staff=staff)


def staff_can_view_staff(*, viewer: Staff, target: Staff) -> bool:
    """A staff member's profile is open to themselves, their departments' staff and admins.

    "Their departments" includes the 課 under a viewer's 部, as for residents' data.
    """
    if not viewer.is_active:
        return False
    if viewer.pk == target.pk or staff_can_administer(staff=viewer):
        return True
    target_departments = set(target.departments.values_list("pk", flat=True))
    return bool(target_departments & staff_department_ids(staff=viewer))
