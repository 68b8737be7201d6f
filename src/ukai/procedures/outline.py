"""A read-only outline of a form definition for the procedure page (what you will be asked)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .formspec import Condition, FieldSpec, FormSpec

TYPE_LABELS = {
    "text": gettext_noop("文字"),
    "name": gettext_noop("氏名"),
    "kana": gettext_noop("フリガナ"),
    "date": gettext_noop("日付"),
    "postal_code": gettext_noop("郵便番号"),
    "address": gettext_noop("住所"),
    "phone": gettext_noop("電話番号"),
    "email": gettext_noop("メールアドレス"),
    "number": gettext_noop("数"),
    "choice": gettext_noop("選択"),
    "checkbox": gettext_noop("確認"),
    "file": gettext_noop("添付ファイル"),
    "signature": gettext_noop("署名"),
    "group": gettext_noop("くり返し入力"),
}


@dataclass
class FieldOutline:
    key: str
    label: str
    label_en: str
    type_label: str
    required: bool
    help: str
    choices: list[str]
    condition: str
    required_condition: str
    children: list[FieldOutline] = field(default_factory=list)
    count_note: str = ""


@dataclass
class StepOutline:
    title: str
    title_en: str
    description: str
    fields: list[FieldOutline]


def _labels(spec: FormSpec) -> dict[str, FieldSpec]:
    found: dict[str, FieldSpec] = {}
    for top in spec.fields():
        found[top.key] = top
        for child in top.fields:
            found.setdefault(child.key, child)
    return found


def condition_text(condition: Condition, labels: dict[str, FieldSpec]) -> str:
    """A condition in words: 「配偶者はいますか」が「いる」のとき."""
    if condition.all is not None:
        return _("、かつ ").join(condition_text(c, labels) for c in condition.all)
    if condition.any is not None:
        return _("、または ").join(condition_text(c, labels) for c in condition.any)
    if condition.not_ is not None:
        return _("次に当たらないとき：") + condition_text(condition.not_, labels)
    assert condition.field is not None
    spec = labels.get(condition.field)
    name = spec.label if spec else condition.field
    choice_labels = {c.value: c.label for c in spec.choices} if spec else {}
    if condition.filled is not None:
        return (
            _("「%(name)s」を入力したとき") if condition.filled else _("「%(name)s」が空のとき")
        ) % {"name": name}
    if condition.in_ is not None:
        values = "、".join(choice_labels.get(str(v), str(v)) for v in condition.in_)
        return _("「%(name)s」が「%(values)s」のいずれかのとき") % {"name": name, "values": values}
    value = condition.equals
    if isinstance(value, bool):
        shown = _("はい") if value else _("いいえ")
    else:
        shown = choice_labels.get(str(value), str(value))
    return _("「%(name)s」が「%(value)s」のとき") % {"name": name, "value": shown}


def _pick(ja: str, en: str, english: bool) -> str:
    return en if english and en else ja


def _field(spec: FieldSpec, labels: dict[str, FieldSpec], english: bool) -> FieldOutline:
    outline = FieldOutline(
        key=spec.key,
        label=_pick(spec.label, spec.label_en, english),
        label_en=spec.label_en,
        type_label=_(TYPE_LABELS[spec.type]),
        required=spec.required,
        help=_pick(spec.help, spec.help_en, english),
        choices=[_pick(c.label, c.label_en, english) for c in spec.choices],
        condition=condition_text(spec.show_when, labels) if spec.show_when else "",
        required_condition=(
            condition_text(spec.required_when, labels) if spec.required_when else ""
        ),
        children=[_field(child, labels, english) for child in spec.fields],
    )
    if spec.type == "group":
        outline.count_note = _("%(min)s〜%(max)s件") % {
            "min": max(spec.min_items, 1 if spec.required else 0),
            "max": spec.max_items,
        }
    return outline


def form_outline(spec: FormSpec, *, english: bool = False) -> list[StepOutline]:
    """The steps and fields in words; labels in English where ``english`` and they exist."""
    labels = _labels(spec)
    return [
        StepOutline(
            title=_pick(step.title, step.title_en, english),
            title_en=step.title_en,
            description=_pick(step.description, step.description_en, english),
            fields=[_field(f, labels, english) for f in step.fields],
        )
        for step in spec.steps
    ]
