"""Field types of a form zone: normalising a read or typed value and validating it.

Plain Python on ``core.japanese``: digits are NFKC-normalised, 和暦 dates parsed
leniently, postal codes and phone numbers normalised and formatted, フリガナ checked.
Names and addresses keep their exact characters (variant kanji included); the OCR
engine may have read a variant as its common form, so staff always review them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.kana import kana_validate
from ukai.core.japanese.names import name_validate
from ukai.core.japanese.phone import phone_format, phone_normalize
from ukai.core.japanese.postal import postal_code_format, postal_code_normalize
from ukai.core.japanese.wareki import wareki_format, wareki_parse

FIELD_TYPES: dict[str, Any] = {
    "text": _("文字"),
    "name": _("氏名"),
    "address": _("住所"),
    "kana": _("フリガナ"),
    "digits": _("数字"),
    "date": _("日付（和暦）"),
    "postal_code": _("郵便番号"),
    "phone": _("電話番号"),
    "checkbox": _("チェックボックス"),
    "seal": _("押印の有無"),
}
MARK_TYPES = frozenset({"checkbox", "seal"})
# Confidence does not catch a wrong variant kanji: these are always shown for review.
ALWAYS_REVIEW_TYPES = frozenset({"name", "address"})
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ─━", "-"))
RULE_KEYS = frozenset(
    {"required", "min_length", "max_length", "pattern", "min", "max", "not_future"}
)


@dataclass(frozen=True)
class FieldCheck:
    """A value as it is kept (``value``), and whether it passed its type and rules."""

    value: str
    valid: bool
    code: str = ""
    message_ja: str = ""
    message_en: str = ""


def _fail(value: str, code: str, ja: str, en: str) -> FieldCheck:
    return FieldCheck(value=value, valid=False, code=code, message_ja=ja, message_en=en)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _normalise(field_type: str, text: str) -> str:
    """The value in its kept form; raises ``JapaneseInputError`` when the type rejects it."""
    if field_type in MARK_TYPES:
        folded = unicodedata.normalize("NFKC", text).strip().lower()
        if folded in ("1", "true", "on", "yes", "✓", "レ", "有", "あり"):
            return "1"
        if folded in ("", "0", "false", "off", "no", "無", "なし"):
            return "0"
        raise JapaneseInputError(
            code="mark_value",
            message_ja="チェックの有無は 1（あり）か 0（なし）で入力してください。",
            message_en="Enter 1 (marked) or 0 (not marked).",
        )
    if field_type == "name":
        # Keep variant kanji; separate family and given name by one full-width space.
        return "　".join(name_validate(text).split())
    if field_type == "address":
        return "".join(text.split())
    if field_type == "kana":
        return "　".join(kana_validate(text).split())
    if field_type == "digits":
        digits = "".join(unicodedata.normalize("NFKC", text).split())
        if not digits.isascii() or not digits.isdigit():
            raise JapaneseInputError(
                code="digits_only",
                message_ja=f"「{text.strip()}」は数字だけで入力してください。",
                message_en=f"“{text.strip()}” must contain digits only.",
            )
        return digits
    if field_type == "date":
        return wareki_format(wareki_parse(text))
    if field_type == "postal_code":
        return postal_code_format(postal_code_normalize(text))
    if field_type == "phone":
        digits = phone_normalize(text)
        # Keep the hyphens as written when they are plausible: the area code table
        # cannot tell 058-717-… from 0587-17-…, the person who wrote it can.
        written = unicodedata.normalize("NFKC", text).strip().translate(_HYPHENS)
        groups = written.split("-")
        if len(groups) == 3 and "".join(groups) == digits and all(g.isdigit() for g in groups):
            return written
        return phone_format(digits)
    return _collapse(unicodedata.normalize("NFC", text))


def _rules(value: str, rules: dict[str, Any], field_type: str) -> FieldCheck:
    length = len(value)
    if (
        field_type == "date"
        and rules.get("not_future")
        and wareki_parse(value) > timezone.localdate()
    ):
        return _fail(
            value,
            "date_in_future",
            "未来の日付は入力できません。",
            "The date cannot be in the future.",
        )
    if "min_length" in rules and length < int(rules["min_length"]):
        return _fail(
            value,
            "too_short",
            f"{rules['min_length']}文字以上で入力してください。",
            f"Enter at least {rules['min_length']} characters.",
        )
    if "max_length" in rules and length > int(rules["max_length"]):
        return _fail(
            value,
            "too_long",
            f"{rules['max_length']}文字以内で入力してください。",
            f"Enter at most {rules['max_length']} characters.",
        )
    if "pattern" in rules and not re.fullmatch(str(rules["pattern"]), value):
        return _fail(
            value,
            "pattern",
            "決められた形式で入力してください。",
            "The value does not have the expected form.",
        )
    if ("min" in rules or "max" in rules) and value.isdigit():
        number = int(value)
        if "min" in rules and number < int(rules["min"]):
            return _fail(
                value,
                "too_small",
                f"{rules['min']}以上の数を入力してください。",
                f"Enter a number of at least {rules['min']}.",
            )
        if "max" in rules and number > int(rules["max"]):
            return _fail(
                value,
                "too_large",
                f"{rules['max']}以下の数を入力してください。",
                f"Enter a number of at most {rules['max']}.",
            )
    return FieldCheck(value=value, valid=True)


def field_check(field_type: str, text: str, rules: dict[str, Any] | None = None) -> FieldCheck:
    """Normalise ``text`` for a zone of ``field_type`` and check it against ``rules``."""
    rules = rules or {}
    raw = text.strip()
    if not raw and field_type not in MARK_TYPES:
        if rules.get("required"):
            return _fail("", "required", "入力してください。", "This field is required.")
        return FieldCheck(value="", valid=True)
    try:
        value = _normalise(field_type, raw)
    except JapaneseInputError as error:
        return _fail(raw, error.code, error.message_ja, error.message_en)
    return _rules(value, rules, field_type)


_DATE_REPAIRS = (("今和", "令和"), ("平戍", "平成"))


def ocr_repair(field_type: str, text: str) -> str:
    """Undo confusions the recogniser makes on a type's few characters (never on names)."""
    if field_type == "date":
        for wrong, right in _DATE_REPAIRS:
            text = text.replace(wrong, right)
        # 日 after the day's digits is read as H or 口 in small print.
        text = re.sub(r"(?<=\d)[H口]$", "日", text.strip())
    return text


def comparable(field_type: str, text: str) -> str:
    """A value as evaluation compares it: normalised where the type allows, no spaces."""
    check = field_check(field_type, text)
    value = check.value if check.valid else text
    return "".join(value.split())
