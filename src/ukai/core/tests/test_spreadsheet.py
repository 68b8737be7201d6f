"""CSV cells for spreadsheets: what would run as a formula is shown as text."""

from __future__ import annotations

import pytest

from ukai.core.service import spreadsheet_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+81 58 265 4141", "'+81 58 265 4141"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("髙橋 花子", "髙橋 花子"),
        (12, "12"),
        (None, ""),
    ],
)
def test_formula_starts_are_neutralised(value, expected):
    assert spreadsheet_cell(value) == expected
