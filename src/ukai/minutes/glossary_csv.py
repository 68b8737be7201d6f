"""The glossary as CSV for spreadsheets: export, and an all-or-nothing import.

The import reads what the export writes: UTF-8 with or without a BOM, or CP932
(Excel's "CSV" on Japanese Windows). A row updates the entry with the same wrong form
(or the same term) and adds the others; rows are checked against each other and the
stored entries (empty, identical pair, loops) before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log, spreadsheet_cell

from .models import GlossaryEntry
from .services import ensure_settings_staff, glossary_entry_check

CSV_HEADER = ("誤認識の形", "正しい形", "分類", "有効")
CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 5000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The export writes the Japanese names whatever the reader's language; the import also
# takes the codes and the English names.
CATEGORY_NAMES = {
    "person": "人名",
    "council": "議会用語",
    "place": "地名",
    "organisation": "組織名",
    "other": "その他",
}
_ENGLISH_NAMES = {
    "person": "Person",
    "council": "Council term",
    "place": "Place name",
    "organisation": "Organisation",
    "other": "Other",
}
_CATEGORY = (
    {name: code for code, name in CATEGORY_NAMES.items()}
    | {name.lower(): code for code, name in _ENGLISH_NAMES.items()}
    | {code: code for code in GlossaryEntry.Category.values}
)
_ENABLED = {"有効": True, "1": True, "true": True, "yes": True, "": True, "無効": False}
_ENABLED |= {"0": False, "false": False, "no": False}


def glossary_csv(entries: Iterable[GlossaryEntry]) -> str:
    """The entries as CSV for Excel: a BOM, CRLF, categories and 有効/無効 in Japanese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in entries:
        writer.writerow(
            [
                spreadsheet_cell(entry.wrong),
                spreadsheet_cell(entry.right),
                CATEGORY_NAMES.get(entry.category, entry.category),
                "有効" if entry.enabled else "無効",
            ]
        )
    return out.getvalue()


def _file_error(ja: str, en: str) -> UkaiError:
    return UkaiError(
        code="glossary_csv_invalid", message_ja=ja, message_en=en, status=422, field="file"
    )


def csv_text_decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a BOM) or CP932."""
    if len(data) > CSV_MAX_BYTES:
        raise _file_error(
            "ファイルが大きすぎます（2MBまで）。", "The file is too large (up to 2 MB)."
        )
    if not data.strip():
        raise _file_error("ファイルが空です。", "The file is empty.")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(
        "文字コードを読み取れません。CSV（UTF-8）またはCSV（Shift_JIS / CP932）で保存してください。",
        "The file is neither UTF-8 nor Shift_JIS (CP932) text. Save it as CSV (UTF-8).",
    )


def _cell(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


@dataclass
class GlossaryImport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _row_values(row: list[str]) -> tuple[str, str, str | None, bool | None]:
    cells = [*row, "", "", "", ""][:4]
    wrong, right, category, enabled = (_cell(cell) for cell in cells)
    category_code = _CATEGORY.get(category or "議会用語") or _CATEGORY.get(category.lower())
    return wrong, right, category_code, _ENABLED.get(enabled.lower())


def glossary_import(*, staff: Any, data: bytes) -> GlossaryImport:
    """Add and update entries from CSV; nothing is written if any row is wrong."""
    ensure_settings_staff(staff)
    text = csv_text_decode(data)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(cell.strip() for cell in rows[0][:2]) != CSV_HEADER[:2]:
        raise _file_error(
            "1行目の見出しが「誤認識の形,正しい形,分類,有効」ではありません。書き出したCSVを使ってください。",
            "The first row must be the header 誤認識の形,正しい形,分類,有効 (use an exported file).",
        )
    if len(rows) - 1 > CSV_MAX_ROWS:
        raise _file_error("行が多すぎます（5000行まで）。", "Too many rows (up to 5000).")
    result = GlossaryImport()
    with transaction.atomic():
        entries = list(GlossaryEntry.objects.select_for_update())
        by_key = {(e.wrong or "", "" if e.wrong else e.right): e for e in entries}
        pending: list[GlossaryEntry] = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            wrong, right, category, enabled = _row_values(row)
            if category is None:
                result.errors.append(
                    f"{number}行目: 分類が一覧にありません / row {number}: unknown category"
                )
                continue
            if enabled is None:
                result.errors.append(
                    f"{number}行目: 有効の欄は「有効」か「無効」にしてください / "
                    f"row {number}: write 有効 or 無効 in the last column"
                )
                continue
            key = (wrong, "" if wrong else right)
            entry = by_key.get(key)
            if entry is not None and (entry.right, entry.category, entry.enabled) == (
                right,
                category,
                enabled,
            ):
                result.unchanged += 1  # an exported row imported back: nothing to check
                continue
            try:
                glossary_entry_check(
                    wrong=wrong,
                    right=right,
                    category=category,
                    enabled=enabled,
                    entry=entry,
                    others=entries,
                )
            except UkaiError as error:
                result.errors.append(
                    f"{number}行目: {error.message_ja} / row {number}: {error.message_en}"
                )
                continue
            if entry is None:
                entry = GlossaryEntry(wrong=wrong, right=right, category=category, enabled=enabled)
                entries.append(entry)
                by_key[key] = entry
                pending.append(entry)
                result.added += 1
            else:
                entry.right, entry.category, entry.enabled = right, category, enabled
                if entry not in pending:
                    pending.append(entry)
                result.changed += 1
        if result.errors:
            return result
        for entry in pending:
            entry.updated_by = staff
            entry.save()
        audit_log(
            action="update",
            object_type="minutes.glossaryentry",
            object_id="import",
            purpose=(
                f"会議録の用語集のCSV取り込み（追加{result.added}件・変更{result.changed}件）"
            ),
        )
    return result
