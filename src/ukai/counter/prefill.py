"""Prefilling a procedure's form from the records and the interview, by field key.

The catalog's forms share field keys for the same meaning (``applicant_name``,
``address``, ``event_date``, group ``members`` …; docs/procedures.md), so one
table here fills every form: a new procedure whose form uses these keys is
prefilled without code. A value is only set where the form accepts it (a
choice must be one of its values); the resident's declaration is never ticked
for them.

``leaves`` counts what a resident would have handwritten on the paper form:
the writing-reduction KPI compares it with what was prefilled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Person:
    name: str
    kana: str = ""
    birth_date: str = ""  # ISO
    sex: str = ""  # "female" / "male"
    relationship: str = ""
    person_id: str = ""

    def age_on(self, day: date) -> int | None:
        try:
            birth = date.fromisoformat(self.birth_date)
        except ValueError:
            return None
        return day.year - birth.year - int((day.month, day.day) < (birth.month, birth.day))

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kana": self.kana,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "relationship": self.relationship,
            "person_id": self.person_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        return cls(**{k: str(data.get(k) or "") for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Context:
    """What the counter knows: the people concerned (the applicant first), contact, the answers."""

    applicant: Person
    people: tuple[Person, ...]
    event_date: str = ""
    phone: str = ""
    email: str = ""
    postal_code: str = ""
    address: str = ""
    former_address: str = ""
    former_municipality: str = ""
    head_name: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    # Field values that follow from the answers (a life event's ``prefill`` list).
    fields: dict[str, Any] = field(default_factory=dict)


def _name_value(spec: Any, person: Person) -> Any:
    if not person.name:
        return None
    if getattr(spec, "reading", True):
        return {"name": person.name, "kana": person.kana}
    return person.name


def _person_value(spec: Any, person: Person, attribute: str) -> Any:
    if spec.type == "name":
        return _name_value(spec, person)
    value = getattr(person, attribute, "")
    return value or None


GRADE_LABELS = {age: f"小学{age - 5}年" for age in range(6, 12)} | {
    age: f"中学{age - 11}年" for age in range(12, 15)
}


def _grade(spec: Any, person: Person, day: date) -> str | None:
    """The school year from the birth date (学齢, counted on 1 April), as one of the field's choices."""
    try:
        birth = date.fromisoformat(person.birth_date)
    except ValueError:
        return None
    year = day.year if (day.month, day.day) >= (4, 1) else day.year - 1
    april = date(year, 4, 1)
    age = april.year - birth.year - int((april.month, april.day) < (birth.month, birth.day))
    label = GRADE_LABELS.get(age)
    return next((c.value for c in spec.choices if c.label == label), None)


PERSON_KEYS = {
    "name": "name",
    "kana": "kana",
    "birth_date": "birth_date",
    "sex": "sex",
    "relationship": "relationship",
}


def _scalar(spec: Any, context: Context, today: date) -> Any:
    key = spec.key
    applicant = context.applicant
    deceased = context.people[0] if context.people else applicant
    table: dict[str, Any] = {
        "applicant_name": _name_value(spec, applicant) if spec.type == "name" else applicant.name,
        "notifier_name": _name_value(spec, applicant) if spec.type == "name" else applicant.name,
        "insured_name": _name_value(spec, applicant) if spec.type == "name" else applicant.name,
        "applicant_kana": applicant.kana,
        "applicant_birth_date": applicant.birth_date,
        "notifier_birth_date": applicant.birth_date,
        "insured_birth_date": applicant.birth_date,
        "applicant_relationship": applicant.relationship,
        "phone": context.phone,
        "applicant_phone": context.phone,
        "notifier_phone": context.phone,
        "email": context.email,
        "notifier_email": context.email,
        "postal_code": context.postal_code,
        "address": context.address,
        "former_address": context.former_address,
        "former_municipality": context.former_municipality,
        "event_date": context.event_date,
        "move_date": context.event_date,
        "head_name": context.head_name,
        "current_head_name": context.head_name,
        "deceased_name": _name_value(spec, deceased) if spec.type == "name" else deceased.name,
        "deceased_birth_date": deceased.birth_date,
    }
    if key == "notifier_relation":
        concerned = any(
            p.name == applicant.name and p.birth_date == applicant.birth_date
            for p in context.people
        )
        return "self" if concerned else "household"
    if key in context.fields:
        return context.fields[key]
    if key in table:
        return table[key] or None
    if key in context.answers and spec.type not in {"checkbox", "file", "signature"}:
        return context.answers[key]
    return None


def _fits(spec: Any, value: Any) -> bool:
    if value is None or value == "":
        return False
    if spec.type == "choice":
        allowed = {c.value for c in spec.choices}
        return str(value) in allowed
    return spec.type not in {"checkbox", "file", "signature"}


def _is_child(person: Person, day: date) -> bool:
    age = person.age_on(day)
    return age is not None and age < 18


def _group(spec: Any, context: Context, today: date) -> list[dict[str, Any]] | None:
    if spec.key in {"members", "movers"}:
        people = list(context.people)
    elif spec.key == "children":
        people = [p for p in context.people if _is_child(p, today)]
    else:
        return None
    items = []
    for person in people[: spec.max_items]:
        item: dict[str, Any] = {}
        for child in spec.fields:
            attribute = PERSON_KEYS.get(child.key)
            if child.key == "grade" and child.type == "choice":
                value = _grade(child, person, today)
            elif attribute is None:
                continue
            else:
                value = _person_value(child, person, attribute)
            if _fits(child, value):
                item[child.key] = value
        if item:
            items.append(item)
    return items or None


def prefill(spec: Any, context: Context, *, today: date) -> dict[str, Any]:
    """Answers for the form ``spec`` (a procedures ``FormSpec``) from what the counter knows."""
    answers: dict[str, Any] = {}
    event_day = today
    if context.event_date:
        try:
            event_day = date.fromisoformat(context.event_date)
        except ValueError:
            event_day = today
    for field_spec in spec.fields():
        if field_spec.type == "group":
            items = _group(field_spec, context, event_day)
            if items:
                answers[field_spec.key] = items
            continue
        value = _scalar(field_spec, context, today)
        if _fits(field_spec, value):
            answers[field_spec.key] = value
    return answers


def leaves(value: Any) -> int:
    """Filled values in answers (a name with its reading counts as two, as on paper)."""
    if isinstance(value, list):
        return sum(leaves(item) for item in value)
    if isinstance(value, dict):
        return sum(leaves(item) for item in value.values())
    return 0 if value in (None, "", False) else 1


def prefilled_kept(prefilled: Any, final: Any) -> int:
    """How many of the final answers are exactly what was prefilled (staff did not retype them)."""
    if isinstance(final, dict):
        source = prefilled if isinstance(prefilled, dict) else {}
        return sum(prefilled_kept(source.get(k), v) for k, v in final.items())
    if isinstance(final, list):
        source_list = prefilled if isinstance(prefilled, list) else []
        return sum(
            prefilled_kept(source_list[i] if i < len(source_list) else None, v)
            for i, v in enumerate(final)
        )
    if final in (None, "", False):
        return 0
    return int(prefilled is not None and str(prefilled) == str(final))
