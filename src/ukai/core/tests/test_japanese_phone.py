import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.phone import phone_format, phone_normalize


@pytest.mark.parametrize(
    ("text", "digits", "formatted"),
    [
        ("058-265-4141", "0582654141", "058-265-4141"),  # Gifu City Hall
        ("0582654141", "0582654141", "058-265-4141"),
        ("(058) 265-4141", "0582654141", "058-265-4141"),
        ("058(265)4141", "0582654141", "058-265-4141"),
        ("０５８－２６５－４１４１", "0582654141", "058-265-4141"),
        ("058ー265ー4141", "0582654141", "058-265-4141"),
        ("058.265.4141", "0582654141", "058-265-4141"),
        ("+81 58-265-4141", "0582654141", "058-265-4141"),
        ("+81-58-265-4141", "0582654141", "058-265-4141"),
        ("+81 (0)58-265-4141", "0582654141", "058-265-4141"),
        ("＋８１５８２６５４１４１", "0582654141", "058-265-4141"),
        ("0584-81-4111", "0584814111", "0584-81-4111"),  # Ogaki
        ("0575223131", "0575223131", "0575-22-3131"),  # Seki
        ("0577323333", "0577323333", "0577-32-3333"),  # Takayama
        ("0572221111", "0572221111", "0572-22-1111"),  # Tajimi
        ("0576961311", "0576961311", "05769-6-1311"),  # Shirakawa-go
        ("0312345678", "0312345678", "03-1234-5678"),
        ("0612345678", "0612345678", "06-1234-5678"),
        ("0521234567", "0521234567", "052-123-4567"),
        ("0991234567", "0991234567", "099-123-4567"),  # not in the table: 3-3-4
        ("090-1234-5678", "09012345678", "090-1234-5678"),
        ("080 1234 5678", "08012345678", "080-1234-5678"),
        ("07012345678", "07012345678", "070-1234-5678"),
        ("050-1234-5678", "05012345678", "050-1234-5678"),
        ("02012345678", "02012345678", "020-1234-5678"),
        ("+81 90 1234 5678", "09012345678", "090-1234-5678"),
        ("0120-123-456", "0120123456", "0120-123-456"),
        ("0570-000-123", "0570000123", "0570-000-123"),
        ("0800-123-4567", "08001234567", "0800-123-4567"),
    ],
)
def test_normalize_and_format(text, digits, formatted):
    assert phone_normalize(text) == digits
    assert phone_format(text) == formatted
    assert phone_format(digits) == formatted


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "058-265-414",  # fixed line with 9 digits
        "058-265-41411",  # fixed line with 11 digits
        "090-1234-567",  # mobile with 10 digits
        "050-1234-567",  # 050 with 10 digits
        "0120-123-4567",  # free dial with 11 digits
        "0570-000-1234",
        "0800-123-456",
        "582654141",  # no leading 0
        "00-1-202-555-0100",  # international access prefix
        "+1 202 555 0100",
        "058-265-4141 内線123",
        "058_265_4141",
        "٠٥٨٢٦٥٤١٤١",  # Arabic-Indic digits
        "0" * 31,
    ],
)
def test_normalize_rejects_bad_input(text):
    with pytest.raises(JapaneseInputError) as excinfo:
        phone_normalize(text)
    assert excinfo.value.code == "phone_format"
    assert excinfo.value.message_ja
    assert excinfo.value.message_en


def test_length_error_says_how_many_digits():
    with pytest.raises(JapaneseInputError) as excinfo:
        phone_normalize("090-1234-567")
    assert "11桁" in excinfo.value.message_ja


NON_GEOGRAPHIC_PREFIXES = ("020", "050", "060", "070", "080", "090", "0120", "0570", "0180")
valid_numbers = st.one_of(
    st.builds(
        lambda p, r: p + r,
        st.sampled_from(["020", "050", "060", "070", "080", "090"]),
        st.text("0123456789", min_size=8, max_size=8),
    ),
    st.builds(
        lambda p, r: p + r,
        st.sampled_from(["0120", "0570", "0180"]),
        st.text("0123456789", min_size=6, max_size=6),
    ),
    st.builds(lambda r: "0800" + r, st.text("0123456789", min_size=7, max_size=7)),
    st.builds(
        lambda first, r: "0" + first + r,
        st.sampled_from("123456789"),
        st.text("0123456789", min_size=8, max_size=8),
    ).filter(lambda n: not n.startswith(NON_GEOGRAPHIC_PREFIXES)),
)


@settings(max_examples=400)
@given(valid_numbers)
def test_format_keeps_every_digit_and_round_trips(digits):
    formatted = phone_format(digits)
    parts = formatted.split("-")
    assert len(parts) == 3
    assert all(parts)
    assert "".join(parts) == digits
    assert phone_normalize(formatted) == digits
    assert phone_normalize("+81 " + formatted[1:]) == digits


@settings(max_examples=400)
@given(st.text(max_size=35))
def test_normalize_raises_only_japanese_input_error_on_arbitrary_text(text):
    try:
        result = phone_normalize(text)
    except JapaneseInputError as error:
        code = error.code
        assert code == "phone_format"
    else:
        assert result.isascii()
        assert result.isdigit()
        assert len(result) in (10, 11)
