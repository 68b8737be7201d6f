"""The procedures API: the public catalog (``/api/v1/procedures``) and, for staff and
integrations with a token, the cases of their departments (``/api/v1/procedure-cases``).

No ``from __future__ import annotations``: django-ninja reads the annotations at import.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ukai.core.errors import NotFound
from ukai.core.service import (
    PROBLEMS,
    STAFF_AUTH,
    TEXT_PATTERN,
    Pagination,
    audit_log,
    staff_department_codes,
    staff_from,
)

from . import selectors, tasks
from .models import (
    CATEGORY_LABELS_EN,
    Assurance,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    LifeEvent,
    Procedure,
)
from .receipts import receipt_number_normalize

router = Router(tags=["procedures"])
# Cases are judged by their form's rules (a date that does not exist, a required answer):
# a schema-valid request may rightly get a 422 (the schemathesis test knows this tag).
CASES_TAG = "procedure-cases"


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


# --- cases: for staff and integrations (a staff member's API token or session) ---------------


class CaseEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    message: str = Field(..., description="申請者へのメッセージ")
    note: str = Field(..., description="内部メモ（職員のみ）")
    created_at: str

    @staticmethod
    def resolve_created_at(obj: CaseEvent) -> str:
        return obj.created_at.isoformat()


class AttachmentOut(Schema):
    id: str
    field_key: str
    name: str
    content_type: str
    size: int
    sha256: str

    @staticmethod
    def resolve_id(obj: Attachment) -> str:
        return str(obj.pk)


class CaseOut(Schema):
    receipt_number: str = Field(..., description="受付番号（1234-5678-9012）")
    procedure: str
    form_version: int
    department_code: str
    channel: str
    assurance: str
    status: str
    status_label: str
    applicant_name: str
    submitted_at: str
    due_date: str | None
    completed_at: str | None
    revision: int = Field(..., description="状態を変更するときに送る版番号（楽観的排他制御）")

    @staticmethod
    def resolve_procedure(obj: Case) -> str:
        return obj.procedure.slug

    @staticmethod
    def resolve_form_version(obj: Case) -> int:
        return obj.form_definition.version

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return str(CaseStatus(obj.status).label)

    @staticmethod
    def resolve_submitted_at(obj: Case) -> str:
        return obj.submitted_at.isoformat()

    @staticmethod
    def resolve_due_date(obj: Case) -> str | None:
        return obj.due_date.isoformat() if obj.due_date else None

    @staticmethod
    def resolve_completed_at(obj: Case) -> str | None:
        return obj.completed_at.isoformat() if obj.completed_at else None


class CaseDetailOut(CaseOut):
    applicant_email: str
    answers: dict[str, Any]
    correction_paths: list[str]
    events: list[CaseEventOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_events(obj: Case) -> list[CaseEvent]:
        return list(obj.events.all())

    @staticmethod
    def resolve_attachments(obj: Case) -> list[Attachment]:
        return list(obj.attachments.all())


class CaseFilter(Schema):
    status: CaseStatus | None = Field(None, description="状態")
    procedure: str = Field("", max_length=100, description="手続の slug")


class StatusIn(Schema):
    status: CaseStatus
    revision: int = Field(..., ge=1)
    message: str = Field("", max_length=2000, pattern=TEXT_PATTERN)
    note: str = Field("", max_length=2000, pattern=TEXT_PATTERN)


class CaseIn(Schema):
    answers: dict[str, Any] = Field(..., description="申請様式の項目キーごとの回答")
    channel: Channel = Field(Channel.COUNTER, description="受付の方法（counter, post, online）")
    assurance: Assurance = Field(Assurance.COUNTER, description="本人確認の方法")
    email: str = Field(
        "", max_length=254, pattern=TEXT_PATTERN, description="申請者のメールアドレス（任意）"
    )


class CaseCreatedOut(Schema):
    receipt_number: str
    status: str


def _case_or_404(request: HttpRequest, receipt_number: str) -> Case:
    normalized = receipt_number_normalize(receipt_number[:40])
    codes = staff_department_codes(staff=staff_from(request))
    case = selectors.case_by_receipt(normalized, department_codes=codes) if normalized else None
    if case is None:
        raise NotFound(what_ja="申請", what_en="Case", identifier=receipt_number[:40])
    return case


@router.get(
    "/procedure-cases",
    tags=[CASES_TAG],
    response={200: list[CaseOut], **PROBLEMS},
    summary="担当課の申請の一覧 / The cases of your departments",
    auth=STAFF_AUTH,
)
@paginate(Pagination)
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    codes = staff_department_codes(staff=staff_from(request))
    cases = selectors.case_inbox(
        department_codes=codes,
        status=filters.status.value if filters.status else "",
        procedure_slug=filters.procedure,
    ).select_related("form_definition")
    audit_log(action="read", object_type="procedures.case", purpose="APIによる申請の一覧の取得")
    return cases


@router.get(
    "/procedure-cases/{receipt_number}",
    tags=[CASES_TAG],
    response={200: CaseDetailOut, **PROBLEMS},
    summary="申請の内容と履歴 / A case with its answers and history",
    auth=STAFF_AUTH,
)
def case_show(request: HttpRequest, receipt_number: str) -> Any:
    case = _case_or_404(request, receipt_number)
    audit_log(action="read", obj=case, purpose="APIによる申請内容の取得")
    return case


@router.post(
    "/procedure-cases/{receipt_number}/status",
    tags=[CASES_TAG],
    response={200: CaseOut, **PROBLEMS},
    summary="申請の状態の変更 / Change a case's state",
    auth=STAFF_AUTH,
)
def case_status(request: HttpRequest, receipt_number: str, payload: StatusIn) -> Any:
    case = _case_or_404(request, receipt_number)
    event = tasks.case_status_change(
        case=case,
        revision=payload.revision,
        status=payload.status.value,
        message=payload.message,
        note=payload.note,
        staff=staff_from(request),
    )
    return event.case


@router.post(
    "/procedures/{slug}/cases",
    tags=[CASES_TAG],
    response={201: CaseCreatedOut, **PROBLEMS},
    summary="申請の登録（窓口・郵送・連携システムから） / File a case from another channel",
    auth=STAFF_AUTH,
)
def case_create(request: HttpRequest, slug: str, payload: CaseIn) -> Any:
    procedure = selectors.procedure_for_application(slug)
    form = selectors.form_definition_current(procedure=procedure) if procedure else None
    if procedure is None or form is None:
        raise NotFound(
            what_ja="申請様式のある手続", what_en="Procedure with a form", identifier=slug[:100]
        )
    result = tasks.case_submit(
        procedure=procedure,
        form_definition=form,
        answers=payload.answers,
        channel=payload.channel.value,
        assurance=payload.assurance.value,
        email=payload.email,
    )
    audit_log(action="create", obj=result.case, purpose="APIによる申請の登録")
    return 201, {"receipt_number": result.case.receipt_number, "status": result.case.status}
