"""Harvesting: import the data sets of another CKAN-compatible catalog through its Action API.

Each remote data set becomes (or updates) a local data set of the source's organisation,
named as remotely; its resources are kept as links to the remote files. A data set whose
``metadata_modified`` has not changed since the last run is left alone. A local data set of
the same name that did not come from this source is never overwritten.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ukai.core.errors import UkaiError

from . import services
from .errors import CatalogValidationError
from .models import Dataset, HarvestSource, Resource

PAGE_ROWS = 1000
MAX_DATASETS = 20_000
TIMEOUT_SECONDS = 30
_LICENSES = {
    "cc-by": "CC-BY-4.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-4": "CC-BY-4.0",
    "pdl-1.0": "PDL-1.0",
    "pdl1.0": "PDL-1.0",
    "pdl": "PDL-1.0",
}


# Files of these formats are downloaded and checked like uploads; others stay plain links.
CHECKED_FORMATS = ("CSV", "XLSX", "JSON", "GEOJSON")


@dataclass
class HarvestResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    files_checked: int = 0
    files_refused: int = 0
    messages: list[str] = field(default_factory=list)
    # Resources with a newly checked file (their rows go to the datastore).
    checked_resource_ids: list[Any] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ok" if not self.skipped and not self.files_refused else "partial"

    def summary(self) -> str:
        head = (
            f"作成 {self.created}・更新 {self.updated}・変更なし {self.unchanged}・スキップ {self.skipped}"
            f"・ファイル検査 {self.files_checked}（不合格 {self.files_refused}） / "
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}, files checked {self.files_checked} "
            f"({self.files_refused} refused)"
        )
        return "\n".join([head, *self.messages[:50]])


class HarvestError(UkaiError):
    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(
            code="harvest_failed", message_ja=message_ja, message_en=message_en, status=502
        )


def _action(source: HarvestSource, name: str, data: dict[str, Any]) -> Any:
    url = source.url.rstrip("/") + f"/api/3/action/{name}"
    request = urllib.request.Request(  # noqa: S310 - the URL is a configured http(s) catalog
        url,
        data=json.dumps(data).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "Ukai harvester"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            body = json.loads(exc.read().decode("utf-8"))
        except ValueError:
            body = {}
        message = (body.get("error") or {}).get("message", str(exc))
        raise HarvestError(
            f"取り込み元が {name} にエラーを返しました（HTTP {exc.code}: {message}）。",
            f"The source answered {name} with an error (HTTP {exc.code}: {message}).",
        ) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise HarvestError(
            f"取り込み元（{source.url}）に接続できないか、応答が CKAN の形ではありません（{exc}）。",
            f"Cannot reach the source {source.url}, or its answer is not CKAN's ({exc}).",
        ) from exc
    if not isinstance(body, dict) or not body.get("success"):
        raise HarvestError(f"取り込み元の {name} が失敗しました。", f"The source's {name} failed.")
    return body["result"]


def _remote_datasets(source: HarvestSource) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    fq = f'organization:"{source.remote_organization}"' if source.remote_organization else ""
    while len(found) < MAX_DATASETS:
        page = _action(
            source,
            "package_search",
            {"q": "*:*", "fq": fq, "rows": PAGE_ROWS, "start": len(found), "sort": "name asc"},
        )
        results = page.get("results") or []
        found.extend(results)
        if not results or len(found) >= int(page.get("count", 0)):
            break
    return found


def _local_data(source: HarvestSource, remote: dict[str, Any]) -> dict[str, Any]:
    license_id = str(remote.get("license_id") or "")
    license_id = _LICENSES.get(license_id.lower(), license_id)
    extras = [
        e
        for e in remote.get("extras") or []
        if isinstance(e, dict) and not str(e.get("key", "")).startswith("harvest_")
    ]
    extras += [
        {"key": "harvest_source", "value": source.name},
        {"key": "harvest_remote_id", "value": str(remote.get("id", ""))},
        {"key": "harvest_remote_modified", "value": str(remote.get("metadata_modified", ""))},
    ]
    data: dict[str, Any] = {
        "name": remote.get("name"),
        "title": remote.get("title") or remote.get("name"),
        "notes": remote.get("notes") or "",
        "license_id": license_id,
        "owner_org": source.organization.name,
        "tags": [{"name": t.get("name")} for t in remote.get("tags") or [] if isinstance(t, dict)],
        "extras": extras,
        "resources": [
            {
                "name": r.get("name") or "",
                "description": r.get("description") or "",
                "format": r.get("format") or "",
                "url": r.get("url") or "",
            }
            for r in remote.get("resources") or []
            if isinstance(r, dict) and r.get("url")
        ],
    }
    for key in (
        "update_frequency",
        "spatial",
        "temporal_start",
        "temporal_end",
        "standard_dataset",
    ):
        if remote.get(key):
            data[key] = remote[key]
    return data


def harvest_run(*, source: HarvestSource) -> HarvestResult:
    """Import (or update) every data set of the source; one transaction per data set."""
    result = HarvestResult()
    try:
        remotes = _remote_datasets(source)
    except HarvestError as exc:
        _record(source, "failed", str(exc))
        raise
    for remote in remotes:
        name = str(remote.get("name") or "")
        local = Dataset.objects.filter(name=name).first()
        if local is not None and local.extras.get("harvest_source") != source.name:
            result.skipped += 1
            result.messages.append(
                f"{name}: 同じ名前のデータセットが既にあるため取り込みません。 / "
                f"{name}: a local data set has this name; not imported."
            )
            continue
        if local is not None and local.extras.get("harvest_remote_modified") == str(
            remote.get("metadata_modified", "")
        ):
            result.unchanged += 1
            continue
        data = _local_data(source, remote)
        try:
            if local is None:
                local = services.dataset_create(data=data, staff=None)
                result.created += 1
            else:
                # Remote resources replace the local ones: drop ids so they are matched afresh.
                services.dataset_update(dataset=local, data=data, staff=None, partial=False)
                result.updated += 1
        except CatalogValidationError as exc:
            result.skipped += 1
            problems = "; ".join(f"{k}: {v[0]}" for k, v in exc.fields.items())
            result.messages.append(f"{name}: {problems}")
            continue
        _files_check(local, result)
    _record(source, result.status, result.summary())
    return result


def _filename_of(url: str, file_format: str) -> str:
    path = urllib.parse.urlsplit(url).path
    name = urllib.parse.unquote(path.rsplit("/", 1)[-1]) or "file"
    suffix = "." + file_format.lower()
    return name if name.lower().endswith(suffix) else name + suffix


def download(url: str, *, limit: int) -> bytes:
    """A remote file, refused past ``limit`` bytes (never reading more than limit + 1)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise HarvestError(
            f"http(s) の URL ではないため取得しません（{url}）。",
            f"Not an http(s) URL; not downloaded ({url}).",
        )
    request = urllib.request.Request(url, headers={"User-Agent": "Ukai harvester"})  # noqa: S310
    too_large = HarvestError(
        f"ファイルが大きすぎます（上限 {services.upload_limit_text()}）。",
        f"The file is too large (limit {services.upload_limit_text()}).",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large
            content: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise HarvestError(
            f"ファイルを取得できません（HTTP {exc.code}）。",
            f"The file cannot be downloaded (HTTP {exc.code}).",
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise HarvestError(
            f"ファイルを取得できません（{exc}）。", f"The file cannot be downloaded ({exc})."
        ) from exc
    if len(content) > limit:
        raise too_large
    return content


def _files_check(dataset: Dataset, result: HarvestResult) -> None:
    """Download and check each harvested file; a failing file is recorded, never fatal."""
    for resource in dataset.resources.filter(state=Resource.State.ACTIVE, url_type=""):
        file_format = resource.format.upper()
        if file_format not in CHECKED_FORMATS or not resource.url:
            continue
        result.files_checked += 1
        try:
            content: bytes | None = download(resource.url, limit=services.upload_limit_bytes())
            problem = ""
        except HarvestError as exc:
            content, problem = None, str(exc)
        version = services.resource_harvest_check(
            resource=resource,
            filename=_filename_of(resource.url, file_format),
            content=content,
            problem=problem,
        )
        if version is None:
            result.files_refused += 1
            result.messages.append(f"{dataset.name} / {resource.name}: {resource.check_message}")
        else:
            result.checked_resource_ids.append(resource.pk)


def _record(source: HarvestSource, status: str, message: str) -> None:
    with transaction.atomic():
        HarvestSource.objects.filter(pk=source.pk).update(
            last_run_at=timezone.now(), last_status=status, last_message=message[:10000]
        )


def harvest_sources_due() -> list[HarvestSource]:
    now = timezone.now()
    return [
        source
        for source in HarvestSource.objects.filter(enabled=True).select_related("organization")
        if source.last_run_at is None
        or source.last_run_at + timedelta(hours=source.interval_hours) <= now
    ]
