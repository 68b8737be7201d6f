"""The schema of a form definition: steps → fields, conditions and validation, as data.

A definition is JSON checked by these pydantic models. Conditions are a small
JSON language evaluated on the server — never ``eval`` (docs/adr/0041):

    {"field": "has_spouse", "equals": "yes"}
    {"field": "children", "filled": true}
    {"field": "reason", "in": ["moving", "birth"]}
    {"all": [...]}, {"any": [...]}, {"not": {...}}

A condition may only name a field defined before the one it is attached to (in
a repeating group: an earlier field of the same item, or an earlier top-level
field), so evaluation is a single pass and cycles cannot exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ukai.core.errors import UkaiError

FieldType = Literal[
    "text",
    "name",
    "kana",
    "date",
    "postal_code",
    "address",
    "phone",
    "email",
    "number",
    "choice",
    "checkbox",
    "file",
    "signature",
    "group",
]
# Declared in a definition but not answered online (none at present; kept for new types).
DECLARED_ONLY_TYPES: frozenset[str] = frozenset()
# Answered by an upload or a drawing kept as a file (procedures/attachments.py), not by typing.
UPLOAD_TYPES = frozenset({"file", "signature"})
MAX_FIELDS = 300
MAX_CONDITION_DEPTH = 8
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
ShortText = Annotated[str, Field(max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """Exactly one of: a comparison on ``field``, ``all``, ``any`` or ``not``."""

    field: Key | None = None
    equals: str | int | bool | None = None
    in_: list[str | int] | None = Field(default=None, alias="in")
    filled: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        comparisons = [x is not None for x in (self.equals, self.in_, self.filled)]
        forms = [self.field is not None, self.all is not None, self.any is not None]
        forms.append(self.not_ is not None)
        if sum(forms) != 1:
            raise ValueError("a condition has exactly one of field, all, any, not")
        if self.field is not None and sum(comparisons) != 1:
            raise ValueError("a field condition has exactly one of equals, in, filled")
        if self.field is None and any(comparisons):
            raise ValueError("equals, in and filled need a field")
        if (self.all is not None and not self.all) or (self.any is not None and not self.any):
            raise ValueError("all and any need at least one condition")
        return self

    def fields_named(self) -> set[str]:
        names = {self.field} if self.field else set()
        for child in [*(self.all or []), *(self.any or []), *([self.not_] if self.not_ else [])]:
            names |= child.fields_named()
        return names

    def depth(self) -> int:
        children = [*(self.all or []), *(self.any or []), *([self.not_] if self.not_ else [])]
        return 1 + max((c.depth() for c in children), default=0)


class ChoiceOption(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=100)]
    label: ShortText
    label_en: ShortText = ""


class FieldSpec(_Strict):
    key: Key
    type: FieldType
    label: ShortText
    label_en: ShortText = ""
    help: Annotated[str, Field(max_length=1000)] = ""
    help_en: Annotated[str, Field(max_length=1000)] = ""
    required: bool = False
    required_when: Condition | None = None
    show_when: Condition | None = None
    # text, address
    max_length: Annotated[int, Field(ge=1, le=5000)] | None = None
    multiline: bool = False
    # postal_code: the address field that 「住所を入力」 fills from Japan Post's data
    fills: Key | None = None
    # name: ask for the reading (フリガナ) as well
    reading: bool = True
    # date
    not_future: bool = False
    not_past: bool = False
    # number
    min: float | None = None
    max: float | None = None
    integer: bool = True
    # choice
    choices: list[ChoiceOption] = Field(default_factory=list, max_length=200)
    multiple: bool = False
    # file: accepted content types (sniffed from the content, not the name), e.g. "application/pdf"
    accept: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list)
    max_bytes: Annotated[int, Field(ge=1)] | None = None
    # group
    fields: list[FieldSpec] = Field(default_factory=list)
    min_items: Annotated[int, Field(ge=0, le=100)] = 0
    max_items: Annotated[int, Field(ge=1, le=100)] = 10

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "choice":
            if not self.choices:
                raise ValueError(f"{self.key}: a choice field needs choices")
            values = [c.value for c in self.choices]
            if len(values) != len(set(values)):
                raise ValueError(f"{self.key}: choice values must be unique")
        elif self.choices:
            raise ValueError(f"{self.key}: only choice fields have choices")
        if self.type == "group":
            if not self.fields:
                raise ValueError(f"{self.key}: a group needs fields")
            if any(f.type == "group" for f in self.fields):
                raise ValueError(f"{self.key}: groups do not nest")
            if any(f.type in {"file", "signature"} for f in self.fields):
                raise ValueError(f"{self.key}: a file or signature cannot be inside a group")
            if self.min_items > self.max_items:
                raise ValueError(f"{self.key}: min_items exceeds max_items")
        elif self.fields:
            raise ValueError(f"{self.key}: only groups have fields")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{self.key}: min exceeds max")
        if self.fills is not None and self.type != "postal_code":
            raise ValueError(f"{self.key}: only postal_code fields fill an address")
        if self.not_future and self.not_past:
            raise ValueError(f"{self.key}: not_future and not_past exclude every date")
        return self


# Pages of the application that share the URL space of the steps (procedures/urls.py).
RESERVED_STEP_KEYS = frozenset({"check", "resend", "submitted", "auth"})


class StepSpec(_Strict):
    key: Key
    title: ShortText
    title_en: ShortText = ""
    description: Annotated[str, Field(max_length=2000)] = ""
    description_en: Annotated[str, Field(max_length=2000)] = ""
    fields: list[FieldSpec] = Field(min_length=1)


class FormSpec(_Strict):
    title: ShortText
    title_en: ShortText = ""
    steps: list[StepSpec] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _keys_and_references(self) -> FormSpec:
        seen: set[str] = set()
        step_keys = [s.key for s in self.steps]
        if len(step_keys) != len(set(step_keys)):
            raise ValueError("step keys must be unique")
        reserved = sorted(RESERVED_STEP_KEYS & set(step_keys))
        if reserved:
            raise ValueError(
                f"step key {reserved[0]!r} is reserved for the application's own pages"
            )
        count = 0
        for field in self.fields():
            count += 1 + len(field.fields)
            if field.key in seen:
                raise ValueError(f"field key {field.key!r} is used twice")
            _check_conditions(field, earlier=seen)
            seen.add(field.key)
            if field.type == "group":
                inner: set[str] = set()
                for child in field.fields:
                    if child.key in inner:
                        raise ValueError(f"{field.key}: field key {child.key!r} is used twice")
                    _check_conditions(child, earlier=seen | inner, where=field.key)
                    inner.add(child.key)
        for step in self.steps:
            addresses = {f.key for f in step.fields if f.type == "address"}
            for field in step.fields:
                if field.fills is not None and field.fills not in addresses:
                    raise ValueError(
                        f"{field.key}: fills {field.fills!r}, which is not an address field "
                        "of the same step"
                    )
        if count > MAX_FIELDS:
            raise ValueError(f"a form has at most {MAX_FIELDS} fields")
        return self

    def fields(self) -> list[FieldSpec]:
        """Every top-level field, in order across the steps."""
        return [field for step in self.steps for field in step.fields]


def _check_conditions(field: FieldSpec, *, earlier: set[str], where: str = "") -> None:
    for condition in (field.show_when, field.required_when):
        if condition is None:
            continue
        if condition.depth() > MAX_CONDITION_DEPTH:
            raise ValueError(f"{field.key}: conditions nest at most {MAX_CONDITION_DEPTH} deep")
        unknown = condition.fields_named() - earlier
        if unknown:
            place = f"{where}." if where else ""
            raise ValueError(
                f"{place}{field.key}: a condition names {sorted(unknown)!r}, "
                "which is not a field defined before it"
            )


class FormDefinitionInvalid(UkaiError):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            code="form_definition_invalid",
            message_ja="様式の定義に誤りがあります。",
            message_en="The form definition is invalid.",
            status=422,
            extra={"problems": problems},
        )
        self.problems = problems


def form_spec_parse(definition: object) -> FormSpec:
    """Return the checked ``FormSpec`` of a JSON definition, or raise ``FormDefinitionInvalid``."""
    try:
        return FormSpec.model_validate(definition)
    except ValidationError as exc:
        problems = [
            {
                "loc": ".".join(str(p) for p in error["loc"]),
                "message": error["msg"],
            }
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise FormDefinitionInvalid(problems) from None


_SPECS: dict[tuple[Any, ...], FormSpec] = {}


def form_spec_of(form: Any) -> FormSpec:
    """The parsed definition of a ``FormDefinition``; a published version is parsed once per
    process (it never changes, ADR 0040), a draft every time."""
    if form.status != "published":
        return form_spec_parse(form.definition)
    # Not the primary key alone: a restored database may reuse it for another version.
    key = (form.pk, form.procedure_id, form.version, form.published_at)
    spec = _SPECS.get(key)
    if spec is None:
        spec = form_spec_parse(form.definition)
        if len(_SPECS) > 1000:
            _SPECS.clear()
        _SPECS[key] = spec
    return spec
