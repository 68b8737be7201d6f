"""Checking a resident's answers against a form definition, on the server.

``form_validate`` never raises for bad answers: it returns the cleaned, typed
values and a list of field-level errors, each with a path (``children.1.birth_date``),
a stable code and a Japanese and an English message.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils import timezone

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.kana import kana_validate
from ukai.core.japanese.names import name_validate
from ukai.core.japanese.phone import phone_format, phone_normalize
from ukai.core.japanese.postal import postal_code_format, postal_code_lookup, postal_code_normalize
from ukai.core.japanese.wareki import wareki_format, wareki_parse

from .formspec import DECLARED_ONLY_TYPES, Condition, FieldSpec, FormSpec, form_spec_parse

DEFAULT_MAX_LENGTH = {"text": 200, "address": 200}
DEFAULT_MULTILINE_MAX_LENGTH = 2000
MAX_EMAIL_LENGTH = 254
MAX_NUMBER_INPUT = 40
_email_validator = EmailValidator()
# Plain decimal notation only: no exponents (1e999999), NaN or Infinity.
_NUMBER_PATTERN = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
# Line breaks and tabs are allowed in multi-line text only; other control,
# bidirectional-override and unassigned/private characters never.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


@dataclass(frozen=True)
class FieldError:
    path: str
    code: str
    message_ja: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "message_ja": self.message_ja,
            "message_en": self.message_en,
        }


class _Invalid(Exception):
    def __init__(self, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(code)
        self.code = code
        self.message_ja = message_ja
        self.message_en = message_en


def _from_japanese(error: JapaneseInputError) -> _Invalid:
    return _Invalid(error.code, error.message_ja, error.message_en)


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def _as_text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid("type", "文字で入力してください。", "Enter text.")
    return str(value)


def _check_characters(text: str, *, multiline: bool) -> None:
    for char in text:
        if multiline and char in "\n\t\r":
            continue
        category = unicodedata.category(char)
        if char in _BIDI_CONTROLS or category in {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}:
            raise _Invalid(
                "invalid_char",
                f"使えない文字が含まれています（U+{ord(char):04X}）。",
                f"The text contains a character that is not allowed (U+{ord(char):04X}).",
            )


def _clean_text(spec: FieldSpec, value: object) -> str:
    text = _as_text(value).strip()
    limit = spec.max_length or (
        DEFAULT_MULTILINE_MAX_LENGTH if spec.multiline else DEFAULT_MAX_LENGTH.get(spec.type, 200)
    )
    if len(text) > limit:
        raise _Invalid(
            "too_long",
            f"{limit}文字以内で入力してください（入力は{len(text)}文字）。",
            f"Enter at most {limit} characters (you entered {len(text)}).",
        )
    _check_characters(text, multiline=spec.multiline)
    return text


def _clean_name(text: str) -> str:
    try:
        name = name_validate(text)
    except JapaneseInputError as exc:
        raise _from_japanese(exc) from None
    for char in name:
        # Family registers hold no pictographs: 😀 is not part of anyone's name.
        if unicodedata.category(char) in {"So", "Co", "Cn"}:
            raise _Invalid(
                "name_invalid_char",
                f"氏名に使えない文字が含まれています（U+{ord(char):04X}）。",
                f"The name contains a character that is not allowed (U+{ord(char):04X}).",
            )
    return name


def _clean_kana(text: object) -> str:
    try:
        return kana_validate(_as_text(text))
    except JapaneseInputError as exc:
        raise _from_japanese(exc) from None


def _clean_date(spec: FieldSpec, value: object) -> date:
    if isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = wareki_parse(_as_text(value))
        except JapaneseInputError as exc:
            raise _from_japanese(exc) from None
    today = timezone.localdate()
    if spec.not_future and parsed > today:
        raise _Invalid(
            "date_in_future",
            f"未来の日付（{wareki_format(parsed)}）は入力できません。",
            f"The date cannot be in the future ({parsed.isoformat()}).",
        )
    if spec.not_past and parsed < today:
        raise _Invalid(
            "date_in_past",
            f"過去の日付（{wareki_format(parsed)}）は入力できません。",
            f"The date cannot be in the past ({parsed.isoformat()}).",
        )
    return parsed


def _clean_postal_code(value: object) -> str:
    try:
        digits = postal_code_normalize(_as_text(value))
    except JapaneseInputError as exc:
        raise _from_japanese(exc) from None
    if not postal_code_lookup(digits):
        shown = postal_code_format(digits)
        raise _Invalid(
            "postal_unknown",
            f"郵便番号{shown}は見つかりませんでした。番号をご確認ください。",
            f"The postal code {shown} was not found; please check it.",
        )
    return postal_code_format(digits)


def _clean_phone(value: object) -> str:
    try:
        return phone_format(phone_normalize(_as_text(value)))
    except JapaneseInputError as exc:
        raise _from_japanese(exc) from None


def _clean_email(value: object) -> str:
    text = unicodedata.normalize("NFKC", _as_text(value)).strip()
    if len(text) > MAX_EMAIL_LENGTH:
        raise _Invalid(
            "too_long",
            f"メールアドレスは{MAX_EMAIL_LENGTH}文字以内で入力してください。",
            f"An e-mail address is at most {MAX_EMAIL_LENGTH} characters long.",
        )
    try:
        _email_validator(text)
    except DjangoValidationError:
        raise _Invalid(
            "email_format",
            "メールアドレスの形式が正しくありません（例：taro@example.jp）。",
            "Enter a valid e-mail address (e.g. taro@example.jp).",
        ) from None
    return text


def _clean_number(spec: FieldSpec, value: object) -> int | Decimal:
    if isinstance(value, bool):
        raise _Invalid("number_format", "数字で入力してください。", "Enter a number.")
    text = unicodedata.normalize("NFKC", _as_text(value)).strip().replace(",", "")
    if len(text) > MAX_NUMBER_INPUT:
        raise _Invalid("number_format", "数字が長すぎます。", "The number is too long.")
    try:
        if not _NUMBER_PATTERN.fullmatch(text):
            raise InvalidOperation
        number = Decimal(text)
    except InvalidOperation:
        raise _Invalid(
            "number_format",
            f"「{text[:20]}」は数字として読み取れません。半角または全角の数字で入力してください。",
            f"“{text[:20]}” is not a number.",
        ) from None
    if spec.integer and number != number.to_integral_value():
        raise _Invalid("number_integer", "整数で入力してください。", "Enter a whole number.")
    if spec.min is not None and number < Decimal(str(spec.min)):
        shown = _show_number(spec.min)
        raise _Invalid(
            "number_min", f"{shown}以上の数を入力してください。", f"Enter {shown} or more."
        )
    if spec.max is not None and number > Decimal(str(spec.max)):
        shown = _show_number(spec.max)
        raise _Invalid(
            "number_max", f"{shown}以下の数を入力してください。", f"Enter {shown} or less."
        )
    return int(number) if spec.integer else number


def _show_number(value: float) -> str:
    return str(int(value)) if math.isfinite(value) and value == int(value) else str(value)


def _clean_choice(spec: FieldSpec, value: object) -> str | list[str]:
    allowed = {c.value for c in spec.choices}
    values = value if isinstance(value, list) else [value]
    if not spec.multiple and len(values) != 1:
        raise _Invalid("choice_one", "選択肢を一つ選んでください。", "Choose one option.")
    chosen = []
    for item in values:
        if not isinstance(item, str) or item not in allowed:
            raise _Invalid(
                "choice_invalid",
                "選択肢の中から選んでください。",
                "Choose one of the options shown.",
            )
        if item not in chosen:
            chosen.append(item)
    return chosen if spec.multiple else chosen[0]


_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0", ""}


def _clean_checkbox(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Invalid(
        "checkbox_invalid", "チェックの値が正しくありません。", "Invalid checkbox value."
    )


def _clean_name_field(spec: FieldSpec, value: object, path: str) -> tuple[Any, list[FieldError]]:
    errors: list[FieldError] = []
    if not spec.reading:
        try:
            return _clean_name(_as_text(value)), errors
        except _Invalid as exc:
            return None, [FieldError(path, exc.code, exc.message_ja, exc.message_en)]
    if not isinstance(value, dict):
        value = {"name": value}
    cleaned: dict[str, str] = {}
    for part in ("name", "kana"):
        raw = value.get(part)
        if _is_empty(raw):
            message = ("氏名を入力してください。", "Enter the name.")
            if part == "kana":
                message = ("フリガナを入力してください。", "Enter the reading in katakana.")
            errors.append(FieldError(f"{path}.{part}", "required", *message))
            continue
        try:
            cleaned[part] = _clean_name(_as_text(raw)) if part == "name" else _clean_kana(raw)
        except _Invalid as exc:
            errors.append(FieldError(f"{path}.{part}", exc.code, exc.message_ja, exc.message_en))
    return (cleaned if not errors else None), errors


def _clean_file(spec: FieldSpec, value: object) -> dict[str, Any]:
    """A stored upload's description (made by ``attachments``, never typed by a resident)."""
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("attachment"), str)
        or not isinstance(value.get("size"), int)
        or not isinstance(value.get("type"), str)
    ):
        raise _Invalid(
            "file_invalid", "添付ファイルの形式が正しくありません。", "Invalid attachment."
        )
    if spec.accept and value["type"] not in spec.accept:
        raise _Invalid(
            "file_type",
            "この種類のファイルは添付できません。",
            "This kind of file cannot be attached.",
        )
    if spec.max_bytes is not None and value["size"] > spec.max_bytes:
        raise _Invalid(
            "file_too_large",
            "添付ファイルが大きすぎます。",
            "The attachment is too large.",
        )
    return {k: value[k] for k in ("attachment", "name", "type", "size") if k in value}


def _clean_scalar(spec: FieldSpec, value: object) -> Any:
    match spec.type:
        case "text" | "address":
            return _clean_text(spec, value)
        case "kana":
            return _clean_kana(value)
        case "date":
            return _clean_date(spec, value)
        case "postal_code":
            return _clean_postal_code(value)
        case "phone":
            return _clean_phone(value)
        case "email":
            return _clean_email(value)
        case "number":
            return _clean_number(spec, value)
        case "choice":
            return _clean_choice(spec, value)
        case "checkbox":
            return _clean_checkbox(value)
        case "file":
            return _clean_file(spec, value)
        case "signature":
            cleaned = _clean_file(spec, value)
            if cleaned["type"] != "image/png":
                raise _Invalid(
                    "signature_invalid", "署名の形式が正しくありません。", "Invalid signature."
                )
            return cleaned
    raise AssertionError(spec.type)  # pragma: no cover - every type is handled above


def condition_holds(condition: Condition, values: dict[str, Any]) -> bool:
    """Evaluate a condition against cleaned values (a hidden or invalid field counts as empty)."""
    if condition.all is not None:
        return all(condition_holds(c, values) for c in condition.all)
    if condition.any is not None:
        return any(condition_holds(c, values) for c in condition.any)
    if condition.not_ is not None:
        return not condition_holds(condition.not_, values)
    assert condition.field is not None
    value = values.get(condition.field)
    if condition.filled is not None:
        return (not _is_empty(value) and value is not False) == condition.filled
    if condition.in_ is not None:
        options = condition.in_
        if isinstance(value, list):
            return any(v in options for v in value)
        return value in options
    if isinstance(value, list):
        return condition.equals in value
    # bool is an int in Python: only a bool equals a bool.
    if isinstance(condition.equals, bool) or isinstance(value, bool):
        return type(value) is type(condition.equals) and value == condition.equals
    return value == condition.equals


# The counter's single signature: the resident signs the counter's batch once (on paper or on
# the counter's screen) and every signature field of that visit's forms names that signature.
COUNTER_SIGNATURE_KEY = "counter_signature"
MAX_COUNTER_SIGNATURE_REFERENCE = 100


def counter_signature(reference: str) -> dict[str, str]:
    """The answer of a ``signature`` field signed once at the counter (``reference``: the visit's)."""
    return {COUNTER_SIGNATURE_KEY: reference}


def _clean_counter_signature(value: dict[str, Any]) -> dict[str, str]:
    reference = value.get(COUNTER_SIGNATURE_KEY)
    if (
        not isinstance(reference, str)
        or not reference.strip()
        or len(reference) > MAX_COUNTER_SIGNATURE_REFERENCE
        or not reference.isprintable()
    ):
        raise _Invalid("signature_invalid", "署名の形式が正しくありません。", "Invalid signature.")
    return {COUNTER_SIGNATURE_KEY: reference.strip()}


class _Validator:
    def __init__(self, *, at_counter: bool = False) -> None:
        self.errors: list[FieldError] = []
        # At the counter staff sight the documents (no file is required) and the resident
        # signs once for every form of the visit.
        self.at_counter = at_counter

    def fields(
        self,
        specs: list[FieldSpec],
        data: dict[str, Any],
        *,
        prefix: str,
        outer: dict[str, Any],
    ) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for spec in specs:
            scope = {**outer, **cleaned}
            if spec.show_when is not None and not condition_holds(spec.show_when, scope):
                continue  # hidden: its answer is neither checked nor kept
            if spec.type in DECLARED_ONLY_TYPES:
                continue  # declared, not answered online
            path = f"{prefix}{spec.key}"
            required = spec.required or (
                spec.required_when is not None and condition_holds(spec.required_when, scope)
            )
            if self.at_counter and spec.type == "file":
                required = False
            value = data.get(spec.key)
            if spec.type == "group":
                items = self.group(spec, value, path=path, required=required, outer=scope)
                if items is not None:
                    cleaned[spec.key] = items
                continue
            if _is_empty(value) or (spec.type == "checkbox" and value is False):
                if required:
                    self.errors.append(_required(spec, path))
                elif spec.type == "checkbox":
                    cleaned[spec.key] = False
                continue
            if spec.type == "name":
                result, errors = _clean_name_field(spec, value, path)
                self.errors.extend(errors)
                if result is not None:
                    cleaned[spec.key] = result
                continue
            try:
                if (
                    self.at_counter
                    and spec.type == "signature"
                    and isinstance(value, dict)
                    and COUNTER_SIGNATURE_KEY in value
                ):
                    result = _clean_counter_signature(value)
                else:
                    result = _clean_scalar(spec, value)
            except _Invalid as exc:
                self.errors.append(FieldError(path, exc.code, exc.message_ja, exc.message_en))
                continue
            if spec.type == "checkbox" and required and result is False:
                self.errors.append(_required(spec, path))
                continue
            cleaned[spec.key] = result
        return cleaned

    def group(
        self,
        spec: FieldSpec,
        value: object,
        *,
        path: str,
        required: bool,
        outer: dict[str, Any],
    ) -> list[dict[str, Any]] | None:
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.errors.append(
                FieldError(
                    path, "group_invalid", "入力の形式が正しくありません。", "Invalid entries."
                )
            )
            return None
        minimum = max(spec.min_items, 1 if required else 0)
        if len(value) < minimum:
            self.errors.append(
                FieldError(
                    path,
                    "group_too_few",
                    f"「{spec.label}」を{minimum}件以上入力してください。",
                    f"Enter at least {minimum} of “{spec.label_en or spec.label}”.",
                )
            )
            return None
        if len(value) > spec.max_items:
            self.errors.append(
                FieldError(
                    path,
                    "group_too_many",
                    f"「{spec.label}」は{spec.max_items}件までです。",
                    f"Enter at most {spec.max_items} of “{spec.label_en or spec.label}”.",
                )
            )
            return None
        return [
            self.fields(spec.fields, item, prefix=f"{path}.{index}.", outer=outer)
            for index, item in enumerate(value)
        ]


def _required(spec: FieldSpec, path: str) -> FieldError:
    if spec.type == "checkbox":
        return FieldError(
            path,
            "required",
            f"「{spec.label}」にチェックを入れてください。",
            f"Tick “{spec.label_en or spec.label}”.",
        )
    return FieldError(
        path,
        "required",
        f"「{spec.label}」を入力してください。",
        f"Enter “{spec.label_en or spec.label}”.",
    )


def form_validate(
    definition: FormSpec | dict[str, Any], data: object, *, at_counter: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """Return the cleaned, typed answers and every field-level error; never raises for bad answers.

    Hidden fields (``show_when`` false) are dropped; ``required_when`` makes a
    field required; a name keeps its exact characters (variant kanji, IVS);
    dates become ``datetime.date``; numbers ``int`` or ``Decimal``. Unknown keys
    are ignored. The answers are cleaned only if ``errors`` is empty.

    ``at_counter``: the counter's channel. No ``file`` field is required (staff sight the
    documents), and a ``signature`` field also accepts ``counter_signature(reference)``,
    the resident's one signature for the visit (refused on other channels).
    """
    spec = definition if isinstance(definition, FormSpec) else form_spec_parse(definition)
    if not isinstance(data, dict):
        return {}, [
            FieldError("", "form_invalid", "入力の形式が正しくありません。", "Invalid form data.")
        ]
    validator = _Validator(at_counter=at_counter)
    cleaned = validator.fields(spec.fields(), data, prefix="", outer={})
    return cleaned, validator.errors


def _size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(size // 1000, 1)} KB"


def form_value_display(spec: FieldSpec, value: Any) -> str:
    """An answer as a Japanese form would print it (和暦 for dates, labels for choices)."""
    if value is None:
        return ""
    if spec.type == "date" and isinstance(value, date):
        return f"{wareki_format(value)}（{value.isoformat()}）"
    if spec.type == "choice":
        labels = {c.value: c.label for c in spec.choices}
        items = value if isinstance(value, list) else [value]
        return "、".join(str(labels.get(v, v)) for v in items)
    if spec.type == "checkbox":
        return "はい" if value else "いいえ"
    if spec.type == "name" and isinstance(value, dict):
        return f"{value.get('name', '')}（{value.get('kana', '')}）"
    if spec.type == "signature" and isinstance(value, dict):
        if COUNTER_SIGNATURE_KEY in value:
            return "窓口で署名（一括）"
        return "署名あり"
    if spec.type == "file" and isinstance(value, dict):
        return f"{value.get('name', '')}（{_size_text(int(value.get('size', 0)))}）"
    return str(value)


def _value_to_json(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "group":
        return [
            {c.key: _value_to_json(c, item[c.key]) for c in spec.fields if c.key in item}
            for item in value
        ]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _value_from_json(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "group":
        return [
            {c.key: _value_from_json(c, item[c.key]) for c in spec.fields if c.key in item}
            for item in value
        ]
    if spec.type == "date":
        return date.fromisoformat(value)
    if spec.type == "number" and not spec.integer:
        return Decimal(value)
    return value


def form_answers_to_json(spec: FormSpec, cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned answers as JSON-ready values (dates ISO, decimals as text), for storage and hand-over."""
    return {f.key: _value_to_json(f, cleaned[f.key]) for f in spec.fields() if f.key in cleaned}


def form_answers_from_json(spec: FormSpec, stored: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``form_answers_to_json``: typed values back (``date``, ``Decimal``)."""
    return {f.key: _value_from_json(f, stored[f.key]) for f in spec.fields() if f.key in stored}
