from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from ukai.opendata.errors import CatalogValidationError
from ukai.opendata.excel import excel_lint, excel_to_csv, xlsx_check_archive

# Excel cells have no time zone.
OPENED = datetime(2020, 4, 1)  # noqa: DTZ001


def workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "施設"
    sheet.append(["名称", "定員", "開設日", "備考"])
    sheet.append(["長良保育所", 90, OPENED, ""])
    sheet.append(["加納保育所", "120人", "令和2年4月1日", "㈱サンプル運営"])
    sheet.append(["島　児童館", "1,200", OPENED.replace(year=2021), "①②"])
    sheet["E1"] = "合計"
    sheet["E2"] = "=SUM(B2:B4)"
    sheet.merge_cells("A6:B6")
    sheet["A6"] = "注記"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_lint_names_every_rule_with_its_cell():
    issues = excel_lint(workbook_bytes())
    found = {(i.cell, i.code) for i in issues}
    assert ("A6:B6", "merged_cells") in found
    assert ("E2", "formula") in found
    assert ("B3", "number_with_unit") in found
    assert ("B4", "number_as_text") in found
    assert ("C3", "wareki_only") in found
    assert ("D3", "platform_dependent") in found
    assert ("D4", "platform_dependent") in found
    assert ("A4", "padding_spaces") in found
    assert not any(i.cell == "A2" for i in issues)
    merged = next(i for i in issues if i.code == "merged_cells")
    assert merged.message_ja.startswith("施設!A6:B6: セルが結合されています")


def test_conversion_to_csv():
    text = excel_to_csv(workbook_bytes()).decode()
    lines = text.splitlines()
    assert lines[0] == "名称,定員,開設日,備考,合計"
    assert lines[1] == "長良保育所,90,2020-04-01"
    assert lines[2] == "加納保育所,120人,令和2年4月1日,㈱サンプル運営"


def test_macros_and_zip_bombs_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(CatalogValidationError, match="マクロ"):
        xlsx_check_archive(buffer.getvalue())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    with pytest.raises(CatalogValidationError, match="展開後のサイズが大きすぎます"):
        xlsx_check_archive(bomb.getvalue())
    with pytest.raises(CatalogValidationError, match="XLSX として読めません"):
        xlsx_check_archive(b"not a zip")
