"""Life events as data: an interview with branching, and rules that decide the procedures.

A life event (転入, 出生, おくやみ …) is JSON checked by these pydantic models
(docs/counter.md, ADR 0070). Conditions are a small JSON language evaluated
here — never ``eval``:

    {"answer": "insurance", "equals": "none"}        an interview answer
    {"answer": "children_school", "in": ["yes"]}
    {"fact": "children_under_18", "gte": 1}          a fact of the people concerned
    {"all": [...]}, {"any": [...]}, {"not": {...}}

Facts are computed from the people the visit concerns (from the resident
records, or typed from a 転出証明書 for a move into the city) on the event date:
``size``, ``children_under_18``, ``children_under_6``, ``children_primary``
(小学生の年齢), ``children_lower_secondary`` (中学生の年齢), ``school_age_children``,
``children_through_lower_secondary`` (中学校卒業まで),
``adults_40_to_64``, ``members_65_plus``, ``members_75_plus``.

A rule names a procedure of the catalog and gives the reason shown to staff
and resident (「18歳未満のお子さんがいるため：児童手当」); ``{fact}`` in a reason
is replaced by the fact's value. Each life event carries test cases that staff
run before saving a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ukai.core.errors import UkaiError

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
ShortText = Annotated[str, Field(max_length=300)]
MAX_CONDITION_DEPTH = 8

FACTS: dict[str, Promise] = {
    "size": gettext_lazy("対象の人数"),
    "children_under_18": gettext_lazy("18歳未満の人数"),
    "children_under_6": gettext_lazy("小学校入学前の人数"),
    "children_primary": gettext_lazy("小学生の年齢の人数"),
    "children_lower_secondary": gettext_lazy("中学生の年齢の人数"),
    "school_age_children": gettext_lazy("小・中学生の年齢の人数"),
    "children_through_lower_secondary": gettext_lazy("中学校卒業までの人数"),
    "adults_40_to_64": gettext_lazy("40〜64歳の人数"),
    "members_65_plus": gettext_lazy("65歳以上の人数"),
    "members_75_plus": gettext_lazy("75歳以上の人数"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """Exactly one of: a comparison on ``answer`` or ``fact``, ``all``, ``any`` or ``not``."""

    answer: Key | None = None
    fact: str | None = None
    equals: str | int | bool | None = None
    in_: list[str | int] | None = Field(default=None, alias="in")
    gte: int | None = None
    lte: int | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [
            self.answer is not None,
            self.fact is not None,
            self.all is not None,
            self.any is not None,
            self.not_ is not None,
        ]
        if sum(forms) != 1:
            raise ValueError("a condition has exactly one of answer, fact, all, any, not")
        comparisons = sum(x is not None for x in (self.equals, self.in_, self.gte, self.lte))
        if (self.answer is not None or self.fact is not None) and comparisons == 0:
            raise ValueError("an answer or fact condition needs equals, in, gte or lte")
        if self.answer is None and self.fact is None and comparisons:
            raise ValueError("equals, in, gte and lte need an answer or a fact")
        if self.fact is not None and self.fact not in FACTS:
            raise ValueError(f"unknown fact {self.fact!r}; known: {', '.join(FACTS)}")
        if (self.all is not None and not self.all) or (self.any is not None and not self.any):
            raise ValueError("all and any need at least one condition")
        return self

    def children(self) -> list[Condition]:
        return [*(self.all or []), *(self.any or []), *([self.not_] if self.not_ else [])]

    def answers_named(self) -> set[str]:
        names = {self.answer} if self.answer else set()
        for child in self.children():
            names |= child.answers_named()
        return names

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children()), default=0)


class Choice(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=100)]
    label: ShortText
    label_en: ShortText = ""


class Question(_Strict):
    key: Key
    type: Literal["yes_no", "choice", "date", "number", "text"]
    label: ShortText
    label_en: ShortText = ""
    help: Annotated[str, Field(max_length=1000)] = ""
    help_en: Annotated[str, Field(max_length=1000)] = ""
    required: bool = True
    choices: list[Choice] = Field(default_factory=list, max_length=50)
    show_when: Condition | None = None
    # date: the answer is the event's date (転入した日, 出生日 …), used for ages and forms.
    event_date: bool = False

    @model_validator(mode="after")
    def _choices(self) -> Question:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"{self.key}: a choice question needs choices")
        if self.type != "choice" and self.choices:
            raise ValueError(f"{self.key}: only choice questions have choices")
        if self.event_date and self.type != "date":
            raise ValueError(f"{self.key}: only a date question can be the event date")
        return self

    def choice_values(self) -> list[str]:
        if self.type == "yes_no":
            return ["yes", "no"]
        return [c.value for c in self.choices]


class Rule(_Strict):
    procedure: Slug
    when: Condition | None = None
    reason: Annotated[str, Field(min_length=1, max_length=300)]
    reason_en: ShortText = ""
    # The department must see the resident: the resident is routed (a ticket) unless its staff come.
    in_person: bool = False


class FieldFromAnswer(_Strict):
    """Prefill a form field (any procedure's form with this key) from an interview answer."""

    field: Key
    answer: Key
    values: dict[str, str] = Field(default_factory=dict)  # answer → field value; empty: the same


class CasePerson(_Strict):
    age: Annotated[int, Field(ge=0, le=130)]
    relationship: ShortText = ""


class CaseSpec(_Strict):
    name: ShortText
    answers: dict[str, str | int | bool] = Field(default_factory=dict)
    people: list[CasePerson] = Field(default_factory=list, max_length=30)
    expect: list[Slug]


class LifeEventSpec(_Strict):
    questions: list[Question] = Field(min_length=1, max_length=60)
    rules: list[Rule] = Field(min_length=1, max_length=200)
    tests: list[CaseSpec] = Field(default_factory=list, max_length=100)
    prefill: list[FieldFromAnswer] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _references(self) -> LifeEventSpec:
        seen: set[str] = set()
        for question in self.questions:
            if question.key in seen:
                raise ValueError(f"question key {question.key!r} is used twice")
            if question.show_when is not None:
                _check_condition(question.show_when, seen, where=question.key)
            seen.add(question.key)
        if sum(q.event_date for q in self.questions) > 1:
            raise ValueError("only one question can be the event date")
        for item in self.prefill:
            if item.answer not in seen:
                raise ValueError(f"prefill {item.field}: no question {item.answer!r}")
        for index, rule in enumerate(self.rules):
            if rule.when is not None:
                _check_condition(rule.when, seen, where=f"rules.{index} ({rule.procedure})")
            for name in re.findall(r"{(\w+)}", rule.reason + rule.reason_en):
                if name not in FACTS:
                    raise ValueError(f"rules.{index}: the reason names unknown fact {{{name}}}")
        return self

    def prefilled_fields(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Form field values that follow from the answers (``prefill``)."""
        fields: dict[str, Any] = {}
        for item in self.prefill:
            answer = answers.get(item.answer)
            if answer in (None, ""):
                continue
            value = item.values.get(str(answer), None) if item.values else answer
            if value is not None:
                fields[item.field] = value
        return fields

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def procedures_named(self) -> set[str]:
        named = {rule.procedure for rule in self.rules}
        for test in self.tests:
            named |= set(test.expect)
        return named


def _check_condition(condition: Condition, known: set[str], *, where: str) -> None:
    if condition.depth() > MAX_CONDITION_DEPTH:
        raise ValueError(f"{where}: conditions nest at most {MAX_CONDITION_DEPTH} deep")
    unknown = condition.answers_named() - known
    if unknown:
        raise ValueError(
            f"{where}: a condition names {sorted(unknown)!r}, which is not a question asked before it"
        )


class LifeEventInvalid(UkaiError):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            code="life_event_invalid",
            message_ja="ライフイベントの定義に誤りがあります。",
            message_en="The life event definition is invalid.",
            status=422,
            extra={"problems": problems},
        )
        self.problems = problems


def life_event_parse(definition: object) -> LifeEventSpec:
    """The checked spec of a JSON definition, or ``LifeEventInvalid`` with located problems."""
    try:
        return LifeEventSpec.model_validate(definition)
    except ValidationError as exc:
        problems = [
            {
                "loc": ".".join(str(p) for p in error["loc"]),
                "message": error["msg"],
            }
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise LifeEventInvalid(problems) from None


# --- Facts and determination -------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - int((day.month, day.day) < (birth.month, birth.day))


def _school_year_age(birth: date, day: date) -> int:
    """Age on the 1st of April of the school year containing ``day`` (学齢).

    By birthdays counted on 1 April, a child born on 1 April is already a year
    older, as the law counts it (年齢計算ニ関スル法律: an age is reached the day
    before the birthday), so they start school with the earlier year.
    """
    year = day.year if (day.month, day.day) >= (4, 1) else day.year - 1
    return age_on(birth, date(year, 4, 1))


def facts_of(birth_dates: list[date], *, on: date) -> dict[str, int]:
    ages = [age_on(b, on) for b in birth_dates]
    school = [_school_year_age(b, on) for b in birth_dates]
    primary = sum(1 for a in school if 6 <= a <= 11)
    lower_secondary = sum(1 for a in school if 12 <= a <= 14)
    return {
        "size": len(ages),
        "children_under_18": sum(1 for a in ages if a < 18),
        "children_under_6": sum(1 for s in school if s < 6),
        "children_primary": primary,
        "children_lower_secondary": lower_secondary,
        "school_age_children": primary + lower_secondary,
        "children_through_lower_secondary": sum(1 for s in school if s <= 14),
        "adults_40_to_64": sum(1 for a in ages if 40 <= a <= 64),
        "members_65_plus": sum(1 for a in ages if a >= 65),
        "members_75_plus": sum(1 for a in ages if a >= 75),
    }


def _compare(value: Any, condition: Condition) -> bool:
    if value is None or value == "":
        return False
    if condition.equals is not None:
        return bool(value == condition.equals or str(value) == str(condition.equals))
    if condition.in_ is not None:
        return str(value) in {str(v) for v in condition.in_}
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    if condition.gte is not None and number < condition.gte:
        return False
    return not (condition.lte is not None and number > condition.lte)


def condition_holds(condition: Condition, answers: dict[str, Any], facts: dict[str, int]) -> bool:
    if condition.all is not None:
        return all(condition_holds(c, answers, facts) for c in condition.all)
    if condition.any is not None:
        return any(condition_holds(c, answers, facts) for c in condition.any)
    if condition.not_ is not None:
        return not condition_holds(condition.not_, answers, facts)
    if condition.answer is not None:
        return _compare(answers.get(condition.answer), condition)
    assert condition.fact is not None
    return _compare(facts.get(condition.fact, 0), condition)


def visible_questions(
    spec: LifeEventSpec, answers: dict[str, Any], facts: dict[str, int]
) -> list[Question]:
    """The questions asked given the answers so far (a hidden question's answer does not count)."""
    shown: list[Question] = []
    effective: dict[str, Any] = {}
    for question in spec.questions:
        if question.show_when is None or condition_holds(question.show_when, effective, facts):
            shown.append(question)
            if question.key in answers:
                effective[question.key] = answers[question.key]
    return shown


@dataclass
class Suggestion:
    procedure: str
    reasons: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)
    in_person: bool = False


def _reason(text: str, facts: dict[str, int]) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(facts.get(m.group(1), "")), text)


def determine(
    spec: LifeEventSpec, answers: dict[str, Any], facts: dict[str, int]
) -> list[Suggestion]:
    """The procedures that apply, each with every reason that made it apply, in rule order."""
    asked = {q.key for q in visible_questions(spec, answers, facts)}
    effective = {k: v for k, v in answers.items() if k in asked}
    found: dict[str, Suggestion] = {}
    for rule in spec.rules:
        if rule.when is not None and not condition_holds(rule.when, effective, facts):
            continue
        suggestion = found.setdefault(rule.procedure, Suggestion(procedure=rule.procedure))
        reason = _reason(rule.reason, facts)
        if reason not in suggestion.reasons:
            suggestion.reasons.append(reason)
            suggestion.reasons_en.append(_reason(rule.reason_en or rule.reason, facts))
        suggestion.in_person = suggestion.in_person or rule.in_person
    return list(found.values())


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    expected: list[str]
    got: list[str]

    @property
    def missing(self) -> list[str]:
        return [s for s in self.expected if s not in self.got]

    @property
    def unexpected(self) -> list[str]:
        return [s for s in self.got if s not in self.expected]


CASE_DAY = date(2026, 4, 1)


def cases_run(spec: LifeEventSpec, *, on: date = CASE_DAY) -> list[CaseResult]:
    """Run the life event's own test cases (people given by age on ``on``)."""
    results = []
    for test in spec.tests:
        births = [date(on.year - p.age, 1, 1) if p.age else on for p in test.people]
        facts = facts_of(births, on=on)
        got = [s.procedure for s in determine(spec, dict(test.answers), facts)]
        results.append(
            CaseResult(
                name=test.name,
                passed=sorted(got) == sorted(test.expect),
                expected=list(test.expect),
                got=got,
            )
        )
    return results
