"""The CKAN-compatible Action API: ``/api/3/action/<name>`` and ``/api/action/<name>``.

Plain Django views rather than django-ninja: CKAN's envelope
(``{"help", "success", "result"}`` and ``{"success": false, "error": {"__type", ...}}``)
is what CKAN clients such as ``ckanapi`` understand, not problem details.
Read actions take GET query parameters or a POST JSON body; writes need an API
token in ``Authorization`` (raw, as ckanapi sends it, or ``Bearer <token>``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from ukai.core.errors import UkaiError
from ukai.core.service import actor_set_staff, staff_from_api_token

from . import datastore, selectors, services, tasks
from .errors import CatalogValidationError, SearchQueryError
from .models import Dataset, Group, Organization, Resource
from .reference import LICENSES

# Multipart framing around an upload: a request a little over the limit is still refused
# by the file check, with the same message.
_MULTIPART_ALLOWANCE = 64 * 1024


class _NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _NotAuthorized(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Call:
    request: HttpRequest
    data: dict[str, Any]
    files: dict[str, Any]
    staff: Any

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if value is None:
            return default
        if isinstance(value, list):
            value = value[0] if value else default
        return str(value)

    def integer(self, key: str, default: int, *, low: int = 0, high: int = 10**9) -> int:
        value = self.data.get(key, default)
        if value in (None, ""):
            return default
        try:
            number = int(str(value))
        except ValueError:
            raise CatalogValidationError(
                {key: ["整数で指定してください。 / Invalid integer"]}
            ) from None
        if not low <= number <= high:
            raise CatalogValidationError(
                {key: [f"{low}〜{high}で指定してください。 / Must be between {low} and {high}"]}
            )
        return number

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1", "yes", "on")

    def required_id(self, key: str = "id") -> str:
        value = self.text(key)
        if not value:
            raise CatalogValidationError({key: ["必須です。 / Missing value"]})
        return value


# --- CKAN dicts -------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    # CKAN shows UTC without an offset.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat()


def organization_dict(
    organization: Organization, *, package_count: int | None = None
) -> dict[str, Any]:
    return {
        "id": str(organization.pk),
        "name": organization.name,
        "title": organization.title,
        "display_name": organization.title,
        "title_en": organization.title_en,
        "lgcode": organization.lgcode,
        "description": organization.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": _when(organization.created),
        "package_count": package_count
        if package_count is not None
        else getattr(organization, "package_count", 0),
    }


def group_dict(group: Group, *, package_count: int | None = None) -> dict[str, Any]:
    return {
        "id": str(group.pk),
        "name": group.name,
        "title": group.title,
        "display_name": group.title,
        "description": group.description,
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": _when(group.created),
        "package_count": package_count
        if package_count is not None
        else getattr(group, "package_count", 0),
    }


def resource_url(request: HttpRequest | None, resource: Resource) -> str:
    if not resource.is_upload:
        return resource.url
    version = selectors.resource_latest_version(resource=resource)
    filename = version.filename if version is not None else "file"
    path = reverse(
        "opendata:resource_download",
        kwargs={
            "dataset_id": resource.dataset_id,
            "resource_id": resource.pk,
            "filename": filename,
        },
    )
    return request.build_absolute_uri(path) if request is not None else path


def resource_dict(request: HttpRequest | None, resource: Resource) -> dict[str, Any]:
    version = selectors.resource_latest_version(resource=resource) if resource.is_upload else None
    return {
        "id": str(resource.pk),
        "package_id": str(resource.dataset_id),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": resource_url(request, resource),
        "url_type": resource.url_type or None,
        "mimetype": resource.mimetype or None,
        "size": resource.size,
        "hash": resource.hash,
        "position": resource.position,
        "state": resource.state,
        "created": _when(resource.created),
        "last_modified": _when(resource.modified),
        "metadata_modified": _when(resource.modified),
        "datastore_active": resource.datastore_active,
        "download_count": resource.download_count,
        "standard_compliance": version.compliance if version is not None else None,
        "standard_validation": _validation_summary(version),
    }


def _validation_summary(version: Any) -> dict[str, Any] | None:
    if version is None or not version.validation:
        return None
    report = version.validation
    return {
        "standard": report.get("standard"),
        "edition": report.get("edition"),
        "score": report.get("score"),
        "rows": report.get("rows"),
        "errors": report.get("errors"),
        "repairs": report.get("repairs"),
        "repaired_from_version": version.repaired_from.number if version.repaired_from_id else None,
        "issues": [
            {k: i[k] for k in ("row", "column", "code", "message_ja", "message_en", "repaired")}
            for i in report.get("issues", [])[:50]
        ],
    }


def dataset_dict(request: HttpRequest | None, dataset: Dataset) -> dict[str, Any]:
    license_ = LICENSES.get(dataset.license_id)
    resources = getattr(dataset, "active_resources", None)
    if resources is None:
        resources = list(dataset.resources.filter(state=Resource.State.ACTIVE))
    tags = sorted(dataset.tags.all(), key=lambda t: t.name)
    return {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": dataset.state,
        "private": dataset.private,
        "license_id": dataset.license_id,
        "license_title": license_.title if license_ else dataset.license_id,
        "license_url": license_.url if license_ else "",
        "isopen": license_ is not None,
        "version": dataset.version,
        "url": "",
        "author": "",
        "author_email": "",
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "owner_org": str(dataset.organization_id),
        "organization": organization_dict(dataset.organization, package_count=0)
        | {"package_count": None},
        "groups": [
            group_dict(g, package_count=0) | {"package_count": None}
            for g in sorted(dataset.groups.all(), key=lambda g: g.name)
        ],
        "tags": [
            {
                "id": str(t.pk),
                "name": t.name,
                "display_name": t.name,
                "state": "active",
                "vocabulary_id": None,
            }
            for t in tags
        ],
        "resources": [resource_dict(request, r) for r in resources],
        "num_resources": len(resources),
        "num_tags": len(tags),
        "metadata_created": _when(dataset.created),
        "metadata_modified": _when(dataset.modified),
        "update_frequency": dataset.update_frequency,
        "spatial": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "standard_dataset": dataset.standard_dataset,
        "extras": [{"key": k, "value": v} for k, v in sorted(dataset.extras.items())],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- actions ------------------------------------------------------------------------------


def _dataset_or_404(call: Call, key: str = "id") -> Dataset:
    value = call.required_id(key)
    dataset = selectors.dataset_by_id_or_name(value, staff=call.staff)
    if dataset is None:
        raise _NotFound(f"データセット（{value}）が見つかりません。 / Dataset not found")
    return dataset


def _writer(call: Call, action: str) -> Any:
    if call.staff is None:
        raise _NotAuthorized(
            f"{action} にはAPIトークンが必要です（Authorization ヘッダー）。 / "
            f"Action {action} requires an authenticated user (API token in the Authorization header)"
        )
    return call.staff


def package_list(call: Call) -> Any:
    """公開中のデータセットの名前の一覧 / Names of the public data sets (limit, offset)."""
    limit = call.integer("limit", 0, high=100_000) or None
    return selectors.dataset_names(limit=limit, offset=call.integer("offset", 0))


def package_show(call: Call) -> Any:
    """データセット1件 / One data set (id or name)."""
    return dataset_dict(call.request, _dataset_or_404(call))


def _facet_fields(call: Call) -> list[str]:
    raw = call.data.get("facet.field")
    if raw in (None, "", []):
        return []
    if isinstance(raw, list):
        values = raw
    else:
        try:
            values = json.loads(str(raw))
        except ValueError:
            values = [str(raw)]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SearchQueryError(
            'Search error: facet.field は ["organization", "tags"] のようなJSONのリストです。',
            'Search error: facet.field is a JSON list such as ["organization", "tags"].',
        )
    return values


def package_search(call: Call) -> Any:
    """データセットの検索 / Search: q, fq, facet.field, rows (≤1000), start, sort."""
    fq = call.text("fq")
    fq_list = call.data.get("fq_list")
    if isinstance(fq_list, list):
        fq = " ".join([fq, *[str(item) for item in fq_list]])
    rows = call.integer("rows", selectors.DEFAULT_ROWS, high=10**9)
    sort = call.text("sort", "score desc, metadata_modified desc")
    facet_fields = _facet_fields(call)
    result = selectors.dataset_search(
        q=call.text("q"),
        fq=fq,
        facet_fields=facet_fields,
        # CKAN clients send -1 for "all facet values".
        facet_limit=call.integer("facet.limit", 50, low=-1, high=1000) % 1001,
        rows=rows,
        start=call.integer("start", 0),
        sort=sort,
        staff=call.staff,
        include_private=call.boolean("include_private"),
    )
    facets = {
        name: {key: count for key, _, count in items} for name, items in result.facets.items()
    }
    search_facets = {
        name: {
            "title": name,
            "items": [
                {"name": key, "display_name": title, "count": count} for key, title, count in items
            ],
        }
        for name, items in result.facets.items()
    }
    return {
        "count": result.count,
        "sort": sort,
        "results": [dataset_dict(call.request, d) for d in result.datasets],
        "facets": facets,
        "search_facets": search_facets,
    }


def _list_of(call: Call, items: list[Any], to_dict: Callable[[Any], dict[str, Any]]) -> Any:
    offset = call.integer("offset", 0)
    limit = call.integer("limit", 1000, high=1000)
    page = items[offset : offset + limit]
    if call.boolean("all_fields"):
        return [to_dict(item) for item in page]
    return [item.name for item in page]


def organization_list(call: Call) -> Any:
    """組織（岐阜県と県内42市町村）の一覧 / Organisations (all_fields, limit, offset)."""
    return _list_of(call, list(selectors.organization_list()), organization_dict)


def organization_show(call: Call) -> Any:
    """組織1件 / One organisation (id or name; include_datasets)."""
    value = call.required_id()
    organization = selectors.organization_by_id_or_name(value)
    if organization is None:
        raise _NotFound(f"組織（{value}）が見つかりません。 / Organization not found")
    public = selectors.datasets_visible().filter(organization=organization)
    result = organization_dict(organization, package_count=public.count())
    if call.boolean("include_datasets"):
        found = selectors.dataset_search(fq=f"organization:{organization.name}", rows=1000)
        result["packages"] = [dataset_dict(call.request, d) for d in found.datasets]
    result["users"] = []
    return result


def group_list(call: Call) -> Any:
    """分類の一覧 / Groups (categories)."""
    return _list_of(call, list(selectors.group_list()), group_dict)


def group_show(call: Call) -> Any:
    """分類1件 / One group (id or name; include_datasets)."""
    value = call.required_id()
    group = selectors.group_by_id_or_name(value)
    if group is None:
        raise _NotFound(f"分類（{value}）が見つかりません。 / Group not found")
    public = selectors.datasets_visible().filter(groups=group)
    result = group_dict(group, package_count=public.count())
    if call.boolean("include_datasets"):
        found = selectors.dataset_search(fq=f"groups:{group.name}", rows=1000)
        result["packages"] = [dataset_dict(call.request, d) for d in found.datasets]
    result["users"] = []
    return result


def tag_list(call: Call) -> Any:
    """タグの一覧 / Tags (query, all_fields)."""
    tags = selectors.tag_list(query=call.text("query"))
    if call.boolean("all_fields"):
        return [
            {"id": str(t.pk), "name": t.name, "display_name": t.name, "vocabulary_id": None}
            for t in tags
        ]
    return [t.name for t in tags]


def license_list(call: Call) -> Any:
    """ライセンスの一覧 / Licences."""
    return [
        {
            "id": lic.id,
            "title": lic.title,
            "url": lic.url,
            "status": "active",
            "od_conformance": "approved",
        }
        for lic in LICENSES.values()
    ]


def resource_show(call: Call) -> Any:
    """リソース1件 / One resource."""
    value = call.required_id()
    resource = selectors.resource_by_id(value, staff=call.staff)
    if resource is None:
        raise _NotFound(f"リソース（{value}）が見つかりません。 / Resource was not found.")
    return resource_dict(call.request, resource)


def resource_view_list(call: Call) -> Any:
    """リソースの表示方法（プレビューはデータセットのページにあります） / Resource views."""
    value = call.required_id()
    if selectors.resource_by_id(value, staff=call.staff) is None:
        raise _NotFound(f"リソース（{value}）が見つかりません。 / Resource was not found.")
    return []


def _json_param(call: Call, key: str) -> Any:
    value = call.data.get(key)
    if isinstance(value, str) and value.strip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            raise CatalogValidationError(
                {key: ["JSONとして読めません。 / Cannot parse JSON"]}
            ) from None
    return value


def _optional_integer(call: Call, key: str) -> int | None:
    if call.data.get(key) in (None, ""):
        return None
    return call.integer(key, 0)


def datastore_search(call: Call) -> Any:
    """表形式のリソースの行 / Records of a tabular resource: filters, q, fields, sort, limit
    (≤32000), offset, include_total, total_estimation_threshold, records_format."""
    value = call.required_id("resource_id")
    resource = selectors.resource_by_id(value, staff=call.staff)
    table = datastore.datastore_table_active(resource=resource) if resource is not None else None
    if resource is None or table is None:
        raise _NotFound(
            f"データストアにリソース（{value}）がありません（表形式でないか、読み込み中です）。 / "
            f'Resource "{value}" was not found.'
        )
    filters = _json_param(call, "filters") or {}
    if not isinstance(filters, dict):
        raise CatalogValidationError(
            {"filters": ["列名と値の組で指定してください。 / Must be a dict"]}
        )
    fields = _json_param(call, "fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    if fields is not None and not isinstance(fields, list):
        raise CatalogValidationError(
            {"fields": ["列名のリストで指定してください。 / Must be a list of field names"]}
        )
    q = call.data.get("q") or ""
    if not isinstance(q, str):
        raise CatalogValidationError({"q": ["q は文字列で指定してください。 / q must be a string"]})
    limit = call.integer("limit", datastore.DEFAULT_LIMIT, low=-(10**9), high=10**9)
    offset = call.integer("offset", 0, low=-(10**9), high=10**9)
    result = datastore.datastore_search(
        table=table,
        filters=filters,
        q=q,
        fields=[str(f) for f in fields] if fields else None,
        sort=call.text("sort"),
        limit=limit,
        offset=offset,
        include_total=call.boolean("include_total", True),
        total_estimation_threshold=_optional_integer(call, "total_estimation_threshold"),
        records_format=call.text("records_format", "objects"),
    )
    base = reverse("opendata:api_action", kwargs={"name": "datastore_search"})
    params = {
        key: json.dumps(item, ensure_ascii=False) if isinstance(item, dict | list) else str(item)
        for key, item in call.data.items()
        if key != "offset"
    }
    start = urlencode(params)
    return {
        "resource_id": str(resource.pk),
        **result,
        "filters": filters,
        **({"q": q} if q else {}),
        **({"sort": call.text("sort")} if call.text("sort") else {}),
        "_links": {
            "start": f"{base}?{start}",
            "next": f"{base}?{urlencode(params | {'offset': str(offset + result['limit'])})}",
        },
    }


def status_show(call: Call) -> Any:
    """サイトの情報 / Site status."""
    return {
        "site_title": "Ukai オープンデータ",
        "site_url": call.request.build_absolute_uri("/opendata/"),
        "ckan_version": "2.10.0",
        "api_version": 3,
        "extensions": [],
    }


def _upload_of(call: Call) -> tuple[str, bytes] | None:
    upload = call.files.get("upload")
    if upload is None:
        return None
    limit = services.upload_limit_bytes()
    if upload.size is not None and upload.size > limit:
        raise CatalogValidationError(
            {
                "upload": [
                    f"ファイルが大きすぎます（上限 {services.upload_limit_text()}）。 / "
                    f"The file is too large (limit {services.upload_limit_text()})."
                ]
            }
        )
    return str(upload.name or "file"), upload.read()


def package_create(call: Call) -> Any:
    """データセットの作成 / Create a data set (needs a publisher's token)."""
    staff = _writer(call, "package_create")
    dataset = services.dataset_create(data=call.data, staff=staff)
    return dataset_dict(call.request, _reload(dataset))


def package_update(call: Call) -> Any:
    """データセットの更新（指定しない項目は消えます） / Update a data set (replaces it)."""
    staff = _writer(call, "package_update")
    dataset = _dataset_or_404(call)
    services.dataset_update(dataset=dataset, data=call.data, staff=staff, partial=False)
    return dataset_dict(call.request, _reload(dataset))


def package_patch(call: Call) -> Any:
    """データセットの一部更新 / Patch a data set (only the given fields)."""
    staff = _writer(call, "package_patch")
    dataset = _dataset_or_404(call)
    services.dataset_update(dataset=dataset, data=call.data, staff=staff, partial=True)
    return dataset_dict(call.request, _reload(dataset))


def resource_create(call: Call) -> Any:
    """リソースの追加（URL またはファイルのアップロード、repair=true で標準データセットの修正版も公開） / Add a resource."""
    staff = _writer(call, "resource_create")
    dataset = _dataset_or_404(call, "package_id")
    resource = services.resource_create(
        dataset=dataset,
        data=call.data,
        staff=staff,
        upload=_upload_of(call),
        repair=call.boolean("repair"),
    )
    if resource.is_upload:
        tasks.datastore_load_on_commit(resource.pk)
    return resource_dict(call.request, resource)


def resource_patch(call: Call) -> Any:
    """リソースの一部更新・新しい版のアップロード / Patch a resource or upload a new version."""
    staff = _writer(call, "resource_patch")
    value = call.required_id()
    resource = selectors.resource_by_id(value, staff=staff)
    if resource is None:
        raise _NotFound(f"リソース（{value}）が見つかりません。 / Resource was not found.")
    services.resource_patch(
        resource=resource,
        data=call.data,
        staff=staff,
        upload=_upload_of(call),
        repair=call.boolean("repair"),
    )
    if call.files.get("upload") is not None:
        tasks.datastore_load_on_commit(resource.pk)
    resource.refresh_from_db()
    return resource_dict(call.request, resource)


def package_delete(call: Call) -> Any:
    """データセットの削除（一覧から外し、記録は残します） / Delete a data set (kept as deleted)."""
    staff = _writer(call, "package_delete")
    services.dataset_delete(dataset=_dataset_or_404(call), staff=staff)
    return None


def resource_delete(call: Call) -> Any:
    """リソースの削除（ファイルと版は残します） / Delete a resource (its files are kept)."""
    staff = _writer(call, "resource_delete")
    value = call.required_id()
    resource = selectors.resource_by_id(value, staff=staff)
    if resource is None:
        raise _NotFound(f"リソース（{value}）が見つかりません。 / Resource was not found.")
    services.resource_delete(resource=resource, staff=staff)
    tasks.datastore_load_on_commit(resource.pk)
    return None


def _reload(dataset: Dataset) -> Dataset:
    found = selectors.dataset_by_id_or_name(str(dataset.pk), staff=None)
    if found is not None:
        return found
    # Private: load without the visibility rule (the writer may see it).
    return Dataset.objects.select_related("organization").get(pk=dataset.pk)


def help_show(call: Call) -> Any:
    """アクションの説明 / The help text of an action (name)."""
    name = call.required_id("name")
    action = ACTIONS.get(name)
    if action is None:
        raise _NotFound(f"アクション（{name}）はありません。 / Action not found")
    return action[0].__doc__


# name -> (function, readable with GET)
ACTIONS: dict[str, tuple[Callable[[Call], Any], bool]] = {
    "package_list": (package_list, True),
    "package_show": (package_show, True),
    "package_search": (package_search, True),
    "organization_list": (organization_list, True),
    "organization_show": (organization_show, True),
    "group_list": (group_list, True),
    "group_show": (group_show, True),
    "tag_list": (tag_list, True),
    "license_list": (license_list, True),
    "resource_show": (resource_show, True),
    "resource_view_list": (resource_view_list, True),
    "status_show": (status_show, True),
    "datastore_search": (datastore_search, True),
    "help_show": (help_show, True),
    "package_create": (package_create, False),
    "package_update": (package_update, False),
    "package_patch": (package_patch, False),
    "resource_create": (resource_create, False),
    "resource_patch": (resource_patch, False),
    "package_delete": (package_delete, False),
    "resource_delete": (resource_delete, False),
}


# --- the view -------------------------------------------------------------------------------


def _envelope(request: HttpRequest, name: str, body: dict[str, Any], status: int) -> HttpResponse:
    help_url = request.build_absolute_uri(
        reverse("opendata:api_action", kwargs={"name": "help_show"}) + f"?name={name}"
    )
    return HttpResponse(
        json.dumps({"help": help_url, **body}, ensure_ascii=False),
        status=status,
        content_type="application/json;charset=utf-8",
    )


def _error(
    request: HttpRequest,
    action_name: str,
    status: int,
    kind: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return _envelope(
        request,
        action_name,
        {"success": False, "error": {"__type": kind, "message": message, **(fields or {})}},
        status,
    )


def _token_of(request: HttpRequest) -> str:
    raw = request.headers.get("Authorization", "") or request.headers.get("X-CKAN-API-Key", "")
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    return raw


def _request_data(request: HttpRequest, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if request.method == "GET":
        return {
            key: values[-1] if len(values) == 1 else values for key, values in request.GET.lists()
        }, {}
    if request.content_type == "multipart/form-data":
        data = {key: values[-1] for key, values in request.POST.lists()}
        return data, dict(request.FILES.items())
    if request.content_type == "application/x-www-form-urlencoded":
        return {key: values[-1] for key, values in request.POST.lists()}, {}
    body = request.body
    if not body.strip():
        return {}, {}
    parsed = json.loads(body.decode("utf-8"))
    if not isinstance(parsed, dict):
        raise ValueError("JSON object expected")
    return parsed, {}


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponse:
    """One CKAN action call; every call is counted for the plan's KPIs."""
    entry = ACTIONS.get(name)
    if entry is None:
        return _error(
            request,
            name,
            400,
            "Bad Request",
            f"アクション {name} はありません。 / Bad request - Action name not known: {name}",
        )
    function, readable = entry
    if request.method not in ("GET", "POST"):
        return _error(
            request,
            name,
            405,
            "Bad Request",
            "GET か POST で呼び出してください。 / Use GET or POST.",
        )
    if request.method == "GET" and not readable:
        return _error(
            request,
            name,
            400,
            "Bad Request",
            f"{name} は POST で呼び出してください。 / Bad request - {name} requires POST",
        )
    services.api_call_record(action=name)
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = services.upload_limit_bytes()
    if length.isdigit() and int(length) > limit + _MULTIPART_ALLOWANCE:
        # Refused before the body is read any further.
        return _error(
            request,
            name,
            413,
            "Validation Error",
            f"リクエストが大きすぎます（ファイルの上限 {services.upload_limit_text()}）。 / "
            f"The request is too large (file limit {services.upload_limit_text()}).",
            {
                "upload": [
                    f"上限 {services.upload_limit_text()} / limit {services.upload_limit_text()}"
                ]
            },
        )
    try:
        data, files = _request_data(request, name)
    except RequestDataTooBig:
        return _error(
            request,
            name,
            413,
            "Validation Error",
            "リクエストが大きすぎます。ファイルは multipart/form-data の upload で送ってください。 / "
            "The request body is too large; send files as multipart upload.",
        )
    except (ValueError, UnicodeDecodeError):
        return _error(
            request,
            name,
            400,
            "Bad Request",
            "JSONとして読めません。 / Bad request - JSON Error: could not parse the request body.",
        )
    staff = staff_from_api_token(_token_of(request)) if _token_of(request) else None
    if _token_of(request) and staff is None:
        return _error(
            request,
            name,
            403,
            "Authorization Error",
            "APIトークンが正しくないか、失効しています。 / The API token is invalid or revoked.",
        )
    if staff is not None:
        # Audit entries written during this call name the token's owner.
        actor_set_staff(staff_id=staff.pk, username=staff.get_username(), role=staff.role)
    call = Call(request=request, data=data, files=files, staff=staff)
    try:
        result = function(call)
    except _NotFound as exc:
        return _error(request, name, 404, "Not Found Error", exc.message)
    except _NotAuthorized as exc:
        return _error(request, name, 403, "Authorization Error", exc.message)
    except SearchQueryError as exc:
        return _error(
            request, name, 400, "Search Query Error", str(exc.message_ja + " / " + exc.message_en)
        )
    except CatalogValidationError as exc:
        return _error(request, name, 409, "Validation Error", exc.message_ja, exc.fields)
    except UkaiError as exc:
        kind = {403: "Authorization Error", 404: "Not Found Error"}.get(
            exc.status, "Validation Error"
        )
        return _error(request, name, exc.status, kind, str(exc))
    return _envelope(request, name, {"success": True, "result": result}, 200)
