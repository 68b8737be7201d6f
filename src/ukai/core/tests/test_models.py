import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ukai.core.models import Department, Municipality

from . import factories

pytestmark = pytest.mark.django_db


def test_municipality_code_with_wrong_check_digit_is_rejected_in_japanese():
    city = Municipality(code="212015", name="岐阜市", name_kana="ギフシ", prefecture="岐阜県")
    with pytest.raises(ValidationError) as excinfo:
        city.full_clean()
    message = excinfo.value.message_dict["code"][0]
    assert "検査数字" in message
    assert "2120" in message  # names the code the user typed


@pytest.mark.parametrize("code", ["21201", "ABCDEF", "２１２０１６", "2120167", ""])
def test_municipality_code_must_be_six_ascii_digits(code):
    city = Municipality(code=code, name="x", name_kana="x", prefecture="x")
    with pytest.raises(ValidationError):
        city.full_clean()


def test_gifu_city_code_is_valid():
    Municipality(code="212016", name="岐阜市", name_kana="ギフシ", prefecture="岐阜県").full_clean()


def test_a_division_needs_a_department_above_it():
    city = factories.municipality()
    with pytest.raises(IntegrityError):
        Department.objects.create(municipality=city, kind="ka", code="orphan", name="孤立課")


def test_department_codes_are_unique_within_a_municipality():
    root = factories.department(code="shimin-seikatsu")
    with pytest.raises(IntegrityError):
        factories.department(code="shimin-seikatsu", municipality=root.municipality)
