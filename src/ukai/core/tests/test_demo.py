import pytest
from django.core.management import call_command

from ukai.core.models import Department, Municipality, Staff

pytestmark = pytest.mark.django_db


def test_demo_data_loads_gifu_city_and_a_second_run_adds_nothing():
    call_command("ukai_demo", verbosity=0)
    counts = (Municipality.objects.count(), Department.objects.count(), Staff.objects.count())
    call_command("ukai_demo", verbosity=0)
    assert (
        Municipality.objects.count(),
        Department.objects.count(),
        Staff.objects.count(),
    ) == counts
    city = Municipality.objects.get()
    assert (city.code, city.name) == ("212016", "岐阜市")
    shimin = Department.objects.get(name="市民課")
    assert shimin.parent is not None
    assert shimin.parent.name == "市民生活部"
    assert set(Staff.objects.values_list("role", flat=True)) == {
        "counter",
        "department",
        "manager",
        "ict",
        "cio",
        "admin",
    }


def test_demo_staff_have_the_printed_password():
    from ukai.core.demo import DEMO_PASSWORD

    call_command("ukai_demo", verbosity=0)
    assert Staff.objects.get(username="counter").check_password(DEMO_PASSWORD)
