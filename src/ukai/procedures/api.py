"""The public procedure catalog API: ``/api/v1/procedures``.

No ``from __future__ import annotations``: django-ninja reads the annotations at import.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ukai.core.errors import NotFound
from ukai.core.service import PROBLEMS, Pagination

from . import selectors
from .models import CATEGORY_LABELS_EN, Category, LifeEvent, Procedure

router = Router(tags=["procedures"])


class DocumentOut(Schema):
    ja: str
    en: str


class ProcedureOut(Schema):
    slug: str
    name: str
    name_kana: str
    name_en: str
    description: str
    description_easy: str = Field(..., description="やさしい日本語の説明")
    description_en: str
    department_code: str = Field(..., description="担当課の所属コード（/api/v1/departments）")
    legal_basis: str
    eligibility: str
    eligibility_en: str
    required_documents: list[DocumentOut]
    fee_yen: int | None = Field(..., description="手数料（円）。null は未確認（担当課に確認）")
    fee_note: str
    fee_note_en: str
    processing_days: int | None = Field(..., description="標準処理期間（開庁日）")
    processing_note: str
    processing_note_en: str
    channels: list[str] = Field(..., description="online, counter, post")
    life_events: list[str]
    category: str
    category_label: str
    category_label_en: str
    related: list[str] = Field(..., description="関連する手続の slug")
    has_online_form: bool

    @staticmethod
    def resolve_related(obj: Procedure) -> list[str]:
        return [p.slug for p in obj.related.all() if p.is_published]

    @staticmethod
    def resolve_category_label(obj: Procedure) -> str:
        return str(Category(obj.category).label)

    @staticmethod
    def resolve_category_label_en(obj: Procedure) -> str:
        return CATEGORY_LABELS_EN.get(obj.category, obj.category)

    @staticmethod
    def resolve_has_online_form(obj: Procedure) -> bool:
        return bool(getattr(obj, "has_online_form", False))


class FormDefinitionOut(Schema):
    version: int
    published_at: str
    definition: dict[str, Any]


class ProcedureDetailOut(ProcedureOut):
    form: FormDefinitionOut | None


class ProcedureFilter(Schema):
    life_event: LifeEvent | None = Field(None, description="ライフイベント")
    category: Category | None = Field(None, description="分類")
    q: str = Field("", max_length=100, description="キーワード（日本語・かな・英語）")


def _with_form_flag(procedures: list[Procedure]) -> list[Procedure]:
    with_form = selectors.procedure_ids_with_published_form()
    for procedure in procedures:
        procedure.has_online_form = procedure.pk in with_form  # type: ignore[attr-defined]
    return procedures


@router.get(
    "/procedures",
    response={200: list[ProcedureOut], **PROBLEMS},
    summary="手続の一覧 / Procedures",
    auth=None,
)
@paginate(Pagination)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> Any:
    found = selectors.procedure_search(
        q=filters.q,
        life_event=filters.life_event.value if filters.life_event else "",
        category=filters.category.value if filters.category else "",
    )
    return _with_form_flag(found)


@router.get(
    "/procedures/{slug}",
    response={200: ProcedureDetailOut, **PROBLEMS},
    summary="手続と公開中の申請様式 / A procedure with its published form",
    auth=None,
)
def procedure_show(request: HttpRequest, slug: str) -> Any:
    procedure = selectors.procedure_by_slug(slug)
    if procedure is None:
        raise NotFound(what_ja="手続", what_en="Procedure", identifier=slug[:100])
    form = selectors.form_definition_current(procedure=procedure)
    procedure.has_online_form = form is not None  # type: ignore[attr-defined]
    procedure.form = (  # type: ignore[attr-defined]
        {
            "version": form.version,
            "published_at": form.published_at.isoformat() if form.published_at else "",
            "definition": form.definition,
        }
        if form is not None
        else None
    )
    return procedure
