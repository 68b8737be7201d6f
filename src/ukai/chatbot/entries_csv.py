"""FAQ entries as CSV for spreadsheets: the export, and the import through the review step.

The import reads what the export writes (export → import changes nothing): UTF-8
with or without a BOM, or CP932 (Excel's "CSV" on Japanese Windows). Every row is
checked before anything is written; a row that changes an entry becomes a draft
sent to review, exactly as an edit on the entry page (docs/adr/0034).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ukai.core.errors import UkaiError
from ukai.core.service import department_list, municipality_current, spreadsheet_cell

from . import services
from .departments import DEPARTMENT_NAMES
from .models import PUBLIC_COLLECTION, Entry, Field, Language

# (attribute, header): the export's columns, in order. 状態 and 最終確認日 are shown
# for the reader; the import ignores them (publishing is the reviewer's decision).
CSV_COLUMNS = [
    ("key", "識別子"),
    ("question", "質問"),
    ("phrasings", "言い換え"),
    ("answer", "回答"),
    ("field", "分野"),
    ("department", "担当課"),
    ("procedures", "関連する手続"),
    ("language", "言語"),
    ("status", "状態"),
    ("reviewed_on", "最終確認日"),
]
CSV_IMPORT_MAX_BYTES = 5 * 1024 * 1024
CSV_IMPORT_MAX_ROWS = 5000
_HEADER_TO_KEY = {label: key for key, label in CSV_COLUMNS} | {key: key for key, _ in CSV_COLUMNS}
_REQUIRED_COLUMNS = ("question", "answer", "department")
_FIELD_BY_LABEL = {str(label): value for value, label in Field.choices}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The values a row sets; the validity period is not in the CSV and stays as it is.
_ROW_FIELDS = (
    "question",
    "phrasings",
    "answer",
    "field",
    "department",
    "procedures",
    "language",
)


# --- export ---------------------------------------------------------------------------


def entries_csv(entries: Iterable[Entry]) -> str:
    """The entries as CSV text for Excel: a BOM, CRLF, phrasings one per line in their cell."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _key, label in CSV_COLUMNS])
    for entry in entries:
        row = []
        for key, _label in CSV_COLUMNS:
            value = getattr(entry, key)
            if key in ("phrasings", "procedures"):
                value = "\n".join(str(p) for p in value or [])
            row.append(spreadsheet_cell("" if value is None else value))
        writer.writerow(row)
    return out.getvalue()


# --- import ---------------------------------------------------------------------------


def _error(row: int, ja: str, en: str) -> str:
    return f"{row}行目: {ja} / row {row}: {en}"


def _file_error(ja: str, en: str) -> UkaiError:
    return UkaiError(code="csv_invalid", message_ja=ja, message_en=en, status=422, field="file")


def csv_text_decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a BOM) or CP932; UkaiError when it is neither."""
    if len(data) > CSV_IMPORT_MAX_BYTES:
        raise _file_error(
            "ファイルが大きすぎます（5MBまで）。",
            "The file is too large (up to 5 MB).",
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
    """The value the export wrote: the leading ``'`` that kept a formula from running removed."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


@dataclass
class CsvRow:
    row: int  # the spreadsheet row (the header is row 1)
    key: str
    values: dict[str, Any]
    action: str = ""  # "new", "change" or "same"
    entry: Entry | None = None


@dataclass
class CsvImportPlan:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    digest: str = ""

    @property
    def new(self) -> int:
        return sum(1 for r in self.rows if r.action == "new")

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.action == "change")

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "same")


def _known_departments() -> set[str]:
    codes = set(DEPARTMENT_NAMES)
    municipality = municipality_current()
    if municipality is not None:
        codes |= set(department_list(municipality=municipality).values_list("code", flat=True))
    return codes


def _row_values(record: dict[str, str], row: int) -> tuple[str, dict[str, Any]]:
    """The key and the entry values of one CSV row; ValueError with the message."""
    key = record.get("key", "").strip()
    question = record.get("question", "").strip()
    answer = record.get("answer", "").strip()
    if len(key) > 100:
        raise ValueError(_error(row, "識別子は100文字以内です。", "the id is over 100 characters."))
    if not question or len(question) > services.ENTRY_QUESTION_MAX_CHARS:
        raise ValueError(
            _error(
                row, "質問（1〜500文字）が必要です。", "a question (1–500 characters) is needed."
            )
        )
    if not answer or len(answer) > services.ENTRY_ANSWER_MAX_CHARS:
        raise ValueError(
            _error(
                row, "回答（1〜5,000文字）が必要です。", "an answer (1–5,000 characters) is needed."
            )
        )
    lines = [line.strip() for line in record.get("phrasings", "").splitlines()]
    phrasings = list(dict.fromkeys(line for line in lines if line))
    if len(phrasings) > services.ENTRY_PHRASINGS_MAX or any(
        len(p) > services.ENTRY_PHRASING_MAX_CHARS for p in phrasings
    ):
        raise ValueError(
            _error(
                row,
                "言い換えは50行まで、各500文字以内です。",
                "up to 50 phrasings of up to 500 characters each.",
            )
        )
    field_value = record.get("field", "").strip() or Field.OTHER
    field_value = _FIELD_BY_LABEL.get(field_value, field_value)
    if field_value not in Field.values:
        raise ValueError(
            _error(row, f"分野「{field_value}」はありません。", f"unknown field {field_value!r}.")
        )
    language = record.get("language", "").strip() or Language.JA
    if language not in Language.values:
        raise ValueError(
            _error(
                row,
                f"言語「{language}」はありません（ja / easy-ja / en）。",
                f"unknown language {language!r} (ja, easy-ja or en).",
            )
        )
    procedures = [line.strip() for line in record.get("procedures", "").splitlines()]
    procedures = list(dict.fromkeys(p for p in procedures if p))
    if len(procedures) > services.PROCEDURES_MAX or not all(
        services.PROCEDURE_SLUG.fullmatch(p) for p in procedures
    ):
        raise ValueError(
            _error(
                row,
                "関連する手続は、手続の識別子を1行に1つ（10件まで）書いてください。",
                "related procedures: one procedure slug a line (up to 10).",
            )
        )
    department = record.get("department", "").strip()
    if not department:
        raise ValueError(_error(row, "担当課のコードが必要です。", "a department code is needed."))
    return key, {
        "question": question,
        "phrasings": phrasings,
        "answer": answer,
        "field": field_value,
        "department": department,
        "procedures": procedures,
        "language": language,
    }


def _records(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return [], [_error(1, "見出しの行がありません。", "there is no header row.")]
        keys = [_HEADER_TO_KEY.get(_cell(h).strip().lstrip("\ufeff")) for h in header]
        missing = [
            label for key, label in CSV_COLUMNS if key in _REQUIRED_COLUMNS and key not in keys
        ]
        if missing:
            return [], [
                _error(
                    1,
                    f"見出しに「{'」「'.join(missing)}」がありません（書き出したCSVの見出しを使ってください）。",
                    f"the header lacks {', '.join(missing)} (use the exported file's header).",
                )
            ]
        records: list[tuple[int, dict[str, str]]] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= CSV_IMPORT_MAX_ROWS:
                return [], [
                    _error(
                        number, "行が多すぎます（5,000行まで）。", "too many rows (up to 5,000)."
                    )
                ]
            record = {
                key: _cell(cell) for key, cell in zip(keys, cells, strict=False) if key is not None
            }
            records.append((number, record))
    except csv.Error as exc:
        return [], [
            _error(
                reader.line_num,
                "CSVとして読めません（引用符の閉じ忘れなど）。",
                f"not valid CSV ({exc}).",
            )
        ]
    return records, []


def csv_import_plan(*, staff: Any, text: str) -> CsvImportPlan:
    """What importing ``text`` would do, row by row, with every error (nothing is written)."""
    plan = CsvImportPlan(digest=hashlib.sha256(text.encode()).hexdigest())
    records, plan.errors = _records(text)
    if plan.errors:
        return plan
    scope = services.entry_edit_scope(staff=staff)
    known = _known_departments() if scope is None else scope
    existing = {
        entry.key: entry
        for entry in Entry.objects.filter(collection__name=PUBLIC_COLLECTION).select_related(
            "pending_revision"
        )
    }
    seen: set[str] = set()
    for number, record in records:
        try:
            key, values = _row_values(record, number)
        except ValueError as exc:
            plan.errors.append(str(exc))
            continue
        if values["department"] not in known:
            plan.errors.append(
                _error(
                    number,
                    f"担当課「{values['department']}」のFAQは取り込めません（あなたの課のコードを書いてください）。",
                    f"you may not import entries of department {values['department']!r}.",
                )
            )
            continue
        if key and key in seen:
            plan.errors.append(
                _error(number, f"識別子「{key}」が重複しています。", f"duplicate id {key!r}.")
            )
            continue
        seen.add(key)
        row = CsvRow(row=number, key=key, values=values)
        entry = existing.get(key) if key else None
        if entry is not None and entry.deleted_at is not None:
            plan.errors.append(
                _error(
                    number,
                    f"識別子「{key}」のFAQは削除されています。",
                    f"{key!r} was deleted.",
                )
            )
            continue
        if entry is not None and entry.revision_of_id is not None:
            plan.errors.append(
                _error(
                    number,
                    f"識別子「{key}」は改訂案のものです。元のFAQの識別子を使ってください。",
                    f"{key!r} names a pending revision; use its entry's id.",
                )
            )
            continue
        if entry is None:
            row.action = "new"
        else:
            if not services.entry_can_edit(staff=staff, entry=entry):
                plan.errors.append(
                    _error(
                        number,
                        f"識別子「{key}」のFAQはほかの課のものです。",
                        f"{key!r} belongs to another department.",
                    )
                )
                continue
            row.entry = entry
            revision = getattr(entry, "pending_revision", None)
            same = any(
                all(_same(getattr(version, name), values[name]) for name in _ROW_FIELDS)
                for version in (entry, revision)
                if version is not None
            )
            row.action = "same" if same else "change"
        plan.rows.append(row)
    return plan


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, list):
        return [str(p) for p in current or []] == wanted
    return bool(current == wanted)


def csv_import_apply(*, staff: Any, text: str) -> CsvImportPlan:
    """Import ``text``: every new or changed row becomes a draft sent to review; all or nothing."""
    plan = csv_import_plan(staff=staff, text=text)
    if plan.errors:
        return plan
    with transaction.atomic():
        for row in plan.rows:
            if row.action == "same":
                continue
            try:
                if row.entry is None:
                    draft = services.entry_save_draft(staff=staff, values=row.values, key=row.key)
                else:
                    current = services.entry_working_copy(entry=row.entry)
                    values = {**row.values}
                    values["valid_from"] = current.valid_from
                    values["valid_until"] = current.valid_until
                    draft = services.entry_save_draft(staff=staff, values=values, entry=row.entry)
                services.entry_submit(staff=staff, draft=draft)
            except UkaiError as error:
                transaction.set_rollback(True)
                plan.errors.append(_error(row.row, error.message_ja, error.message_en))
                return plan
    return plan
