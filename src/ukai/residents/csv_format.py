"""The CSV a core resident system exports: columns, and parsing one row into checked values.

Plain Python (no Django). One row per person; the household's columns repeat on
every member's row. The header names are the item names of the 住民記録システム
標準仕様書 where they are known; ``COLUMNS`` is the documented mapping
(docs/residents.md). Every problem is a ``RowError`` with the row number (the
header is row 1) and the column, in Japanese and English.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.kana import kana_validate
from ukai.core.japanese.names import name_validate
from ukai.core.japanese.postal import postal_code_normalize
from ukai.core.japanese.wareki import wareki_parse

from .keys import address_key, kana_key, name_key


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool
    description: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "宛名番号", "person_id", True, "基幹系の個人の番号（取込のキー）", ("個人番号（基幹系）",)
    ),
    Column("住民票コード", "resident_code", False, "11桁の数字"),
    Column("世帯番号", "household_number", True, "世帯の番号"),
    Column("氏名", "name", True, "氏と名の間に空白（全角・半角）"),
    Column("氏名フリガナ", "kana", False, "カタカナ（ひらがな・半角カナも可）", ("フリガナ",)),
    Column("生年月日", "birth_date", True, "和暦または西暦"),
    Column("性別", "sex", True, "1（男）／2（女）、または 男／女"),
    Column("続柄", "relationship", True, "世帯主、妻、子 など"),
    Column("郵便番号", "postal_code", False, "7桁"),
    Column("住所", "address", True, "町字まで（例：岐阜県岐阜市司町）"),
    Column("番地", "banchi", False, "例：40番地1"),
    Column("方書", "katagaki", False, "建物名・部屋番号"),
    Column(
        "住民となった日", "became_resident_on", False, "和暦または西暦", ("住民となった年月日",)
    ),
    Column("住民状態", "status", False, "在籍／転出／死亡（空欄は在籍）"),
    Column("異動事由", "reason", False, "転入、転居、出生、転出、死亡、世帯変更、氏名変更、その他"),
    Column("異動日", "occurred_on", False, "異動事由があるときは必須"),
    Column("届出日", "notified_on", False, "和暦または西暦"),
)

SEX_VALUES = {"1": "1", "男": "1", "男性": "1", "2": "2", "女": "2", "女性": "2"}
STATUS_VALUES = {
    "": "active",
    "在籍": "active",
    "住民": "active",
    "転出": "moved_out",
    "死亡": "deceased",
}
REASON_VALUES = {
    "転入": "tennyu",
    "転居": "tenkyo",
    "出生": "shussei",
    "転出": "tenshutsu",
    "死亡": "shibou",
    "世帯変更": "setai_henko",
    "氏名変更": "shimei_henko",
    "その他": "other",
}
HEAD_OF_HOUSEHOLD = "世帯主"
_JAPAN = ZoneInfo("Asia/Tokyo")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE = re.compile(r"[0-9A-Za-z-]{1,20}")
_RESIDENT_CODE = re.compile(r"\d{11}")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message_ja: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.row}行目「{self.column}」: {self.message_ja} / row {self.row}, {self.column}: {self.message_en}"


@dataclass(frozen=True)
class HouseholdRow:
    household_number: str
    postal_code: str
    address: str
    banchi: str
    katagaki: str

    @property
    def address_key(self) -> str:
        return address_key(self.address + self.banchi)

    def digest(self, head_name: str) -> str:
        return _digest(
            self.household_number,
            self.postal_code,
            self.address,
            self.banchi,
            self.katagaki,
            head_name,
        )


@dataclass(frozen=True)
class PersonRow:
    row: int
    person_id: str
    resident_code: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date
    sex: str
    relationship: str
    became_resident_on: date | None
    status: str
    reason: str
    occurred_on: date | None
    notified_on: date | None
    household: HouseholdRow

    @property
    def name_key(self) -> str:
        return name_key(self.family_name + self.given_name)

    @property
    def kana_key(self) -> str:
        return kana_key(self.family_name_kana + self.given_name_kana)

    @property
    def is_head(self) -> bool:
        return self.relationship == HEAD_OF_HOUSEHOLD

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()

    def digest(self) -> str:
        return _digest(
            self.person_id,
            self.resident_code,
            self.household.household_number,
            self.family_name,
            self.given_name,
            self.family_name_kana,
            self.given_name_kana,
            self.birth_date.isoformat(),
            self.sex,
            self.relationship,
            self.became_resident_on.isoformat() if self.became_resident_on else "",
            self.status,
        )


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def header_map(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by field name, or errors for required columns that are missing."""
    positions: dict[str, int] = {}
    cleaned = [unicodedata.normalize("NFKC", h).strip().lstrip("\ufeff") for h in header]
    errors = []
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            normalized = unicodedata.normalize("NFKC", name)
            if normalized in cleaned:
                positions[column.field] = cleaned.index(normalized)
                break
        else:
            if column.required:
                errors.append(
                    RowError(
                        1,
                        column.header,
                        "column_missing",
                        f"必須の列「{column.header}」が見つかりません。",
                        f"The required column “{column.header}” is missing.",
                    )
                )
    return positions, errors


def _split(text: str) -> tuple[str, str]:
    parts = re.split(r"[ \u3000]+", text.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")


class _RowReader:
    def __init__(self, row: int, values: list[str], positions: dict[str, int]) -> None:
        self.row = row
        self.values = values
        self.positions = positions
        self.errors: list[RowError] = []

    def raw(self, field: str) -> str:
        index = self.positions.get(field)
        if index is None or index >= len(self.values):
            return ""
        return self.values[index].strip()

    def header(self, field: str) -> str:
        return next(c.header for c in COLUMNS if c.field == field)

    def fail(self, field: str, code: str, message_ja: str, message_en: str) -> None:
        self.errors.append(RowError(self.row, self.header(field), code, message_ja, message_en))

    def from_error(self, field: str, error: JapaneseInputError) -> None:
        self.fail(field, error.code, error.message_ja, error.message_en)

    def required(self, field: str) -> str:
        value = self.raw(field)
        if not value:
            self.fail(field, "required", "値がありません。", "The value is missing.")
        return value

    def date(self, field: str, *, required: bool) -> date | None:
        value = self.required(field) if required else self.raw(field)
        if not value:
            return None
        if _ISO_DATE.fullmatch(value):
            # The common case in a machine export; anything else goes to the lenient parser.
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        try:
            return wareki_parse(value)
        except JapaneseInputError as error:
            self.from_error(field, error)
            return None

    def code(self, field: str) -> str:
        value = unicodedata.normalize("NFKC", self.required(field))
        if value and not _CODE.fullmatch(value):
            self.fail(
                field,
                "code_format",
                f"「{value[:30]}」は番号として読み取れません（英数字20文字以内）。",
                f"“{value[:30]}” is not a valid number (up to 20 letters or digits).",
            )
        return value

    def choice(self, field: str, table: dict[str, str], *, required: bool) -> str:
        value = unicodedata.normalize("NFKC", self.required(field) if required else self.raw(field))
        if not value and required:
            return ""
        if value not in table:
            allowed = "、".join(k for k in table if k)
            self.fail(
                field,
                "choice",
                f"「{value[:30]}」は使えません（{allowed}のいずれか）。",
                f"“{value[:30]}” is not allowed (one of {allowed}).",
            )
            return ""
        return table[value]


def person_row_parse(
    row: int, values: list[str], positions: dict[str, int]
) -> tuple[PersonRow | None, list[RowError]]:
    """Check one data row; return the parsed person, or None and every error found in it."""
    reader = _RowReader(row, values, positions)
    person_id = reader.code("person_id")
    household_number = reader.code("household_number")
    resident_code = unicodedata.normalize("NFKC", reader.raw("resident_code"))
    if resident_code and not _RESIDENT_CODE.fullmatch(resident_code):
        reader.fail(
            "resident_code",
            "resident_code_format",
            "住民票コードは11桁の数字です。",
            "A resident code has 11 digits.",
        )
    family_name = given_name = ""
    raw_name = reader.required("name")
    if raw_name:
        try:
            family_name, given_name = _split(name_validate(raw_name))
        except JapaneseInputError as error:
            reader.from_error("name", error)
    family_kana = given_kana = ""
    raw_kana = reader.raw("kana")
    if raw_kana:
        try:
            family_kana, given_kana = _split(kana_validate(raw_kana))
        except JapaneseInputError as error:
            reader.from_error("kana", error)
    birth_date = reader.date("birth_date", required=True)
    sex = reader.choice("sex", SEX_VALUES, required=True)
    relationship = unicodedata.normalize("NFKC", reader.required("relationship"))[:30]
    postal_code = ""
    raw_postal = reader.raw("postal_code")
    if raw_postal:
        try:
            postal_code = postal_code_normalize(raw_postal)
        except JapaneseInputError as error:
            reader.from_error("postal_code", error)
    address = reader.required("address")
    banchi = unicodedata.normalize("NFKC", reader.raw("banchi"))
    katagaki = reader.raw("katagaki")
    became_resident_on = reader.date("became_resident_on", required=False)
    status = reader.choice("status", STATUS_VALUES, required=False)
    reason = reader.choice("reason", REASON_VALUES, required=False) if reader.raw("reason") else ""
    occurred_on = reader.date("occurred_on", required=bool(reason))
    notified_on = reader.date("notified_on", required=False)
    if birth_date and birth_date > datetime.now(tz=_JAPAN).date():
        reader.fail(
            "birth_date",
            "birth_date_future",
            "生年月日が未来の日付です。",
            "The date of birth is in the future.",
        )
    if reader.errors or birth_date is None:
        return None, reader.errors
    return (
        PersonRow(
            row=row,
            person_id=person_id,
            resident_code=resident_code,
            family_name=family_name,
            given_name=given_name,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            birth_date=birth_date,
            sex=sex,
            relationship=relationship,
            became_resident_on=became_resident_on,
            status=status or "active",
            reason=reason,
            occurred_on=occurred_on,
            notified_on=notified_on,
            household=HouseholdRow(
                household_number=household_number,
                postal_code=postal_code,
                address=address[:200],
                banchi=banchi[:100],
                katagaki=katagaki[:200],
            ),
        ),
        [],
    )
