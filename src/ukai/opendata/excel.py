"""Excel files published as data: safety checks, a lint for 総務省's rules, and conversion to CSV.

総務省「機械判読可能なデータの表記方法の統一ルール」(2020-12): no merged cells, no formulas,
numbers stored as numbers without units, no padding spaces inside values, no platform-dependent
characters (①, ㈱), dates in 西暦 (和暦 may be added). Every finding names its cell (A1).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from .errors import CatalogValidationError

# An .xlsx is a zip: refuse archives that expand beyond this or compress suspiciously well.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
_NUMBER_AS_TEXT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_NUMBER_WITH_UNIT = re.compile(
    r"^[+-]?[\d,]+(\.\d+)?\s*(人|円|件|台|個|か所|箇所|世帯|戸|棟|床|%|％|m|ｍ|km|kg|t|歳|才|回)$"
)
_WAREKI = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR]\s*\d{1,2}[./年])")
_SEIREKI = re.compile(r"(18|19|20)\d{2}")
# Circled numbers, parenthesised and squared abbreviations, Roman numerals, №, ℡, CJK squares.
_PLATFORM_DEPENDENT = re.compile(
    "[\u2460-\u24ff\u2160-\u217f\u2116\u2121\u3200-\u32ff\u3300-\u33ff\u2474-\u249b]"
)
# Spaces between Japanese characters only ever adjust the layout (均等割り付け).
_CJK_SPACED = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff][ \u3000]+[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass
class ExcelIssue:
    sheet: str
    cell: str
    code: str
    message_ja: str
    message_en: str


def xlsx_check_archive(content: bytes) -> None:
    """Refuse what is not a plain workbook: not a zip, macros, a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise CatalogValidationError(
            {
                "upload": [
                    "XLSX として読めません（壊れているか、別の形式です）。 / Not a readable XLSX file."
                ]
            }
        ) from None
    with archive:
        names = archive.namelist()
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise CatalogValidationError(
                {
                    "upload": [
                        "マクロを含むファイルは公開できません。マクロを削除して保存し直してください。 / Workbooks with macros cannot be published."
                    ]
                }
            )
        if "[Content_Types].xml" not in names:
            raise CatalogValidationError(
                {
                    "upload": [
                        "XLSX として読めません（必要な部分がありません）。 / Not a readable XLSX file."
                    ]
                }
            )
        total = sum(info.file_size for info in archive.infolist())
        compressed = sum(info.compress_size for info in archive.infolist()) or 1
        if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_RATIO:
            raise CatalogValidationError(
                {
                    "upload": [
                        f"展開後のサイズが大きすぎます（{total:,} バイト、圧縮率 {total // compressed} 倍）。"
                        f"上限は {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB です。 / "
                        f"The workbook expands to {total:,} bytes (ratio {total // compressed}); the limit is "
                        f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB."
                    ]
                }
            )


def _load(content: bytes, *, data_only: bool) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content), data_only=data_only, read_only=False)


_CODE_HEADERS = ("コード", "ID", "番号", "NO", "No", "郵便", "電話", "FAX")


def _is_code(text: str, header: str) -> bool:
    """Codes and identifiers are text on purpose (leading zeros), not numbers stored as text."""
    return text.startswith("0") or any(marker in header for marker in _CODE_HEADERS)


def excel_lint(content: bytes) -> list[ExcelIssue]:
    """Every finding of 総務省's rules, by sheet and cell."""
    xlsx_check_archive(content)
    workbook = _load(content, data_only=False)
    issues: list[ExcelIssue] = []
    for sheet in workbook.worksheets:
        title = sheet.title
        for merged in sheet.merged_cells.ranges:
            issues.append(
                ExcelIssue(
                    title,
                    str(merged),
                    "merged_cells",
                    f"{title}!{merged}: セルが結合されています。結合を解除し、各セルに値を入れてください。",
                    f"{title}!{merged}: merged cells; unmerge them and fill every cell.",
                )
            )
        headers = {
            cell.column: str(cell.value or "") for cell in next(sheet.iter_rows(max_row=1), ())
        }
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if value is None:
                    continue
                ref = f"{title}!{cell.coordinate}"
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                    issues.append(
                        ExcelIssue(
                            title,
                            cell.coordinate,
                            "formula",
                            f"{ref}: 数式が入っています。計算結果の値に置き換えてください。",
                            f"{ref}: a formula; replace it with its value.",
                        )
                    )
                    continue
                if not isinstance(value, str):
                    continue
                text = value
                if _NUMBER_WITH_UNIT.match(text.strip()):
                    issues.append(
                        ExcelIssue(
                            title,
                            cell.coordinate,
                            "number_with_unit",
                            f"{ref}: 数値に単位が付いています（{text}）。単位は列名に書き、数値だけを入力してください。",
                            f"{ref}: a number with a unit ({text}); put the unit in the header.",
                        )
                    )
                elif _NUMBER_AS_TEXT.match(text.strip()) and not _is_code(
                    text, headers.get(cell.column, "")
                ):
                    issues.append(
                        ExcelIssue(
                            title,
                            cell.coordinate,
                            "number_as_text",
                            f"{ref}: 数値が文字列として入力されています（{text}）。",
                            f"{ref}: a number stored as text ({text}).",
                        )
                    )
                if text != text.strip(" \u3000") or _CJK_SPACED.search(text):
                    issues.append(
                        ExcelIssue(
                            title,
                            cell.coordinate,
                            "padding_spaces",
                            f"{ref}: 空白で見た目を整えています（「{text}」）。空白を削除してください。",
                            f"{ref}: spaces used for layout; remove them.",
                        )
                    )
                found = _PLATFORM_DEPENDENT.findall(text)
                if found:
                    shown = "".join(dict.fromkeys(found))
                    issues.append(
                        ExcelIssue(
                            title,
                            cell.coordinate,
                            "platform_dependent",
                            f"{ref}: 機種依存文字（{shown}）が使われています。",
                            f"{ref}: platform-dependent characters ({shown}).",
                        )
                    )
                if _WAREKI.search(text) and not _SEIREKI.search(text):
                    issues.append(
                        ExcelIssue(
                            title,
                            cell.coordinate,
                            "wareki_only",
                            f"{ref}: 和暦だけで書かれた日付です（{text}）。西暦で入力してください（和暦は併記できます）。",
                            f"{ref}: a 和暦 date without the Gregorian year ({text}).",
                        )
                    )
    return issues


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def excel_to_csv(content: bytes, *, sheet: str | None = None) -> bytes:
    """The first (or named) sheet as UTF-8 CSV: stored values of formulas, ISO dates."""
    xlsx_check_archive(content)
    workbook = _load(content, data_only=True)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in worksheet.iter_rows(values_only=True):
        cells = [_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def excel_rows(handle: Any) -> Iterator[list[str]]:
    """The non-blank rows of a workbook's first sheet as text, read as a stream (read-only mode)."""
    from openpyxl import load_workbook

    workbook = load_workbook(handle, data_only=True, read_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            cells = [_text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                yield cells
    finally:
        workbook.close()
