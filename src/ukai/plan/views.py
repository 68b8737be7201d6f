"""The plan's pages: the residents' progress page, the committee's dashboard, entry and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log, department_list, municipality_current, staff_required

from . import exports, selectors, services
from .access import staff_can_edit_plan, staff_can_view_plan
from .charts import sparkline
from .forms import ManualValueForm, ReviewForm, TargetForm
from .models import Indicator, IndicatorValue, Measure, Milestone, Phase, Plan
from .progress import ON_TRACK_TOLERANCE, Status


def _plan_or_404() -> Plan:
    plan = selectors.plan_current()
    if plan is None:
        raise Http404(_("計画が登録されていません。"))
    return plan


def _fy(request: HttpRequest, plan: Plan) -> int:
    raw = request.GET.get("fy", "")
    if raw.isdigit() and plan.contains_fy(int(raw)):
        return int(raw)
    return selectors.plan_fy_default(plan=plan)


def _require(request: HttpRequest, *, edit: bool = False) -> None:
    check = staff_can_edit_plan if edit else staff_can_view_plan
    if not check(staff=request.user):
        raise PermissionDenied


def _department_names() -> dict[str, str]:
    municipality = municipality_current()
    if municipality is None:
        return {}
    departments = department_list(municipality=municipality)
    return {department.code: department.name for department in departments}


def _charts(dashboard: selectors.Dashboard) -> dict[int, Any]:
    charts = {}
    for row in dashboard.measures:
        points = [
            None if progress.progress is None else progress.progress * 100
            for progress in row.fy_progress.values()
        ]
        label = _("%(code)s の年度末ごとの進捗率の推移（%(values)s）") % {
            "code": row.measure.code,
            "values": "、".join(
                f"{year}年度 {'未計測' if p.percent is None else str(p.percent) + '%'}"
                for year, p in row.fy_progress.items()
            ),
        }
        charts[row.measure.pk] = sparkline(points, label=label, maximum=100.0, target=100.0)
    return charts


def _context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    fy = _fy(request, plan)
    dashboard = selectors.plan_dashboard(plan=plan, fy=fy)
    return {
        "plan": plan,
        "dashboard": dashboard,
        "charts": _charts(dashboard),
        "phases": Phase.choices,
        "status_choices": [(status.value, status.label) for status in Status],
        "tolerance": round(ON_TRACK_TOLERANCE * 100),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The residents' progress page: the same figures, no staff names and no evidence."""
    plan = _plan_or_404()
    context = _context(request, plan)
    context["staff_can_view"] = staff_can_view_plan(staff=request.user)
    return render(request, "plan/home.html", context)


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request)
    plan = _plan_or_404()
    context = _context(request, plan)
    context["can_edit"] = staff_can_edit_plan(staff=request.user)
    context["departments"] = _department_names()
    context["runs"] = selectors.collector_runs_recent(plan=plan, limit=10)
    return render(request, "plan/dashboard.html", context)


@require_GET
@staff_required
def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require(request)
    plan = _plan_or_404()
    measure = get_object_or_404(
        Measure.objects.select_related("policy"), policy__plan=plan, code=code
    )
    fy = _fy(request, plan)
    row = selectors.measure_detail(measure=measure, fy=fy)
    trend = selectors.indicator_monthly_trend(
        plan=plan,
        indicator_ids=[item.indicator.pk for item in row.indicators],
        until=selectors.plan_as_of(plan=plan, fy=fy),
    )
    charts = {}
    for item in row.indicators:
        points = trend.get(item.indicator.pk, [])
        label = _(
            "%(name)s の月末ごとの実績値の推移（%(count)s か月分、年度末の値は表にあります）"
        ) % {
            "name": item.indicator.name,
            "count": sum(1 for _day, value in points if value is not None),
        }
        charts[item.indicator.pk] = sparkline(
            [value for _day, value in points],
            label=label,
            target=item.target[1] if item.target else None,
        )
    failures = selectors.collector_last_failures(
        indicator_ids=[i.indicator.pk for i in row.indicators]
    )
    return render(
        request,
        "plan/measure.html",
        {
            "plan": plan,
            "fy": fy,
            "row": row,
            "charts": charts,
            "trend": trend,
            "failures": failures,
            "phases": Phase.choices,
            "can_edit": staff_can_edit_plan(staff=request.user),
            "departments": _department_names(),
            "review_form": ReviewForm(initial={"fiscal_year": fy}),
            "reviews": list(measure.reviews.order_by("fiscal_year")),
            "tolerance": round(ON_TRACK_TOLERANCE * 100),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def value_enter(request: HttpRequest, indicator_id: int) -> HttpResponse:
    _require(request, edit=True)
    indicator = get_object_or_404(Indicator.objects.select_related("measure"), pk=indicator_id)
    form = ManualValueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_value_enter(
                indicator=indicator,
                value_text=form.cleaned_data["value"],
                measured_on=form.cleaned_data["measured_on"],
                description=form.cleaned_data["description"],
                evidence=form.cleaned_data["evidence"],
                entered_by=request.user,
            )
        except UkaiError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("実績値を登録しました。"))
            return redirect("plan:measure", code=indicator.measure.code)
    history = selectors.indicator_value_history(indicator=indicator)
    return render(
        request,
        "plan/value_form.html",
        {"indicator": indicator, "form": form, "history": history},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_required
def target_set(request: HttpRequest, indicator_id: int) -> HttpResponse:
    _require(request, edit=True)
    indicator = get_object_or_404(Indicator.objects.select_related("measure"), pk=indicator_id)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_target_set(
                indicator=indicator,
                fiscal_year=form.cleaned_data["fiscal_year"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except UkaiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("目標値を設定しました。"))
    else:
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
    return redirect("plan:measure", code=indicator.measure.code)


@require_POST
@staff_required
def milestone_mark(request: HttpRequest, milestone_id: int) -> HttpResponse:
    _require(request, edit=True)
    milestone = get_object_or_404(Milestone.objects.select_related("measure"), pk=milestone_id)
    raw = request.POST.get("done_on", "").strip()
    try:
        done_on = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        messages.error(request, _("達成日は YYYY-MM-DD の形式で入力してください。"))
    else:
        try:
            services.milestone_mark(milestone=milestone, done_on=done_on)
        except UkaiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("マイルストーンを更新しました。"))
    return redirect("plan:measure", code=milestone.measure.code)


@require_POST
@staff_required
def review_record(request: HttpRequest, code: str) -> HttpResponse:
    _require(request, edit=True)
    plan = _plan_or_404()
    measure = get_object_or_404(
        Measure.objects.select_related("policy__plan"), policy__plan=plan, code=code
    )
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.annual_review_record(measure=measure, **form.cleaned_data)
        except UkaiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("年次評価を記録しました。"))
    else:
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for field_error in field_errors:
                messages.error(request, f"{label}：{field_error}" if label else str(field_error))
    return redirect("plan:measure", code=measure.code)


@require_POST
@staff_required
def collect(request: HttpRequest) -> HttpResponse:
    _require(request, edit=True)
    plan = _plan_or_404()
    summary = services.collectors_run(plan=plan)
    context = {
        "plan": plan,
        "summary": summary,
        "ok_count": summary.count("ok"),
        "no_data_count": summary.count("no_data"),
        "failed_count": summary.count("failed"),
    }
    return render(request, "plan/collect_result.html", context)


@require_GET
@staff_required
def evidence_download(request: HttpRequest, value_id: int) -> FileResponse:
    _require(request)
    value = get_object_or_404(IndicatorValue, pk=value_id)
    if not value.evidence:
        raise Http404
    audit_log(action="read", obj=value, fields=["evidence"], purpose="計画の実績値の根拠資料の確認")
    return FileResponse(value.evidence.open("rb"), as_attachment=True)


def _export_name(plan: Plan, fy: int, suffix: str) -> str:
    return f"plan-{plan.code}-fy{fy}-{timezone.localdate():%Y%m%d}.{suffix}"


@require_GET
@staff_required
def export_csv(request: HttpRequest) -> HttpResponse:
    _require(request)
    plan = _plan_or_404()
    dashboard = selectors.plan_dashboard(plan=plan, fy=_fy(request, plan))
    response = HttpResponse(
        exports.dashboard_csv(dashboard), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_export_name(plan, dashboard.fy, "csv")}"'
    )
    return response


@require_GET
@staff_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request)
    plan = _plan_or_404()
    dashboard = selectors.plan_dashboard(plan=plan, fy=_fy(request, plan))
    response = HttpResponse(
        exports.dashboard_xlsx(dashboard),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_export_name(plan, dashboard.fy, "xlsx")}"'
    )
    return response


@require_GET
@staff_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    _require(request)
    plan = _plan_or_404()
    context = _context(request, plan)
    context["generated_at"] = timezone.localtime()
    html = render_to_string("plan/report_pdf.html", context, request=request)
    pdf = exports.annual_report_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _export_name(plan, context["dashboard"].fy, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
