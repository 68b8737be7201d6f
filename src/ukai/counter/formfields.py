"""Every procedure's form on one screen: widgets from a ``FormSpec``, answers from a POST.

The counter shows several forms at once, so each form's inputs carry a prefix
(``f0-``, ``f1-`` …) and a field's path (``members.0.name.kana``) in their names.
Uploads are not asked for at the counter (staff sight the documents) and the
signature is the visit's one signature, so neither is rendered here.
Conditional fields (``show_when``) are all rendered; in the browser they show
and hide as the answers change, and the server drops those that do not apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from ukai.procedures.service import condition_holds

from .templatetags.counter_i18n import localized_value

INPUT_KINDS = {
    "text": "text",
    "kana": "text",
    "date": "date",
    "postal_code": "text",
    "address": "text",
    "phone": "tel",
    "email": "email",
    "number": "number",
}
NOT_AT_COUNTER = frozenset({"file", "signature"})
EXTRA_ROWS = 1


@dataclass
class Widget:
    name: str
    label: str
    kind: str
    value: Any = ""
    required: bool = False
    help: str = ""
    error: str = ""
    choices: list[tuple[str, str, bool]] = field(default_factory=list)
    multiple: bool = False
    reading: bool = False
    kana: str = ""
    kana_error: str = ""
    items: list[list[Widget]] = field(default_factory=list)
    prefilled: bool = False
    show_when: str = ""
    show_fields: str = ""
    prefix: str = ""

    @property
    def id(self) -> str:
        return "id-" + self.name.replace(".", "-")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _widget(
    spec: Any,
    value: Any,
    *,
    name: str,
    path: str,
    errors: dict[str, str],
    prefilled: Any,
    scope: dict[str, Any],
    prefix: str,
) -> Widget | None:
    if spec.type in NOT_AT_COUNTER:
        return None
    required = spec.required or (
        spec.required_when is not None
        and (condition_holds(spec.required_when, scope) or spec.show_when is not None)
    )
    widget = Widget(
        name=name,
        label=localized_value(spec, "label"),
        kind=INPUT_KINDS.get(spec.type, spec.type),
        required=required,
        help=localized_value(spec, "help"),
        error=errors.get(path, ""),
        prefilled=prefilled is not None and prefilled == value and value not in (None, ""),
    )
    if spec.show_when is not None:
        # Shown or hidden in the browser as the answers change (procedures/conditions.js);
        # without JavaScript the field stays visible and the server drops it if it does not apply.
        widget.show_when = json.dumps(
            spec.show_when.model_dump(by_alias=True, exclude_none=True), ensure_ascii=False
        )
        widget.show_fields = " ".join(sorted(spec.show_when.fields_named()))
        widget.prefix = prefix
    if spec.type == "address" and spec.multiline:
        widget.kind = "textarea"
    if spec.type == "text" and spec.multiline:
        widget.kind = "textarea"
    if spec.type == "name":
        widget.kind = "name"
        widget.reading = bool(spec.reading)
        if isinstance(value, dict):
            widget.value = _text(value.get("name"))
            widget.kana = _text(value.get("kana"))
        else:
            widget.value = _text(value)
        widget.error = errors.get(f"{path}.name", "") or errors.get(path, "")
        widget.kana_error = errors.get(f"{path}.kana", "")
        return widget
    if spec.type == "choice":
        chosen = {str(v) for v in value} if isinstance(value, list) else {_text(value)}
        widget.kind = "checkboxes" if spec.multiple else "select"
        widget.multiple = spec.multiple
        widget.choices = [
            (c.value, localized_value(c, "label"), c.value in chosen) for c in spec.choices
        ]
        return widget
    if spec.type == "checkbox":
        widget.kind = "checkbox"
        widget.value = bool(value)
        return widget
    widget.value = _text(value)
    return widget


def widgets(
    spec: Any,
    answers: dict[str, Any],
    *,
    prefix: str,
    errors: dict[str, str],
    prefilled: dict[str, Any],
) -> list[Widget]:
    """Widgets of a form's visible fields, holding ``answers`` and the errors by path."""
    result: list[Widget] = []
    for field_spec in spec.fields():
        scope = {**answers}
        if field_spec.type == "group":
            if field_spec.show_when is not None and not condition_holds(
                field_spec.show_when, scope
            ):
                continue
            items = answers.get(field_spec.key) or []
            prefilled_items = prefilled.get(field_spec.key) or []
            group = Widget(
                name=f"{prefix}{field_spec.key}",
                label=localized_value(field_spec, "label"),
                kind="group",
                help=localized_value(field_spec, "help"),
                error=errors.get(field_spec.key, ""),
                required=field_spec.required,
            )
            count = min(len(items) + EXTRA_ROWS, field_spec.max_items)
            for index in range(count):
                item = items[index] if index < len(items) else {}
                before = prefilled_items[index] if index < len(prefilled_items) else {}
                row = []
                for child in field_spec.fields:
                    path = f"{field_spec.key}.{index}.{child.key}"
                    built = _widget(
                        child,
                        item.get(child.key),
                        name=f"{prefix}{path}",
                        path=path,
                        errors=errors,
                        prefilled=before.get(child.key) if isinstance(before, dict) else None,
                        scope={**scope, **item},
                        prefix=f"{prefix}{field_spec.key}.{index}.",
                    )
                    if built is not None:
                        # The spare row is optional: it only counts when something is typed in it.
                        built.required = built.required and index < len(items)
                        row.append(built)
                group.items.append(row)
            result.append(group)
            continue
        built = _widget(
            field_spec,
            answers.get(field_spec.key),
            name=f"{prefix}{field_spec.key}",
            path=field_spec.key,
            errors=errors,
            prefilled=prefilled.get(field_spec.key),
            scope=scope,
            prefix=prefix,
        )
        if built is not None:
            result.append(built)
    return result


def _read(spec: Any, data: QueryDict, name: str) -> Any:
    if spec.type == "name":
        text = data.get(f"{name}.name", "").strip()
        kana = data.get(f"{name}.kana", "").strip()
        if not spec.reading:
            return text or None
        return {"name": text, "kana": kana} if (text or kana) else None
    if spec.type == "choice" and spec.multiple:
        return [v for v in data.getlist(name) if v] or None
    if spec.type == "checkbox":
        return data.get(name) == "on"
    value = data.get(name, "").strip()
    return value or None


def answers_from_post(spec: Any, data: QueryDict, *, prefix: str) -> dict[str, Any]:
    """The answers the one-screen form posted for ``spec``; empty group rows are dropped."""
    answers: dict[str, Any] = {}
    for field_spec in spec.fields():
        if field_spec.type in NOT_AT_COUNTER:
            continue
        if field_spec.type == "group":
            items = []
            for index in range(field_spec.max_items):
                item = {}
                for child in field_spec.fields:
                    value = _read(child, data, f"{prefix}{field_spec.key}.{index}.{child.key}")
                    if value not in (None, False, [], ""):
                        item[child.key] = value
                if item:
                    items.append(item)
            if items:
                answers[field_spec.key] = items
            continue
        value = _read(field_spec, data, f"{prefix}{field_spec.key}")
        if value not in (None, [], ""):
            answers[field_spec.key] = value
    return answers


def error_anchor(spec: Any, prefix: str, path: str) -> str:
    """The id of the input an error at ``path`` belongs to (for the error summary's links)."""
    parts = path.split(".")
    fields = {f.key: f for f in spec.fields()}
    field = fields.get(parts[0])
    if field is not None and field.type == "group" and len(parts) >= 3:
        field = next((c for c in field.fields if c.key == parts[2]), None)
    anchor = "id-" + f"{prefix}{path}".replace(".", "-")
    if field is not None and field.type == "name" and parts[-1] not in {"name", "kana"}:
        anchor += "-name"
    return anchor
