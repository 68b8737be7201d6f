import pytest

from ukai.core.access import staff_can_read_audit_log, staff_can_see_personal_data

from . import factories

pytestmark = pytest.mark.django_db


def test_staff_see_personal_data_only_of_their_own_departments_work():
    kodomo_bu = factories.department(code="kodomo-mirai", name="子ども未来部")
    shien = factories.department(parent=kodomo_bu, code="kodomo-shien", name="子ども支援課")
    kaigo = factories.department(code="kaigo-hoken", name="介護保険課", kind="bu")
    member = factories.staff(role="department", departments=[shien])
    assert staff_can_see_personal_data(staff=member, department_id=shien.pk)
    assert not staff_can_see_personal_data(staff=member, department_id=kaigo.pk)
    assert not staff_can_see_personal_data(staff=member, department_id=kodomo_bu.pk)


def test_a_manager_of_a_bu_sees_the_work_of_its_ka():
    bu = factories.department(code="fukushi", name="福祉部")
    ka = factories.department(parent=bu, code="kaigo", name="介護保険課")
    manager = factories.staff(role="manager", departments=[bu])
    assert staff_can_see_personal_data(staff=manager, department_id=ka.pk)


def test_administrators_run_the_system_but_do_not_see_residents_data():
    ka = factories.department(code="shimin", name="市民課", kind="bu")
    admin = factories.staff(role="admin", departments=[])
    assert staff_can_read_audit_log(staff=admin)
    assert not staff_can_see_personal_data(staff=admin, department_id=ka.pk)


def test_a_deactivated_account_sees_nothing():
    ka = factories.department(code="shimin", name="市民課", kind="bu")
    member = factories.staff(departments=[ka], is_active=False)
    assert not staff_can_see_personal_data(staff=member, department_id=ka.pk)
    assert not staff_can_read_audit_log(staff=member)
