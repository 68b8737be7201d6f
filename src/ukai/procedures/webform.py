"""The resident's HTML form: answers from POST data and widgets to render, per step.

Field names in HTML follow the error paths of ``form_validate``: ``phone``,
``applicant_name.name``, ``applicant_name.kana``, ``children.0.birth_date``; a
repeating group sends its item count as ``children.count``. No JavaScript is
needed: conditions are explained next to the field and applied by the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language

from ukai.core.errors import message_for_language
from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.postal import postal_code_lookup_or_raise

from .formspec import DECLARED_ONLY_TYPES, UPLOAD_TYPES, FieldSpec, FormSpec, StepSpec
from .outline import condition_text
from .validation import FieldError, condition_holds, form_validate, form_value_display

MAX_VALUE_LENGTH = 10_000  # longer answers are cut here; the field's own limit reports them

INPUT_TYPES = {
    "text": "text",
    "address": "text",
    "kana": "text",
    "date": "text",
    "postal_code": "text",
    "phone": "tel",
    "email": "email",
    "number": "text",
}
AUTOCOMPLETE = {"postal_code": "postal-code", "phone": "tel", "email": "email"}
INPUT_MODES = {"postal_code": "numeric", "phone": "tel", "number": "decimal", "email": "email"}


def _text(post: QueryDict, name: str) -> str:
    return post.get(name, "")[:MAX_VALUE_LENGTH]


def _parse_field(spec: FieldSpec, post: QueryDict, prefix: str) -> Any:
    name = f"{prefix}{spec.key}"
    if spec.type == "name":
        if not spec.reading:
            return _text(post, name)
        return {"name": _text(post, f"{name}.name"), "kana": _text(post, f"{name}.kana")}
    if spec.type == "checkbox":
        return post.get(name) == "on"
    if spec.type == "choice" and spec.multiple:
        return [v[:100] for v in post.getlist(name)[: len(spec.choices)]]
    if spec.type == "group":
        count = group_count(post, name, spec)
        return [
            {child.key: _parse_field(child, post, f"{name}.{i}.") for child in spec.fields}
            for i in range(count)
        ]
    return _text(post, name)


def group_count(post: QueryDict, name: str, spec: FieldSpec) -> int:
    raw = post.get(f"{name}.count", "")
    count = int(raw) if raw.isdigit() and len(raw) < 4 else max(spec.min_items, 1)
    return min(count, spec.max_items)


def step_answers(step: StepSpec, post: QueryDict) -> dict[str, Any]:
    """The answers of one step's fields from POST data (declared-only and file fields are skipped:
    files arrive as uploads, see ``attachments``)."""
    return {
        spec.key: _parse_field(spec, post, "")
        for spec in step.fields
        if spec.type not in DECLARED_ONLY_TYPES | UPLOAD_TYPES
    }


def postal_fill(step: StepSpec, answers: dict[str, Any], key: str) -> list[FieldError]:
    """「郵便番号から住所を入力」: put the code's address into its address field (no JavaScript).

    Returns the postal code's error when it is malformed or unknown; the
    address the resident already typed is kept unless it is empty or a prefix
    of the new one (so pressing the button twice changes nothing).
    """
    spec = next((f for f in step.fields if f.key == key and f.fills), None)
    if spec is None or spec.fills is None:
        return []
    code = answers.get(key)
    try:
        found = postal_code_lookup_or_raise(code if isinstance(code, str) else "")
    except JapaneseInputError as exc:
        return [FieldError(key, exc.code, exc.message_ja, exc.message_en)]
    address = found[0].address
    typed = answers.get(spec.fills)
    if not isinstance(typed, str) or not typed.strip() or address.startswith(typed.strip()):
        answers[spec.fills] = address
    return []


def step_of_path(spec: FormSpec, path: str) -> str:
    top = path.split(".", 1)[0]
    for step in spec.steps:
        if any(f.key == top for f in step.fields):
            return step.key
    return ""


@dataclass
class Widget:
    """One field ready for the template."""

    kind: str  # input, textarea, radios, checkboxes, checkbox, name, group, declared
    id: str
    name: str
    label: str
    spec: FieldSpec
    value: Any = ""
    error: str = ""
    help: str = ""
    condition: str = ""
    input_type: str = "text"
    autocomplete: str = ""
    inputmode: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    parts: list[Widget] = field(default_factory=list)
    items: list[list[Widget]] = field(default_factory=list)
    count: int = 0
    can_add: bool = False
    fills: str = ""
    prefix: str = ""
    show_when: str = ""
    show_fields: str = ""


def dom_id(name: str) -> str:
    return "f-" + name.replace(".", "-").replace("_", "-")


class _Builder:
    def __init__(
        self, spec: FormSpec, errors: list[FieldError], known: dict[str, Any] | None = None
    ) -> None:
        # Cleaned answers of the other steps: a condition on them is decided here.
        self.known = known or {}
        self.labels = {f.key: f for f in spec.fields()}
        for top in spec.fields():
            for child in top.fields:
                self.labels.setdefault(child.key, child)
        self.errors = {e.path: message_for_language(e.message_ja, e.message_en) for e in errors}
        self.english = not (get_language() or "ja").startswith("ja")

    def text(self, ja: str, en: str) -> str:
        """Japanese, or the English text where the reader chose another language and it exists."""
        return en if self.english and en else ja

    def hidden(self, spec: FieldSpec) -> bool:
        """Whether the field is hidden by answers of other steps (then it is not shown at all)."""
        condition = spec.show_when
        if condition is None or not condition.fields_named() <= self.known.keys():
            return False
        return not condition_holds(condition, self.known)

    def widget(self, spec: FieldSpec, value: Any, prefix: str) -> Widget:
        name = f"{prefix}{spec.key}"
        condition = ""
        if spec.show_when is not None:
            condition = condition_text(spec.show_when, self.labels)
        elif spec.required_when is not None:
            condition = condition_text(spec.required_when, self.labels)
        widget = Widget(
            kind="input",
            id=dom_id(name),
            name=name,
            label=self.text(spec.label, spec.label_en),
            spec=spec,
            value=value if value is not None else "",
            error=self.errors.get(name, ""),
            help=self.text(spec.help, spec.help_en),
            condition=condition,
            input_type=INPUT_TYPES.get(spec.type, "text"),
            autocomplete=AUTOCOMPLETE.get(spec.type, ""),
            inputmode=INPUT_MODES.get(spec.type, ""),
            prefix=prefix,
        )
        if spec.show_when is not None and not (
            not prefix and spec.show_when.fields_named() <= self.known.keys()
        ):
            # For conditions.js, which mirrors the rule in the browser as a convenience.
            widget.show_when = json.dumps(
                spec.show_when.model_dump(by_alias=True, exclude_none=True), ensure_ascii=False
            )
            widget.show_fields = " ".join(sorted(spec.show_when.fields_named()))
        if spec.type in DECLARED_ONLY_TYPES:
            widget.kind = "declared"
        elif spec.type == "signature":
            widget.kind = "signature"
            widget.value = value if isinstance(value, dict) else None
        elif spec.type == "file":
            widget.kind = "file"
            widget.value = value if isinstance(value, dict) else None
            widget.options = [{"accept": ",".join(spec.accept)}]
        elif spec.type in {"text", "address"} and spec.multiline:
            widget.kind = "textarea"
        elif spec.type == "checkbox":
            widget.kind = "checkbox"
            widget.value = value is True
        elif spec.type == "choice":
            chosen = value if isinstance(value, list) else [value]
            widget.kind = "checkboxes" if spec.multiple else "radios"
            widget.options = [
                {
                    "id": f"{widget.id}-{i}",
                    "value": c.value,
                    "label": self.text(c.label, c.label_en),
                    "checked": c.value in chosen,
                }
                for i, c in enumerate(spec.choices)
            ]
        elif spec.type == "name" and spec.reading:
            widget.kind = "name"
            current = value if isinstance(value, dict) else {}
            widget.parts = [
                Widget(
                    kind="input",
                    id=dom_id(f"{name}.{part}"),
                    name=f"{name}.{part}",
                    label=label,
                    spec=spec,
                    value=current.get(part, ""),
                    error=self.errors.get(f"{name}.{part}", ""),
                    autocomplete="name" if part == "name" else "",
                )
                for part, label in (
                    ("name", self.text("氏名", "Name")),
                    ("kana", self.text("フリガナ（カタカナ）", "Reading in katakana (furigana)")),
                )
            ]
            widget.error = widget.error or next((p.error for p in widget.parts if p.error), "")
        elif spec.type == "group":
            widget.kind = "group"
            items = value if isinstance(value, list) else []
            if not items:
                items = [{} for _ in range(max(spec.min_items, 1))]
            widget.count = len(items)
            widget.can_add = len(items) < spec.max_items
            widget.items = [
                [self.widget(child, item.get(child.key), f"{name}.{i}.") for child in spec.fields]
                for i, item in enumerate(items)
            ]
        elif spec.type == "name":
            widget.autocomplete = "name"
        elif spec.type == "postal_code" and spec.fills:
            widget.fills = spec.fills
        return widget


def step_widgets(
    spec: FormSpec, step: StepSpec, answers: dict[str, Any], errors: list[FieldError]
) -> list[Widget]:
    """The step's widgets; a field hidden by another step's answers is left out."""
    cleaned, _ = form_validate(spec, answers)
    own = {f.key for f in step.fields}
    known = {f.key: cleaned.get(f.key) for f in spec.fields() if f.key not in own}
    builder = _Builder(spec, errors, known)
    return [builder.widget(f, answers.get(f.key), "") for f in step.fields if not builder.hidden(f)]


def check_rows(spec: FormSpec, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a check-your-answers list: label and value as a Japanese form prints it."""
    rows: list[dict[str, Any]] = []
    for step in spec.steps:
        for spec_field in step.fields:
            if spec_field.key not in cleaned:
                continue
            value = cleaned[spec_field.key]
            if spec_field.type == "group":
                for number, item in enumerate(value, start=1):
                    for child in spec_field.fields:
                        if child.key in item:
                            rows.append(
                                {
                                    "step": step,
                                    "label": f"{spec_field.label}{number}：{child.label}",
                                    "value": form_value_display(child, item[child.key]),
                                }
                            )
                continue
            rows.append(
                {
                    "step": step,
                    "label": spec_field.label,
                    "value": form_value_display(spec_field, value),
                }
            )
    return rows
