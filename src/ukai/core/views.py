"""Public and staff pages of the core: parse the request, call a selector or service, render."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, selectors, staff_auth, tasks_admin
from .audit import audit_log, audited
from .forms import (
    TASK_STATUS_CHOICES,
    AuditSearchForm,
    StaffLoginForm,
    TaskFilterForm,
    TotpTokenForm,
)
from .models import AuditEvent, Staff
from .spreadsheet import spreadsheet_cell
from .staff_auth import staff_required

PAGE_SIZE = 50


# --- public pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """One service of the ICT plan, shown on the home page."""

    module: str  # the Django app label of the Ukai module that provides it
    measure: str  # the plan's measure number
    title: Any
    description: Any
    url_name: str = ""  # defaults to "<module>:home"

    @property
    def url(self) -> str | None:
        """The service's page, or None while its module is not installed."""
        if not apps.is_installed(f"ukai.{self.module}"):
            return None
        try:
            return reverse(self.url_name or f"{self.module}:home")
        except NoReverseMatch:
            return None


RESIDENT_SERVICES = (
    Service(
        "counter",
        "1-1",
        _("ワンストップ窓口（書かない窓口）"),
        _(
            "転入や出生などの手続きを一つの窓口でまとめて受け付けます。申請書を書く必要はありません。"
        ),
    ),
    Service(
        "procedures",
        "1-4",
        _("オンライン申請"),
        _("市役所へ来なくても、スマートフォンやパソコンから手続きができます。"),
    ),
    Service(
        "chatbot",
        "1-2",
        _("AIチャットボット"),
        _("ごみの出し方や手続きの方法など、よくあるご質問に24時間お答えします。"),
    ),
    Service(
        "translation",
        "1-3",
        _("多言語翻訳・やさしい日本語"),
        _("窓口での会話を翻訳し、外国人住民の皆さまの手続きをお手伝いします。"),
    ),
    Service(
        "payments",
        "1-5",
        _("キャッシュレス決済"),
        _("手数料や市税などを、クレジットカードやスマートフォン決済で支払えます。"),
    ),
    Service(
        "opendata",
        "1-6",
        _("オープンデータ"),
        _("市が保有するデータを、誰でも自由に使える形で公開します。"),
    ),
    Service(
        "disaster",
        "1-8",
        _("防災・災害情報"),
        _("災害時に、避難所の開設状況や被害の状況をお知らせします。"),
    ),
    Service(
        "website",
        "1-7",
        _("お知らせ・手続きガイド"),
        _("市からのお知らせや手続きの案内を、読みやすく災害時にもつながりやすい形でお届けします。"),
    ),
)

STAFF_SERVICES = (
    Service(
        "core",
        "3-2",
        _("職員ポータル"),
        _("職員のログイン、監査ログ、システムの稼働状況を扱います。"),
        url_name="core:staff_home",
    ),
    Service(
        "minutes",
        "2-1",
        _("AI会議録作成"),
        _("会議の録音を文字に起こし、会議録の作成にかかる時間を短くします。"),
    ),
    Service(
        "ocr",
        "2-2",
        _("AI-OCR・RPA"),
        _("紙の申請書を読み取り、手作業での入力を減らします。"),
    ),
    Service(
        "documents",
        "2-3",
        _("文書管理・ペーパーレス"),
        _("文書を電子化して検索できるようにし、ペーパーレス会議を支えます。"),
    ),
    Service(
        "plan",
        "—",
        _("計画の進捗管理"),
        _("ICT活用推進計画の目標と実績を、業務のデータから集計します。"),
    ),
    Service(
        "governance",
        "4-1",
        _("ICTガバナンス"),
        _("情報システムの台帳、調達、研修の記録を管理します。"),
    ),
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {"resident_services": RESIDENT_SERVICES, "staff_services": STAFF_SERVICES},
    )


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


# --- signing in and out ------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = staff_auth.safe_next_url(
        request, request.POST.get("next") or request.GET.get("next")
    )
    if request.user.is_authenticated and staff_auth.session_second_factor_state(request) == "ok":
        return HttpResponseRedirect(next_url)
    form = StaffLoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            staff = form.get_user()
            assert isinstance(staff, Staff)
            return HttpResponseRedirect(
                staff_auth.login_password_accepted(request, staff=staff, next_url=next_url)
            )
        locked = bool(getattr(request, "axes_locked_out", False))
        staff_auth.login_failure_record(
            request,
            username=request.POST.get("username", ""),
            reason="アカウントロック中のログイン" if locked else "パスワードの誤り",
        )
    return render(request, "core/login.html", {"form": form, "next": next_url})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    staff_auth.logout_staff(request)
    messages.success(request, _("ログアウトしました。"))
    return redirect("core:home")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The Django admin signs in through the staff login (password and second factor)."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('core:login')}?{urlencode({'next': next_url})}")


def _second_factor_subject(request: HttpRequest) -> tuple[Staff | None, str, bool]:
    """Who is completing the second factor: a pending sign-in, or a signed-in member."""
    pending = staff_auth.login_pending_staff(request)
    if pending is not None:
        return pending, staff_auth.login_pending_next(request), True
    user = request.user
    if isinstance(user, Staff) and user.is_active:
        candidate = request.POST.get("next") or request.GET.get("next")
        return user, staff_auth.safe_next_url(request, candidate), False
    return None, "", False


@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    staff, next_url, pending = _second_factor_subject(request)
    if staff is None:
        messages.info(request, _("もう一度、ユーザー名とパスワードを入力してください。"))
        return redirect("core:login")
    if not pending and staff_auth.session_second_factor_state(request) == "ok":
        return HttpResponseRedirect(next_url)
    device = staff_auth.staff_totp_device(staff=staff)
    if device is None:
        return redirect("core:totp_enrol")
    form = TotpTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wait = staff_auth.totp_throttle_seconds(device=device)
        if wait:
            form.add_error("token", _throttle_message(wait))
        elif staff_auth.totp_verify(staff=staff, device=device, token=form.cleaned_data["token"]):
            staff_auth.login_complete(request, staff=staff, device=device, next_url=next_url)
            return HttpResponseRedirect(next_url)
        else:
            form.add_error(
                "token",
                _(
                    "確認コードが正しくありません。"
                    "認証アプリに表示されている最新の6桁の数字を入力してください。"
                ),
            )
            staff_auth.login_failure_record(
                request, username=staff.get_username(), reason="確認コードの誤り"
            )
    return render(request, "core/login_otp.html", {"form": form, "next": next_url})


def _throttle_message(seconds: int) -> str:
    return ngettext(
        "確認コードの誤りが続いたため、しばらく入力できません。"
        "%(seconds)d秒ほど待ってから、新しい確認コードを入力してください。",
        "確認コードの誤りが続いたため、しばらく入力できません。"
        "%(seconds)d秒ほど待ってから、新しい確認コードを入力してください。",
        seconds,
    ) % {"seconds": seconds}


@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest) -> HttpResponse:
    staff, next_url, pending = _second_factor_subject(request)
    if staff is None:
        messages.info(request, _("もう一度、ユーザー名とパスワードを入力してください。"))
        return redirect("core:login")
    device = staff_auth.staff_totp_device(staff=staff)
    if device is not None:
        if pending or staff_auth.session_second_factor_state(request) == "verify":
            return redirect("core:login_otp")
        return render(request, "core/totp_enrol.html", {"device": device, "staff": staff})
    key_hex = staff_auth.totp_enrol_key(request)
    form = TotpTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = staff_auth.totp_enrol_confirm(
            request, staff=staff, token=form.cleaned_data["token"]
        )
        if device is not None:
            if pending:
                staff_auth.login_complete(request, staff=staff, device=device, next_url=next_url)
            else:
                staff_auth.session_device_verified(request, device=device)
            messages.success(
                request, _("認証アプリを登録しました。次回から確認コードの入力が必要です。")
            )
            return HttpResponseRedirect(next_url)
        form.add_error(
            "token",
            _(
                "確認コードが正しくありません。QRコードを読み取った認証アプリに表示されている"
                "最新の6桁の数字を入力してください。"
            ),
        )
    municipality = selectors.municipality_current()
    issuer = f"Ukai {municipality.name}" if municipality is not None else "Ukai"
    return render(
        request,
        "core/totp_enrol.html",
        {
            "staff": staff,
            "form": form,
            "next": next_url,
            "pending": pending,
            "config_url": staff_auth.totp_config_url(staff=staff, key_hex=key_hex, issuer=issuer),
            "secret": staff_auth.totp_secret_base32(key_hex),
        },
    )


# --- staff pages ---------------------------------------------------------------------


def _viewer(request: HttpRequest) -> Staff:
    user = request.user
    assert isinstance(user, Staff)  # guaranteed by staff_required
    return user


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    staff = _viewer(request)
    return render(
        request,
        "core/staff_home.html",
        {
            "staff": staff,
            "departments": staff.departments.select_related("parent"),
            "has_totp": staff_auth.staff_totp_device(staff=staff) is not None,
        },
    )


@staff_required
@require_GET
@audited(
    "read",
    object_type="core.staff",
    object_id_kwarg="staff_id",
    purpose="職員情報の確認",
    fields=Staff.personal_data_fields,
)
def staff_profile(request: HttpRequest, staff_id: int) -> HttpResponse:
    target = selectors.staff_search().filter(pk=staff_id).first() if staff_id < 2**63 else None
    if target is None:
        raise Http404
    if not access.staff_can_view_staff(viewer=_viewer(request), target=target):
        raise PermissionDenied
    return render(request, "core/staff_profile.html", {"person": target})


@staff_required
@require_GET
def audit_log_page(request: HttpRequest) -> HttpResponse:
    if not access.staff_can_read_audit_log(staff=_viewer(request)):
        raise PermissionDenied
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "core/audit_log.html", {"form": form, "page": None}, status=400)
    events = selectors.audit_event_search(**form.search_filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})


_CSV_HEADER = (
    "日時",
    "利用者",
    "役割",
    "操作",
    "対象の種類",
    "対象ID",
    "対象",
    "項目",
    "目的",
    "IPアドレス",
    "リクエストID",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _audit_csv_rows(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(_CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                spreadsheet_cell(timezone.localtime(event.at).isoformat(timespec="seconds")),
                spreadsheet_cell(event.actor_username),
                spreadsheet_cell(event.actor_role),
                spreadsheet_cell(event.action),
                spreadsheet_cell(event.object_type),
                spreadsheet_cell(event.object_id),
                spreadsheet_cell(event.object_repr),
                spreadsheet_cell(" ".join(event.fields or [])),
                spreadsheet_cell(event.purpose),
                spreadsheet_cell(event.ip_address),
                spreadsheet_cell(event.request_id),
            ]
        )


@staff_required
@require_GET
def audit_log_export(request: HttpRequest) -> HttpResponseBase:
    if not access.staff_can_read_audit_log(staff=_viewer(request)):
        raise PermissionDenied
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "core/audit_log.html", {"form": form, "page": None}, status=400)
    filters = form.search_filters()
    events = selectors.audit_event_search(**filters)
    conditions = ", ".join(
        f"{name}={value}" for name, value in form.cleaned_data.items() if value not in ("", None)
    )
    audit_log(
        action=AuditEvent.Action.EXPORT,
        object_type="core.auditevent",
        purpose=f"監査ログのCSV出力（条件：{conditions or 'なし'}）"[:200],
    )
    response = StreamingHttpResponse(
        _audit_csv_rows(events), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


@staff_required
@require_GET
def tasks_page(request: HttpRequest) -> HttpResponse:
    if not access.staff_can_administer(staff=_viewer(request)):
        raise PermissionDenied
    form = TaskFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    counts = tasks_admin.task_counts()
    page = Paginator(tasks_admin.task_list(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    live = set(selectors.worker_heartbeats_live().values_list("pk", flat=True))
    workers = [(beat, beat.pk in live) for beat in selectors.worker_heartbeat_list()]
    return render(
        request,
        "core/tasks.html",
        {
            "form": form,
            "status": status,
            "status_labels": dict(TASK_STATUS_CHOICES),
            "counts": [(code, label, counts.get(code, 0)) for code, label in TASK_STATUS_CHOICES],
            "page": page,
            "workers": workers,
            "live_count": len(live),
        },
        status=200 if form.is_valid() else 400,
    )
