"""Public pages of the open data catalog: search with facets, a data set, the API guide."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import Any, overload

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ukai.core.errors import UkaiError
from ukai.core.service import staff_required

from . import datastore, dcat, selectors, services, tasks
from .api import resource_url
from .errors import CatalogValidationError, SearchQueryError
from .forms import DatasetForm, UploadForm
from .models import Dataset
from .reference import LICENSES, OPENDATA_LIST_COLUMNS
from .validation import standard_schemas

PAGE_SIZE = 20
PREVIEW_PAGE_SIZE = 20
_FACETS = (
    ("organization", "組織"),
    ("groups", "分類"),
    ("res_format", "形式"),
    ("tags", "タグ"),
    ("standard_dataset", "標準データセット"),
)


def _page_number(request: HttpRequest, key: str = "page") -> int:
    raw = request.GET.get(key, "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    selected: list[tuple[str, str]] = []
    fq_terms: list[str] = []
    for field, _ in _FACETS:
        for value in request.GET.getlist(field)[:10]:
            value = value.replace('"', "")[:100]
            if value:
                selected.append((field, value))
                fq_terms.append(f'{field}:"{value}"')
    number = _page_number(request)
    error = ""
    try:
        result = selectors.dataset_search(
            q=q,
            fq=" ".join(fq_terms),
            facet_fields=[f for f, _ in _FACETS],
            facet_limit=15,
            rows=PAGE_SIZE,
            start=(number - 1) * PAGE_SIZE,
            sort="metadata_modified desc" if not q else "",
        )
    except SearchQueryError as exc:
        error = exc.message
        result = selectors.SearchResult(count=0, datasets=[], facets={})
    page = Paginator(range(result.count), PAGE_SIZE).get_page(number)
    facets = [
        {
            "field": field,
            "title": title,
            "items": [
                {
                    "name": name,
                    "title": label,
                    "count": count,
                    "selected": (field, name) in selected,
                }
                for name, label, count in result.facets.get(field, [])
            ],
        }
        for field, title in _FACETS
    ]
    return render(
        request,
        "opendata/home.html",
        {
            "q": q,
            "result": result,
            "page": page,
            "facets": facets,
            "selected": selected,
            "error": error,
        },
    )


class _DatastoreRows:
    """The rows of a datastore table as the paginator slices them: one query per page."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def __len__(self) -> int:
        return int(self.table.rows_loaded)

    @overload
    def __getitem__(self, index: int, /) -> list[str]: ...

    @overload
    def __getitem__(self, index: slice, /) -> list[list[str]]: ...

    def __getitem__(self, index: int | slice, /) -> list[str] | list[list[str]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        found = datastore.datastore_search(
            table=self.table,
            limit=max(stop - start, 0),
            offset=start,
            include_total=False,
            records_format="lists",
        )
        return [["" if v is None else str(v) for v in row[1:]] for row in found["records"]]

    def __iter__(self) -> Iterator[list[str]]:
        for start in range(0, len(self), PREVIEW_PAGE_SIZE):
            yield from self[start : start + PREVIEW_PAGE_SIZE]


@require_GET
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    dataset = selectors.dataset_by_id_or_name(name)
    if dataset is None:
        raise Http404
    resources = list(getattr(dataset, "active_resources", []))
    previewable = [
        r for r in resources if r.is_upload and (r.format.upper() == "CSV" or r.datastore_active)
    ]
    chosen = previewable[0] if previewable else None
    wanted = request.GET.get("resource", "")
    for resource in previewable:
        if str(resource.pk) == wanted:
            chosen = resource
    preview: dict[str, Any] | None = None
    if chosen is not None:
        table = selectors.resource_table(resource=chosen)
        active = datastore.datastore_table_active(resource=chosen) if table is None else None
        rows: list[list[str]] | _DatastoreRows
        if table is not None:
            header, rows, total = table.header, table.rows, table.total
        elif active is not None:
            # Too large to read per request (or a workbook): page through the datastore.
            header = [field["id"] for field in active.fields]
            rows, total = _DatastoreRows(active), active.rows_loaded
        if table is not None or active is not None:
            page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(_page_number(request))
            preview = {
                "resource": chosen,
                "header": header,
                "page": page,
                "total": total,
                "chart": _bar_chart(header, list(page.object_list)),
            }
    map_view = _map_of(resources, wanted=request.GET.get("map", ""))
    downloads = [
        {
            "resource": r,
            "url": _download_url(r),
            # A harvested link has versions too: the files checked when it was harvested.
            "version": selectors.resource_latest_version(resource=r),
            "datastore": datastore.datastore_table_latest(resource=r) if r.is_upload else None,
        }
        for r in resources
    ]
    loading = any(
        item["datastore"] is not None and item["datastore"].state == "loading" for item in downloads
    )
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": dataset,
            "license": LICENSES.get(dataset.license_id),
            "downloads": downloads,
            "preview": preview,
            "datastore_loading": loading,
            "map": map_view,
            "tags": sorted(dataset.tags.all(), key=lambda t: t.name),
            "groups": list(dataset.groups.all()),
        },
    )


# 地理院タイル (the Geospatial Information Authority of Japan); "" = markers on a plain background.
DEFAULT_TILE_URL = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
)


def _map_of(resources: list[Any], *, wanted: str) -> dict[str, Any] | None:
    """The points of the chosen (or first) resource with coordinates, and the tile settings."""
    candidates = [r for r in resources if r.is_upload and r.format.upper() in ("CSV", "GEOJSON")]
    candidates.sort(key=lambda r: str(r.pk) != wanted)
    for resource in candidates:
        found = selectors.resource_map_points(resource=resource)
        if found is None:
            continue
        return {
            "resource": resource,
            "label_column": found.label_column,
            "points": found.points,
            "total": found.total,
            "config": {
                "tileUrl": getattr(settings, "UKAI_OPENDATA_MAP_TILE_URL", DEFAULT_TILE_URL),
                "attribution": getattr(
                    settings, "UKAI_OPENDATA_MAP_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION
                ),
                "points": [[p["lat"], p["lon"], p["label"]] for p in found.points],
            },
        }
    return None


@require_GET
def datastore_status(request: HttpRequest, name: str) -> JsonResponse:
    """The datastore loads of a data set's resources, polled by the page while one runs."""
    dataset = selectors.dataset_by_id_or_name(name)
    if dataset is None:
        raise Http404
    items = []
    for resource in getattr(dataset, "active_resources", []):
        table = datastore.datastore_table_latest(resource=resource) if resource.is_upload else None
        if table is not None:
            items.append(
                {
                    "resource": str(resource.pk),
                    "state": table.state,
                    "percent": table.progress_percent,
                    "rows_loaded": table.rows_loaded,
                    "rows_expected": table.rows_expected,
                }
            )
    return JsonResponse(
        {"loading": any(i["state"] == "loading" for i in items), "resources": items}
    )


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _bar_chart(header: list[str], rows: list[list[str]]) -> dict[str, Any] | None:
    """A bar chart of the first numeric column (not a code, ID or coordinate) on this page."""
    skip = ("コード", "ID", "NO", "番号", "緯度", "経度", "標高", "郵便")
    label_index = next(
        (
            i
            for i, name in enumerate(header)
            if name in ("名称", "地域名", "ゴミの品目", "イベント名")
        ),
        None,
    )
    if label_index is None or len(rows) < 2:
        return None
    for index, name in enumerate(header):
        if index == label_index or any(marker in name for marker in skip):
            continue
        values = [_number(row[index]) if index < len(row) else None for row in rows]
        if any(v is None for v in values) or max(v or 0 for v in values) <= 0:
            continue
        top = max(v or 0 for v in values)
        bars = [
            {
                "label": row[label_index],
                "value": row[index],
                "width": round(60 * (value or 0) / top, 1),
            }
            for row, value in zip(rows, values, strict=True)
        ]
        return {"column": name, "label_column": header[label_index], "bars": bars}
    return None


def _download_url(resource: Any) -> str:
    return resource_url(None, resource)


@require_GET
def resource_download(
    request: HttpRequest, dataset_id: uuid.UUID, resource_id: uuid.UUID, filename: str
) -> HttpResponseBase:
    """Count the download and send the file (uploads) or go to it (links)."""
    resource = selectors.resource_by_id(str(resource_id))
    if resource is None or resource.dataset_id != dataset_id:
        raise Http404
    services.resource_download_record(resource=resource)
    if not resource.is_upload:
        return HttpResponseRedirect(resource.url)
    version = selectors.resource_latest_version(resource=resource)
    if version is None:
        raise Http404
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)
    if resource.format.upper() == "CSV":
        response["Content-Type"] = "text/csv; charset=" + (
            "shift_jis" if version.encoding == "cp932" else "utf-8"
        )
    return response


@require_GET
def api_guide(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/api/3/action/")
    return render(request, "opendata/api_guide.html", {"base": base})


DCAT_PAGE_SIZE = 1000


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def catalog_dcat(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole public catalog as DCAT (``?page=`` pages of 1,000 data sets)."""
    if fmt not in dcat.FORMATS:
        raise Http404
    number = _page_number(request)
    result = selectors.dataset_search(
        rows=DCAT_PAGE_SIZE, start=(number - 1) * DCAT_PAGE_SIZE, sort="name asc"
    )
    body = dcat.catalog_rdf(
        datasets=result.datasets, base=_base(request), title="Ukai オープンデータ", fmt=fmt
    )
    return HttpResponse(body, content_type=dcat.CONTENT_TYPES[fmt])


@require_GET
def dataset_dcat(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in dcat.FORMATS:
        raise Http404
    dataset = selectors.dataset_by_id_or_name(name)
    if dataset is None:
        raise Http404
    body = dcat.dataset_rdf(dataset=dataset, base=_base(request), fmt=fmt)
    return HttpResponse(body, content_type=dcat.CONTENT_TYPES[fmt])


@require_GET
def opendata_list_csv(request: HttpRequest, organization: str) -> HttpResponse:
    """The organisation's オープンデータ一覧 (recommended data set 14), generated from the catalog."""
    found = selectors.organization_by_lgcode(organization) or selectors.organization_by_id_or_name(
        organization
    )
    if found is None:
        raise Http404
    result = selectors.dataset_search(
        fq=f"organization:{found.name}", rows=selectors.MAX_ROWS, sort="name asc"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="opendata-list-{found.lgcode}.csv"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(OPENDATA_LIST_COLUMNS)
    prefecture = "岐阜県"
    # A prefecture's code is <2 digits>000<check digit>; it has no 市区町村名.
    city = "" if found.lgcode[2:5] == "000" else found.title
    for number, dataset in enumerate(result.datasets, start=1):
        resources = getattr(dataset, "active_resources", [])
        formats = sorted({r.format for r in resources if r.format})
        license_ = LICENSES.get(dataset.license_id)
        writer.writerow(
            [
                found.lgcode,
                number,
                prefecture,
                city,
                dataset.title,
                dataset.notes.replace("\r", " ").replace("\n", " ")[:500],
                ";".join(formats),
                ";".join(g.title for g in dataset.groups.all()),
                dataset.get_update_frequency_display(),
                request.build_absolute_uri(f"/opendata/dataset/{dataset.name}/"),
                "有",
                license_.title if license_ else dataset.license_id,
                dataset.created.date().isoformat(),
                dataset.modified.date().isoformat(),
                "",
            ]
        )
    return response


# --- staff pages --------------------------------------------------------------------------


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    """The organisations the member publishes for, and their data sets (private ones included)."""
    organization_ids = selectors.staff_organization_ids(staff=request.user)
    datasets = (
        selectors.datasets_visible(staff=request.user, include_private=True)
        .filter(organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("organization__lgcode", "name")[:500]
    )
    return render(
        request,
        "opendata/staff_home.html",
        {
            "datasets": datasets,
            "publishes": bool(organization_ids),
            "manages": any(
                selectors.staff_can_manage_publishers(staff=request.user, organization=o)
                for o in selectors.organization_list().filter(pk__in=organization_ids)
            ),
        },
    )


# What a multipart body adds to the file: the boundaries and the form's few text fields.
MULTIPART_ALLOWANCE = 64 * 1024


def _body_too_large(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return length.isdigit() and int(length) > services.upload_limit_bytes() + MULTIPART_ALLOWANCE


@staff_required
@require_http_methods(["GET", "POST"])
def staff_upload(request: HttpRequest, name: str) -> HttpResponse:
    """Upload a file to a data set; a standard data set's file is checked (and repaired)."""
    dataset = selectors.dataset_by_id_or_name(name, staff=request.user)
    if dataset is None or not selectors.staff_can_publish(
        staff=request.user, organization=dataset.organization
    ):
        raise Http404
    resources = list(getattr(dataset, "active_resources", []))
    choices = [(str(r.pk), r.name) for r in resources if r.is_upload]
    if request.method == "POST" and _body_too_large(request):
        # Refused from Content-Length, before Django reads (and spools) the body.
        too_large = (
            f"ファイルが大きすぎます（上限 {services.upload_limit_text()}）。何も登録していません。 / "
            f"The file is too large (limit {services.upload_limit_text()}). Nothing was stored."
        )
        return render(
            request,
            "opendata/staff_upload.html",
            {"dataset": dataset, "form": UploadForm(resources=choices), "too_large": too_large},
            status=413,
        )
    form = UploadForm(request.POST or None, request.FILES or None, resources=choices)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = services.upload_limit_bytes()
        try:
            if upload.size is not None and upload.size > limit:
                raise CatalogValidationError(
                    {"upload": [f"ファイルが大きすぎます（上限 {services.upload_limit_text()}）。"]}
                )
            content = (str(upload.name), upload.read())
            chosen = next(
                (r for r in resources if str(r.pk) == form.cleaned_data["resource"]), None
            )
            data = {"name": form.cleaned_data["name"]} if form.cleaned_data["name"] else {}
            if chosen is None:
                resource = services.resource_create(
                    dataset=dataset,
                    data=data,
                    staff=request.user,
                    upload=content,
                    repair=form.cleaned_data["repair"],
                )
            else:
                resource = services.resource_patch(
                    resource=chosen,
                    data=data,
                    staff=request.user,
                    upload=content,
                    repair=form.cleaned_data["repair"],
                )
        except CatalogValidationError as exc:
            for messages in exc.fields.values():
                for message in messages:
                    form.add_error("file", message)
        else:
            tasks.datastore_load_on_commit(resource.pk)
            version = selectors.resource_latest_version(resource=resource)
            return render(
                request,
                "opendata/staff_uploaded.html",
                {
                    "dataset": dataset,
                    "resource": resource,
                    "version": version,
                    "tabular": version is not None and datastore.version_is_tabular(version),
                },
            )
    return render(request, "opendata/staff_upload.html", {"dataset": dataset, "form": form})


def _dataset_form(request: HttpRequest, *, initial: dict[str, Any] | None = None) -> DatasetForm:
    organizations = [
        (o.name, f"{o.title}（{o.lgcode}）")
        for o in selectors.organization_list().filter(
            pk__in=selectors.staff_organization_ids(staff=request.user)
        )
    ]
    return DatasetForm(
        request.POST or None,
        initial=initial,
        organizations=organizations,
        groups=[(g.name, g.title) for g in selectors.group_list()],
        licenses=[(lic.id, lic.title) for lic in LICENSES.values()],
        frequencies=[(value, str(label)) for value, label in Dataset.Frequency.choices],
        standards=list(standard_schemas()),
    )


def _form_errors_from(form: DatasetForm, exc: CatalogValidationError) -> None:
    for field, messages in exc.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_dataset_new(request: HttpRequest) -> HttpResponse:
    form = _dataset_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_create(data=form.ckan_data(), staff=request.user)
        except CatalogValidationError as exc:
            _form_errors_from(form, exc)
        except UkaiError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(reverse("opendata:staff_upload", args=[dataset.name]))
    return render(request, "opendata/staff_dataset_form.html", {"form": form, "dataset": None})


@staff_required
@require_http_methods(["GET", "POST"])
def staff_dataset_edit(request: HttpRequest, name: str) -> HttpResponse:
    dataset = selectors.dataset_by_id_or_name(name, staff=request.user)
    if dataset is None or not selectors.staff_can_publish(
        staff=request.user, organization=dataset.organization
    ):
        raise Http404
    initial = {
        "owner_org": dataset.organization.name,
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "license_id": dataset.license_id,
        "tags": "、".join(sorted(t.name for t in dataset.tags.all())),
        "groups": [g.name for g in dataset.groups.all()],
        "update_frequency": dataset.update_frequency,
        "standard_dataset": dataset.standard_dataset,
        "spatial": dataset.spatial,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "private": dataset.private,
    }
    form = _dataset_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_update(
                dataset=dataset, data=form.ckan_data(), staff=request.user, partial=True
            )
        except CatalogValidationError as exc:
            _form_errors_from(form, exc)
        except UkaiError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(reverse("opendata:dataset", args=[dataset.name]))
    return render(request, "opendata/staff_dataset_form.html", {"form": form, "dataset": dataset})


@staff_required
@require_http_methods(["GET", "POST"])
def staff_publishers(request: HttpRequest) -> HttpResponse:
    """Who publishes for the organisations the member administers; add or remove them."""
    managed = [
        o
        for o in selectors.organization_list()
        if selectors.staff_can_manage_publishers(staff=request.user, organization=o)
    ]
    if not managed:
        raise Http404
    by_name = {o.name: o for o in managed}
    error = ""
    if request.method == "POST":
        organization = by_name.get(request.POST.get("organization", ""))
        if request.POST.get("remove"):
            found = (
                selectors.publisher_list(organizations=managed)
                .filter(pk=request.POST["remove"] if request.POST["remove"].isdigit() else 0)
                .first()
            )
            if found is not None:
                services.publisher_remove(publisher=found)
                return HttpResponseRedirect(reverse("opendata:staff_publishers"))
            error = "指定された公開担当者が見つかりません。"
        else:
            member = (
                get_user_model()
                .objects.filter(username=request.POST.get("username", "").strip(), is_active=True)
                .first()
            )
            role = request.POST.get("role", "editor")
            if organization is None or member is None:
                error = "組織と職員のユーザー名を正しく指定してください。"
            else:
                try:
                    services.publisher_set(staff=member, organization=organization, role=role)
                except CatalogValidationError as exc:
                    error = exc.message_ja
                else:
                    return HttpResponseRedirect(reverse("opendata:staff_publishers"))
    return render(
        request,
        "opendata/staff_publishers.html",
        {
            "publishers": selectors.publisher_list(organizations=managed),
            "organizations": managed,
            "error": error,
        },
    )
