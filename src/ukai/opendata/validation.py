"""Validation and repair of the standard data sets, with messages by row and column in Japanese.

The schemas come from ``data/standards/``: the 2021 recommended data sets (columns,
required flags, types; NEC, MIT licence) and the column headers of the new edition of the
municipal standard data sets (Digital Agency, PDL1.0). Repairs are the defects seen in real
published files: lost leading zeros and missing check digits of 全国地方公共団体コード,
full-width digits, 和暦 dates, swapped 緯度/経度, padding spaces and Shift_JIS (CP932).
Structure and types are checked with frictionless after the repairs.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.lgcode import lgcode_normalize, lgcode_repair_leading_zero
from ukai.core.japanese.phone import phone_format
from ukai.core.japanese.postal import postal_code_format
from ukai.core.japanese.wareki import wareki_parse

STANDARDS_DIR = Path(__file__).resolve().parent / "data" / "standards"
MAX_ISSUES = 1000
LGCODE_COLUMNS = frozenset(
    {
        "全国地方公共団体コード",
        "都道府県コード又は市区町村コード",
        "市区町村コード",
        "所在地_全国地方公共団体コード",
    }
)
# Japan lies within these bounds (with a margin): 20°–46° N, 122°–154° E.
LATITUDE = (20.0, 46.0)
LONGITUDE = (122.0, 154.0)
_HEADER_FILES = {
    "指定緊急避難場所一覧": "03_指定緊急避難場所一覧.header.csv",
    "消防水利施設一覧": "14_消防水利施設一覧.header.csv",
    "食品等営業許可・届出一覧": "15_食品等営業許可・届出一覧.header.csv",
    "ゴミの分別方法一覧": "28_ゴミの分別方法一覧.header.csv",
}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    type: str = "string"


@dataclass(frozen=True)
class StandardSchema:
    """One layout of a standard data set (a data set may have two editions)."""

    standard: str
    edition: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class Issue:
    row: int | None  # line in the file (the header is line 1); None for the whole file
    column: str
    code: str
    message_ja: str
    message_en: str
    repaired: bool = False
    original: str = ""
    value: str = ""


@dataclass
class ValidationReport:
    standard: str
    edition: str
    encoding: str
    rows: int
    issues: list[Issue] = field(default_factory=list)
    repaired_content: bytes | None = None
    score: float = 100.0
    truncated: bool = False
    repair_count: int = 0
    error_count: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if not i.repaired]

    @property
    def repairs(self) -> list[Issue]:
        return [i for i in self.issues if i.repaired]

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "edition": self.edition,
            "encoding": self.encoding,
            "rows": self.rows,
            "score": self.score,
            "errors": max(self.error_count, len(self.errors)),
            "repairs": max(self.repair_count, len(self.repairs)),
            "truncated": self.truncated,
            "issues": [asdict(i) for i in self.issues],
        }


@functools.cache
def standard_schemas() -> dict[str, tuple[StandardSchema, ...]]:
    """Every known standard data set and its layouts, newest edition first."""
    found: dict[str, list[StandardSchema]] = {}
    columns: dict[str, list[Column]] = {}
    with (STANDARDS_DIR / "recommended-datasets-2021-columns.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            columns.setdefault(row["dataset"], []).append(
                Column(row["column"], row["required"] == "必須", row["type"])
            )
    for name, filename in _HEADER_FILES.items():
        with (STANDARDS_DIR / filename).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        typed = {c.name: c for c in columns.get(name, [])}
        layout = tuple(
            Column(h, False, typed[h].type if h in typed else _guess_type(h)) for h in header
        )
        found.setdefault(name, []).append(
            StandardSchema(name, "自治体標準オープンデータセット", layout)
        )
    for name, recommended in columns.items():
        found.setdefault(name, []).append(
            StandardSchema(name, "推奨データセット2021", tuple(recommended))
        )
    return {name: tuple(layouts) for name, layouts in found.items()}


def _guess_type(name: str) -> str:
    return "number" if name in ("緯度", "経度", "標高", "口径", "想定収容人数") else "string"


def _is_date_column(name: str) -> bool:
    return name.endswith("日") and not name.endswith("曜日")


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp932"), "cp932"  # UnicodeDecodeError propagates


def _choose_layout(standard: str, header: list[str]) -> StandardSchema:
    layouts = standard_schemas()[standard]
    return max(layouts, key=lambda layout: len(set(layout.names) & set(header)))


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


class _Collector:
    """Keeps the first ``MAX_ISSUES`` issues, and counts (and locates) all of them."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.truncated = False
        self.lines: set[int] = set()
        self.repairs = 0
        self.errors = 0

    def add(self, issue: Issue) -> None:
        if issue.row is not None and issue.row > 1:
            self.lines.add(issue.row)
        if issue.repaired:
            self.repairs += 1
        else:
            self.errors += 1
        if len(self.issues) >= MAX_ISSUES:
            self.truncated = True
            return
        self.issues.append(issue)


def _where(row: int, column: str) -> tuple[str, str]:
    return f"{row}行目「{column}」", f"line {row}, column {column}"


_PADDING = " \u3000\t"
_NFKC_COLUMNS = frozenset({"電話番号", "FAX番号", "郵便番号", "連絡先電話番号"})


_PHONE_COLUMNS = frozenset({"電話番号", "FAX番号", "連絡先電話番号", "施設電話番号"})


def _column_kind(column: Column) -> str:
    if column.name in LGCODE_COLUMNS:
        return "lgcode"
    if _is_date_column(column.name):
        return "date"
    if column.name in _PHONE_COLUMNS:
        return "phone"
    if column.name == "郵便番号":
        return "postal"
    if column.type == "number" or column.name in _NFKC_COLUMNS:
        return "nfkc"
    return "text"


def _repair_cell(value: str, column: Column, kind: str, row: int, out: _Collector) -> str:
    """Repair one cell where the rule is unambiguous; report what cannot be repaired."""
    if value and (value[0] in _PADDING or value[-1] in _PADDING):
        original = value
        value = value.strip(_PADDING)
        where_ja, where_en = _where(row, column.name)
        out.add(
            Issue(
                row,
                column.name,
                "padding_spaces",
                f"{where_ja}: 前後の空白を削除しました。",
                f"{where_en}: removed padding spaces.",
                True,
                original,
                value,
            )
        )
    if not value or kind == "text":
        return value
    if kind == "lgcode":
        return _repair_lgcode(value, column, row, out)
    if kind == "date":
        return _repair_date(value, column, row, out)
    if kind in ("phone", "postal"):
        return _repair_number_format(value, column, kind, row, out)
    if value.isascii():
        return value
    normalized = unicodedata.normalize("NFKC", value)
    if normalized != value:
        where_ja, where_en = _where(row, column.name)
        out.add(
            Issue(
                row,
                column.name,
                "full_width",
                f"{where_ja}: 全角の数字・記号を半角にしました。",
                f"{where_en}: converted full-width digits to ASCII.",
                True,
                value,
                normalized,
            )
        )
        value = normalized
    return value


def _repair_number_format(value: str, column: Column, kind: str, row: int, out: _Collector) -> str:
    """Telephone numbers as 058-265-4141, postal codes as 500-8701."""
    try:
        fixed = phone_format(value) if kind == "phone" else postal_code_format(value)
    except JapaneseInputError as exc:
        where_ja, where_en = _where(row, column.name)
        out.add(
            Issue(
                row,
                column.name,
                exc.code,
                f"{where_ja}: {exc.message_ja}",
                f"{where_en}: {exc.message_en}",
                False,
                value,
            )
        )
        return value
    if fixed != value:
        where_ja, where_en = _where(row, column.name)
        out.add(
            Issue(
                row,
                column.name,
                f"{kind}_format",
                f"{where_ja}: 「{value}」を {fixed} の形に直しました。",
                f"{where_en}: rewrote {value} as {fixed}.",
                True,
                value,
                fixed,
            )
        )
    return fixed


_ADDRESS_PARTS = ("所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下")
_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|.{2,3}県)")
_DISTRICT = re.compile(r"^(.{1,5}郡)")
_CITY = re.compile(r"^(.+?市.+?区|.+?[市区町村])")
_NUMBER_START = re.compile(r"[0-9０-９]")


@functools.cache
def _municipality_names() -> tuple[str, ...]:
    from .reference import GIFU_MUNICIPALITIES

    return tuple(sorted((m[1] for m in GIFU_MUNICIPALITIES), key=len, reverse=True))


def address_split(address: str) -> tuple[str, str, str, str] | None:
    """``岐阜県岐阜市司町40番地1`` → (岐阜県, 岐阜市, 司町, 40番地1); None if it cannot tell."""
    text = address.strip()
    prefecture = _PREFECTURE.match(text)
    if prefecture is None:
        return None
    rest = text[prefecture.end() :]
    district = _DISTRICT.match(rest)
    county = district.group(1) if district else ""
    after_county = rest[len(county) :]
    city = next((n for n in _municipality_names() if after_county.startswith(n)), None)
    if city is None:
        match = _CITY.match(after_county)
        if match is None:
            return None
        city = match.group(1)
    remainder = after_county[len(city) :]
    number = _NUMBER_START.search(remainder)
    town, block = (
        (remainder[: number.start()], remainder[number.start() :]) if number else (remainder, "")
    )
    return prefecture.group(1), county + city, town, block


def _repair_address(cells: dict[str, str], row: int, out: _Collector) -> None:
    """Join the address parts into 所在地_連結表記, or split a whole address into the parts."""
    if "所在地_連結表記" not in cells or not all(p in cells for p in _ADDRESS_PARTS):
        return
    joined = cells["所在地_連結表記"]
    parts = [cells[p] for p in _ADDRESS_PARTS]
    city_cell = cells["所在地_市区町村"]
    # A whole address put into 所在地_市区町村 (seen in published files).
    if city_cell and _PREFECTURE.match(city_cell) and not cells["所在地_町字"]:
        split = address_split(city_cell)
        if split is not None:
            for name, value in zip(_ADDRESS_PARTS, split, strict=True):
                cells[name] = value
            out.add(
                Issue(
                    row,
                    "所在地_市区町村",
                    "address_in_city_column",
                    f"{row}行目「所在地_市区町村」: 住所全体が入っていたため、都道府県・市区町村・町字・番地以下に分けました。",
                    f"line {row}: a whole address was in 所在地_市区町村; split it into its parts.",
                    True,
                    city_cell,
                    "/".join(split),
                )
            )
            parts = list(split)
            if not joined:
                cells["所在地_連結表記"] = "".join(split)
            return
    if not joined and any(parts):
        cells["所在地_連結表記"] = "".join(parts)
        out.add(
            Issue(
                row,
                "所在地_連結表記",
                "address_joined",
                f"{row}行目「所在地_連結表記」: 住所の各列をつないで補いました。",
                f"line {row}: filled 所在地_連結表記 from the address parts.",
                True,
                "",
                cells["所在地_連結表記"],
            )
        )
    elif joined and not any(parts):
        split = address_split(joined)
        if split is None:
            return
        for name, value in zip(_ADDRESS_PARTS, split, strict=True):
            cells[name] = value
        out.add(
            Issue(
                row,
                "所在地_町字",
                "address_split",
                f"{row}行目: 「所在地_連結表記」を都道府県・市区町村・町字・番地以下に分けました。",
                f"line {row}: split 所在地_連結表記 into its parts.",
                True,
                joined,
                "/".join(split),
            )
        )


@functools.lru_cache(maxsize=4096)
def _lgcode_valid(text: str) -> bool:
    """Codes repeat on every row: remember which are already right."""
    try:
        return lgcode_normalize(text) == text
    except JapaneseInputError:
        return False


def _repair_lgcode(value: str, column: Column, row: int, out: _Collector) -> str:
    if _lgcode_valid(value):
        return value
    where_ja, where_en = _where(row, column.name)
    text = unicodedata.normalize("NFKC", value).strip()
    lost_zero = lgcode_repair_leading_zero(text)
    if lost_zero is not None:
        out.add(
            Issue(
                row,
                column.name,
                "lgcode_leading_zero",
                f"{where_ja}: 先頭の0が欠けていたため {lost_zero} に直しました。",
                f"{where_en}: restored the lost leading zero ({lost_zero}).",
                True,
                value,
                lost_zero,
            )
        )
        return lost_zero
    try:
        fixed = lgcode_normalize(text)
    except JapaneseInputError as exc:
        out.add(
            Issue(
                row,
                column.name,
                exc.code,
                f"{where_ja}: {exc.message_ja}（値: {value}）",
                f"{where_en}: {exc.message_en} (value: {value})",
                False,
                value,
            )
        )
        return value
    if fixed != value:
        reason_ja = "検査数字を補いました" if len(text) == 5 else "全角数字を半角にしました"
        reason_en = "added the check digit" if len(text) == 5 else "converted full-width digits"
        out.add(
            Issue(
                row,
                column.name,
                "lgcode_repaired",
                f"{where_ja}: {reason_ja}（{fixed}）。",
                f"{where_en}: {reason_en} ({fixed}).",
                True,
                value,
                fixed,
            )
        )
    return fixed


def _repair_date(value: str, column: Column, row: int, out: _Collector) -> str:
    where_ja, where_en = _where(row, column.name)
    text = unicodedata.normalize("NFKC", value).strip()
    try:
        iso = date.fromisoformat(text).isoformat()
    except ValueError:
        iso = ""
    if iso:
        if iso != value:
            out.add(
                Issue(
                    row,
                    column.name,
                    "full_width",
                    f"{where_ja}: 全角の数字を半角にしました。",
                    f"{where_en}: converted full-width digits.",
                    True,
                    value,
                    iso,
                )
            )
        return iso
    slashed = text.replace("/", "-").replace(".", "-")
    parts = slashed.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        try:
            iso = date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
        except ValueError:
            iso = ""
    if not iso:
        try:
            iso = wareki_parse(text).isoformat()
        except JapaneseInputError:
            iso = ""
    if iso:
        out.add(
            Issue(
                row,
                column.name,
                "date_format",
                f"{where_ja}: 日付「{value}」を西暦の {iso} に直しました。",
                f"{where_en}: converted the date {value} to {iso}.",
                True,
                value,
                iso,
            )
        )
        return iso
    out.add(
        Issue(
            row,
            column.name,
            "date_invalid",
            f"{where_ja}: 「{value}」は日付として読めません。YYYY-MM-DD の形で入力してください。",
            f"{where_en}: {value} is not a date; use YYYY-MM-DD.",
            False,
            value,
        )
    )
    return value


def _check_coordinates(cells: dict[str, str], row: int, out: _Collector) -> None:
    lat_text, lon_text = cells.get("緯度", ""), cells.get("経度", "")
    if not lat_text or not lon_text:
        return
    lat, lon = _number(lat_text), _number(lon_text)
    if lat is None or lon is None:
        return  # the type check reports it
    inside = LATITUDE[0] <= lat <= LATITUDE[1] and LONGITUDE[0] <= lon <= LONGITUDE[1]
    swapped = LATITUDE[0] <= lon <= LATITUDE[1] and LONGITUDE[0] <= lat <= LONGITUDE[1]
    where_ja = f"{row}行目「緯度」「経度」"
    if not inside and swapped:
        cells["緯度"], cells["経度"] = lon_text, lat_text
        out.add(
            Issue(
                row,
                "緯度",
                "coordinates_swapped",
                f"{where_ja}: 緯度と経度が入れ替わっていたため入れ替えました。",
                f"line {row}: latitude and longitude were swapped; swapped them back.",
                True,
                f"{lat_text},{lon_text}",
                f"{lon_text},{lat_text}",
            )
        )
    elif not inside:
        out.add(
            Issue(
                row,
                "緯度",
                "coordinates_outside_japan",
                f"{where_ja}: 座標（{lat_text}, {lon_text}）が日本の範囲外です。",
                f"line {row}: the coordinates ({lat_text}, {lon_text}) are outside Japan.",
                False,
                f"{lat_text},{lon_text}",
            )
        )


_FRICTIONLESS_MESSAGES = {
    "type-error": (
        "の値「{cell}」は数値ではありません。単位や文字を含めず数値だけを入力してください。",
        "the value {cell} is not a number; enter digits only, without units.",
    ),
    "constraint-error": ("は必須です。値を入力してください。", "is required."),
    "missing-cell": (
        "の値がありません（列の数が足りません）。",
        "is missing (the row is too short).",
    ),
    "extra-cell": (
        "列の数が見出しより多くなっています。",
        "the row has more cells than the header.",
    ),
    "blank-row": ("空の行です。", "the row is blank."),
}


def _frictionless_issues(
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    layout: StandardSchema,
    out: _Collector,
) -> None:
    """Type and required checks of the repaired table (only the columns that have rules)."""
    from frictionless import Resource, Schema

    known = {c.name: c for c in layout.columns}
    checked = [
        (index, known[name])
        for index, name in enumerate(header)
        if name in known and (known[name].type == "number" or known[name].required)
    ]
    if not checked or not rows:
        return
    fields = []
    for _, column in checked:
        descriptor: dict[str, Any] = {"name": column.name, "type": "string"}
        if column.type == "number":
            descriptor["type"] = "number"
            descriptor["groupChar"] = ","
        if column.required:
            descriptor["constraints"] = {"required": True}
        fields.append(descriptor)
    schema = Schema.from_descriptor({"fields": fields})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for _, column in checked])
    writer.writerows(
        [row[index] if index < len(row) else "" for index, _ in checked] for row in rows
    )
    resource = Resource(
        data=buffer.getvalue().encode("utf-8"), format="csv", encoding="utf-8", schema=schema
    )
    # All errors, not the first MAX_ISSUES: each one takes its row out of the score.
    report = resource.validate(limit_errors=10_000_000)
    for kind, number, name, cell in report.flatten(["type", "rowNumber", "fieldName", "cell"]):
        if kind not in _FRICTIONLESS_MESSAGES or number is None:
            continue
        # frictionless counts the header as row 1; map back to the file's own lines.
        line = lines[number - 2] if 2 <= number < len(lines) + 2 else number
        message_ja, message_en = _FRICTIONLESS_MESSAGES[kind]
        where_ja, where_en = _where(line, name or "")
        out.add(
            Issue(
                line,
                name or "",
                kind,
                f"{where_ja}{message_ja.format(cell=cell)}",
                f"{where_en}: {message_en.format(cell=cell)}",
                False,
                str(cell or ""),
            )
        )


def standard_validate(*, content: bytes, standard: str) -> ValidationReport:
    """Check a CSV against a standard data set, repair what is unambiguous, report the rest."""
    if standard not in standard_schemas():
        raise KeyError(standard)
    out = _Collector()
    try:
        text, encoding = _decode(content)
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        report = ValidationReport(standard, "", "", 0, score=0.0)
        report.issues.append(
            Issue(
                line,
                "",
                "encoding",
                f"{line}行目: UTF-8 でも Shift_JIS（CP932）でも読めない文字があります。",
                f"line {line}: neither UTF-8 nor Shift_JIS (CP932).",
                False,
            )
        )
        return report
    if encoding == "cp932":
        out.add(
            Issue(
                None,
                "",
                "encoding_cp932",
                "文字コードが Shift_JIS（CP932）のため UTF-8 に変換しました。",
                "The file was Shift_JIS (CP932); converted it to UTF-8.",
                True,
            )
        )
    table: list[list[str]] = []
    table_lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if any(c.strip() for c in row):
                table.append(row)
                table_lines.append(reader.line_num)
    except csv.Error as exc:
        report = ValidationReport(standard, "", encoding, 0, score=0.0)
        report.issues.append(
            Issue(
                reader.line_num,
                "",
                "csv",
                f"{reader.line_num}行目: CSVとして読めません（{exc}）。",
                f"line {reader.line_num}: not valid CSV ({exc}).",
                False,
            )
        )
        return report
    if not table:
        return ValidationReport(standard, "", encoding, 0, out.issues, score=0.0)
    raw_header, rows, lines = table[0], table[1:], table_lines[1:]
    official = {
        unicodedata.normalize("NFKC", c.name): c.name
        for layout in standard_schemas()[standard]
        for c in layout.columns
    }
    header = []
    for name in raw_header:
        clean = unicodedata.normalize("NFKC", name).strip().lstrip("\ufeff")
        # Some files prefix every column with the data set's name.
        for prefix in (standard + "_", standard + "."):
            if clean.startswith(prefix):
                clean = clean[len(prefix) :]
        header.append(official.get(clean, clean))
    if header != raw_header:
        out.add(
            Issue(
                1,
                "",
                "header_normalized",
                "1行目（見出し）: 列名の表記（全角・空白・データセット名の接頭辞）を直しました。",
                "line 1 (header): normalised the column names.",
                True,
            )
        )
    layout = _choose_layout(standard, header)
    missing = [c.name for c in layout.columns if c.required and c.name not in header]
    for name in missing:
        out.add(
            Issue(
                1,
                name,
                "missing_column",
                f"1行目（見出し）: 必須の列「{name}」がありません。",
                f"line 1 (header): the required column {name} is missing.",
                False,
            )
        )
    known = {c.name: c for c in layout.columns}
    for name in header:
        if name not in known:
            out.add(
                Issue(
                    1,
                    name,
                    "unknown_column",
                    f"1行目（見出し）: 「{name}」は{standard}（{layout.edition}）の列ではありません。",
                    f"line 1 (header): {name} is not a column of {standard}.",
                    False,
                )
            )
    plan = []
    for name in header:
        column = known.get(name, Column(name))
        plan.append((name, column, _column_kind(column)))
    repaired_rows: list[list[str]] = []
    for row, line in zip(rows, lines, strict=True):
        if len(row) != len(header):
            out.add(
                Issue(
                    line,
                    "",
                    "row_width",
                    f"{line}行目: 列の数（{len(row)}）が見出し（{len(header)}）と違います。",
                    f"line {line}: {len(row)} cells, but the header has {len(header)}.",
                    False,
                )
            )
        cells = {}
        for index, (name, column, kind) in enumerate(plan):
            value = row[index] if index < len(row) else ""
            cells[name] = _repair_cell(value, column, kind, line, out)
        _check_coordinates(cells, line, out)
        _repair_address(cells, line, out)
        repaired_rows.append([cells[name] for name in header] + row[len(header) :])
    _frictionless_issues(header, repaired_rows, lines, layout, out)
    # A row complies when it needed no repair and has no error.
    bad_lines = out.lines
    required = [c for c in layout.columns if c.required]
    column_share = (len(required) - len(missing)) / len(required) if required else 1.0
    row_share = (len(rows) - len(bad_lines)) / len(rows) if rows else 0.0
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *repaired_rows])
    repaired = buffer.getvalue().encode("utf-8")
    out.issues.sort(key=lambda i: (i.row or 0, i.column))
    return ValidationReport(
        standard=standard,
        edition=layout.edition,
        encoding=encoding,
        rows=len(rows),
        issues=out.issues,
        repaired_content=repaired if out.repairs else None,
        score=round(100.0 * column_share * row_share, 1),
        truncated=out.truncated,
        repair_count=out.repairs,
        error_count=out.errors,
    )
