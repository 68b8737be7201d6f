"""Staff pages: search with a purpose, a resident's record, a household. Read only; every record shown is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ukai.core.japanese.wareki import wareki_format
from ukai.core.service import audit_log, staff_required

from . import selectors, service
from .access import staff_can_read_residents
from .forms import PurposeForm, ResidentSearchForm
from .models import ReadPurpose

PAGE_SIZE = 20


def _check_reader(request: HttpRequest) -> None:
    if not staff_can_read_residents(staff=request.user):
        raise PermissionDenied


def _purpose_label(value: str) -> str:
    return str(ReadPurpose(value).label)


def _dates(day: Any) -> dict[str, str]:
    if day is None:
        return {"wareki": "", "iso": ""}
    return {"wareki": wareki_format(day), "iso": day.isoformat()}


@staff_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _check_reader(request)
    submitted = "purpose" in request.GET
    form = ResidentSearchForm(request.GET if submitted else None)
    context: dict[str, Any] = {"form": form, "submitted": submitted}
    if submitted and form.is_valid():
        data = form.cleaned_data
        residents = selectors.resident_search_queryset(
            text=data["q"],
            birth_date=data["birth_date"],
            address=data["address"],
            include_inactive=data["include_inactive"],
        )
        page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
        purpose = _purpose_label(data["purpose"])
        rows = []
        for resident in page.object_list:
            audit_log(action="read", obj=resident, purpose=purpose)
            rows.append(
                {"record": service.resident_record(resident), **_dates(resident.birth_date)}
            )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(page=page, rows=rows, purpose=data["purpose"], query=query.urlencode())
    return render(request, "residents/search.html", context, status=200)


def _purpose_or_form(request: HttpRequest, title: str) -> tuple[str | None, HttpResponse | None]:
    form = PurposeForm(request.GET if "purpose" in request.GET else None)
    if form.is_valid():
        return form.cleaned_data["purpose"], None
    return None, render(request, "residents/purpose.html", {"form": form, "title": title})


@staff_required
@require_GET
def detail(request: HttpRequest, person_id: str) -> HttpResponse:
    _check_reader(request)
    purpose, ask = _purpose_or_form(request, "住民記録")
    if ask is not None or purpose is None:
        return ask or HttpResponse(status=400)
    record = service.resident_by_id(person_id=person_id, purpose=_purpose_label(purpose))
    if record is None:
        raise Http404
    movements = [
        {"movement": m, "occurred": _dates(m.occurred_on), "notified": _dates(m.notified_on)}
        for m in record.movements
    ]
    return render(
        request,
        "residents/detail.html",
        {
            "record": record,
            "purpose": purpose,
            "birth": _dates(record.birth_date),
            "since": _dates(record.became_resident_on),
            "movements": movements,
        },
    )


@staff_required
@require_GET
def household(request: HttpRequest, household_number: str) -> HttpResponse:
    _check_reader(request)
    purpose, ask = _purpose_or_form(request, "世帯")
    if ask is not None or purpose is None:
        return ask or HttpResponse(status=400)
    found = selectors.household_get(household_number=household_number)
    if found is None:
        raise Http404
    record = service.household_record(household=found, purpose=_purpose_label(purpose))
    members = [{"record": m, **_dates(m.birth_date)} for m in record.members]
    return render(
        request,
        "residents/household.html",
        {"household": record, "members": members, "purpose": purpose},
    )
