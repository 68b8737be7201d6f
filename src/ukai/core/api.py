"""The API's foundation: authentication, RFC 9457 problem details, and core endpoints."""

from datetime import UTC, datetime
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BeforeValidator

from . import selectors
from .access import staff_can_read_audit_log
from .context import actor_set_staff
from .errors import (
    PROBLEM_CONTENT_TYPE,
    TITLES,
    NotFound,
    PermissionDenied,
    UkaiError,
    problem_response,
)
from .models import Staff
from .staff_auth import session_second_factor_state


class Problem(Schema):
    """RFC 9457 problem details, with the message in Japanese and English."""

    type: str = Field("about:blank", description="A URI identifying the problem type")
    title: str = Field(..., description="短い説明（日本語） / short summary in Japanese")
    title_en: str = Field(..., description="The summary in English")
    status: int
    detail: str = Field(..., description="詳しい説明（日本語）")
    detail_en: str = Field(..., description="The detail in English")
    code: str = Field(..., description="A stable, machine-readable error code")
    errors: list[dict[str, Any]] = Field(default_factory=list)


PROBLEMS: dict[int, type[Problem]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    422: Problem,
}


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        errors.append(
            {
                "loc": location,
                "code": str(error.get("type", "invalid")),
                "message_ja": "この項目の値が正しくありません。",
                "message_en": str(error.get("msg", "Invalid value.")),
            }
        )
    return errors


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: staff and integrations."""

    openapi_description = "API token issued to a member of staff (`manage.py ukai_token`)."

    def authenticate(self, request: HttpRequest, token: str) -> Staff | None:
        staff = selectors.staff_from_api_token(token)
        if staff is not None:
            request.user = staff
            actor_set_staff(staff_id=staff.pk, username=staff.get_username(), role=staff.role)
        return staff


class SessionAuth(APIKeyCookie):
    """The staff session of the pages (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Staff | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not isinstance(user, Staff):
            return None
        # A session that still owes its second factor (e.g. the member became
        # an administrator while signed in) opens no API either.
        if session_second_factor_state(request) != "ok":
            return None
        return user


STAFF_AUTH = [TokenAuth(), SessionAuth()]


def staff_from(request: HttpRequest) -> Staff:
    staff = request.auth  # type: ignore[attr-defined]
    assert isinstance(staff, Staff)
    return staff


class Pagination(LimitOffsetPagination):
    """``limit`` (1–500, default 50) and ``offset``; the total is in ``count``."""

    class Input(Schema):
        limit: int = Field(settings.UKAI_API_PAGE_SIZE, ge=1, le=settings.UKAI_API_MAX_PAGE_SIZE)
        # Bounded so that no database is asked for an offset it cannot represent.
        offset: int = Field(0, ge=0, le=1_000_000_000)


# --- core endpoints -------------------------------------------------------------

router = Router(tags=["core"])


class MunicipalityOut(Schema):
    code: str = Field(..., description="全国地方公共団体コード（検査数字を含む6桁）")
    name: str
    name_kana: str
    name_en: str
    prefecture: str
    postal_code: str
    address: str
    phone: str
    website: str


class DepartmentOut(Schema):
    id: int
    code: str
    kind: str = Field(..., description="bu = 部・局, ka = 課・室")
    name: str
    name_kana: str
    name_en: str
    parent_id: int | None
    phone: str
    counter_location: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    department_ids: list[int]


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_username: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    fields: list[str]
    purpose: str
    ip_address: str | None
    request_id: str


def _iso_datetime(value: object) -> object:
    # Pydantic would also take "0.5" as seconds since 1970; an audit search
    # with such a bound is a mistake, so only ISO 8601 text is accepted.
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                "ISO 8601 date-time expected, e.g. 2026-04-01T09:00:00+09:00"
            ) from None
        if parsed.tzinfo is None:
            parsed = timezone.make_aware(parsed)
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python allows.
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValueError("date-time out of range") from None
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]


class AuditFilter(Schema):
    actor: str = Field("", max_length=150)
    object_type: str = Field("", max_length=100)
    object_id: str = Field("", max_length=100)
    action: str = Field("", max_length=20)
    since: IsoDateTime | None = None
    until: IsoDateTime | None = None


def _municipality_or_404() -> Any:
    municipality = selectors.municipality_current()
    if municipality is None:
        raise UkaiError(
            code="municipality_not_configured",
            message_ja="地方公共団体が登録されていません。管理者に連絡してください。",
            message_en="No municipality is configured. Please contact the administrator.",
            status=404,
        )
    return municipality


@router.get(
    "/municipality",
    response={200: MunicipalityOut, 404: Problem},
    summary="この団体の情報 / The municipality",
    auth=None,
)
def municipality_show(request: HttpRequest) -> Any:
    return _municipality_or_404()


@router.get(
    "/departments",
    response={200: list[DepartmentOut], 404: Problem, 422: Problem},
    summary="所属の一覧 / Departments",
    auth=None,
)
@paginate(Pagination)
def department_list(request: HttpRequest) -> Any:
    return selectors.department_list(municipality=_municipality_or_404())


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentOut, 404: Problem, 422: Problem},
    summary="所属 / A department",
    auth=None,
)
def department_show(request: HttpRequest, department_id: int) -> Any:
    municipality = _municipality_or_404()
    department = (
        selectors.department_list(municipality=municipality).filter(pk=department_id).first()
        if -(2**63) < department_id < 2**63
        else None
    )
    if department is None:
        raise NotFound(what_ja="所属", what_en="Department", identifier=department_id)
    return department


@router.get(
    "/me",
    response={200: MeOut, 401: Problem},
    summary="ログイン中の職員 / The signed-in staff member",
    auth=STAFF_AUTH,
)
def me_show(request: HttpRequest) -> Any:
    staff = staff_from(request)
    return {
        "username": staff.username,
        "display_name": str(staff),
        "role": staff.role,
        "department_ids": sorted(staff.departments.values_list("pk", flat=True)),
    }


@router.get(
    "/audit-events",
    response={200: list[AuditEventOut], 401: Problem, 403: Problem, 422: Problem},
    summary="監査ログの検索 / Search the audit log",
    auth=STAFF_AUTH,
)
@paginate(Pagination)
def audit_event_list(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    staff = staff_from(request)
    if not staff_can_read_audit_log(staff=staff):
        raise PermissionDenied()
    return selectors.audit_event_search(**filters.dict())


# --- the API object -------------------------------------------------------------


# Text never carries control characters (see RejectControlCharactersMiddleware). Body
# fields say so with ``Field(pattern=TEXT_PATTERN)``: the middleware reads query strings
# and forms, not JSON, whose escapes (\\u0000) only the schema validation sees.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def _declare_text_pattern(schema: dict[str, Any]) -> None:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string" and "format" not in option:
            option.setdefault("pattern", TEXT_PATTERN)


class UkaiAPI(NinjaAPI):
    """NinjaAPI whose schema says error bodies are ``application/problem+json``."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    _declare_text_pattern(parameter.get("schema", {}))
                # Any request may be refused for control characters (middleware).
                operation.setdefault("responses", {}).setdefault(
                    400,
                    {
                        "description": "Bad Request",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status)[0] in "45" and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return schema


def build_api() -> NinjaAPI:
    api = UkaiAPI(
        title="Ukai API",
        version="1",
        description=(
            "Ukai の API です。エラーは RFC 9457 の problem details（日本語と英語）で返します。\n\n"
            "The Ukai API. Errors are RFC 9457 problem details in Japanese and English. "
            "Lists are paginated with `limit` and `offset`."
        ),
        urls_namespace="api",
        docs_url="/docs",
    )

    @api.exception_handler(UkaiError)
    def on_ukai_error(request: HttpRequest, exc: UkaiError) -> HttpResponse:
        errors = []
        if exc.field:
            errors.append(
                {
                    "loc": [exc.field],
                    "code": exc.code,
                    "message_ja": exc.message_ja,
                    "message_en": exc.message_en,
                }
            )
        return problem_response(
            status=exc.status,
            code=exc.code,
            detail=exc.message_ja,
            detail_en=exc.message_en,
            errors=errors,
            extra=exc.extra,
        )

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem_response(
            status=422,
            code="validation_error",
            detail="入力内容に誤りがあります。各項目を確認してください。",
            detail_en="The request is invalid. Please check each field.",
            errors=_validation_errors(exc),
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            status=401,
            code="authentication_required",
            detail="ログインするか、有効なAPIトークンを指定してください。",
            detail_en="Sign in or send a valid API token.",
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            status=404,
            code="not_found",
            detail="指定されたものは見つかりません。",
            detail_en="The requested resource was not found.",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        title_ja, title_en = TITLES.get(exc.status_code, ("エラー", "Error"))
        return problem_response(
            status=exc.status_code,
            code=f"http_{exc.status_code}",
            detail=title_ja,
            detail_en=str(exc) or title_en,
        )

    api.add_router("/", router)
    return api


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown routes under ``/api/v1/`` answer with a problem, not an HTML page."""
    return problem_response(
        status=404,
        code="unknown_route",
        detail="このAPIのURLはありません。/api/v1/docs で一覧を確認してください。",
        detail_en="There is no such API route. See /api/v1/docs for the list.",
    )
