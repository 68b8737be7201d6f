"""Writes of the open data catalog.

Data sets and resources arrive as CKAN-shaped dicts (from the Action API, the
seed or ``ckanapi load``); every write is checked completely first and then
done in one transaction, so a refused request changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename

from ukai.core.errors import UkaiError
from ukai.core.japanese.lgcode import lgcode_normalize
from ukai.core.service import audit_log

from .errors import CatalogValidationError
from .excel import excel_lint, excel_to_csv
from .geojson import geojson_issues
from .models import (
    NAME_PATTERN,
    DailyCount,
    Dataset,
    Group,
    Organization,
    Publisher,
    Resource,
    ResourceVersion,
    Tag,
)
from .reference import (
    DEFAULT_GROUPS,
    DEFAULT_LICENSE_ID,
    GIFU_MUNICIPALITIES,
    GIFU_PREFECTURE,
    LICENSES,
    STANDARD_DATASETS,
)
from .selectors import (
    organization_by_id_or_name,
    search_index_clear,
    staff_can_publish,
    table_diff,
    table_from_bytes,
    version_table,
)
from .validation import standard_schemas, standard_validate

_NAME_RE = re.compile(NAME_PATTERN)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Fields kept as columns; CKAN clients may send them top-level or as extras.
_CUSTOM_FIELDS = (
    "update_frequency",
    "spatial",
    "temporal_start",
    "temporal_end",
    "contact_name",
    "contact_email",
    "standard_dataset",
)
_MAX_TAGS = 50
_MAX_RESOURCES = 100


def upload_limit_bytes() -> int:
    """The largest file a resource may have (``UKAI_OPENDATA_MAX_UPLOAD_BYTES``)."""
    return int(getattr(settings, "UKAI_OPENDATA_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def upload_limit_text() -> str:
    limit = upload_limit_bytes()
    if limit >= 1024 * 1024:
        return f"{limit / 1024 / 1024:g} MB"
    return f"{limit:,} bytes"


def search_text_normalize(text: str) -> str:
    """NFKC and lower case: what both the index and the query are compared as."""
    return unicodedata.normalize("NFKC", text).lower()


# --- organisations and groups -----------------------------------------------------


@transaction.atomic
def organizations_ensure_gifu() -> list[Organization]:
    """Create (or keep) Gifu Prefecture and its 42 municipalities; idempotent."""
    found = []
    for code5, title, title_en, name in (GIFU_PREFECTURE, *GIFU_MUNICIPALITIES):
        lgcode = lgcode_normalize(code5)
        organization, _ = Organization.objects.get_or_create(
            lgcode=lgcode,
            defaults={"name": name, "title": title, "title_en": title_en},
        )
        found.append(organization)
    return found


@transaction.atomic
def groups_ensure_default() -> list[Group]:
    """Create (or keep) the default categories; idempotent."""
    return [
        Group.objects.get_or_create(name=name, defaults={"title": title, "description": text})[0]
        for name, title, text in DEFAULT_GROUPS
    ]


@transaction.atomic
def publisher_set(*, staff: Any, organization: Organization, role: str = "editor") -> Publisher:
    """Let ``staff`` publish for ``organization`` as editor or admin."""
    if role not in Publisher.Role.values:
        raise CatalogValidationError(
            {"role": ["権限は editor か admin です。 / role is editor or admin."]}
        )
    publisher, _ = Publisher.objects.update_or_create(
        staff=staff, organization=organization, defaults={"role": role}
    )
    audit_log(
        action="update",
        object_type="opendata.publisher",
        object_id=publisher.pk,
        fields=["staff", "organization", "role"],
        purpose=f"オープンデータ公開担当者の設定（{organization.title}・{role}）",
    )
    return publisher


@transaction.atomic
def publisher_remove(*, publisher: Publisher) -> None:
    """Take away a member's right to publish for an organisation."""
    audit_log(
        action="delete",
        object_type="opendata.publisher",
        object_id=publisher.pk,
        fields=["staff", "organization", "role"],
        purpose=f"オープンデータ公開担当者の解除（{publisher.organization.title}）",
    )
    publisher.delete()


def _not_publisher(organization: Organization) -> UkaiError:
    return UkaiError(
        code="not_publisher",
        message_ja=f"{organization.title}のデータセットを公開・更新する権限がありません。",
        message_en=f"You may not publish or update data sets of {organization.title_en or organization.name}.",
        status=403,
    )


# --- counters -------------------------------------------------------------------


def daily_count_increment(*, kind: str, key: str, day: date | None = None) -> None:
    """Add one to today's counter (API calls per action, downloads per resource)."""
    day = day or timezone.localdate()
    updated = DailyCount.objects.filter(day=day, kind=kind, key=key).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            DailyCount.objects.create(day=day, kind=kind, key=key, count=1)
    except IntegrityError:
        DailyCount.objects.filter(day=day, kind=kind, key=key).update(count=F("count") + 1)


def api_call_record(*, action: str) -> None:
    daily_count_increment(kind=DailyCount.Kind.API_CALL, key=action[:100])


def resource_download_record(*, resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    daily_count_increment(kind=DailyCount.Kind.DOWNLOAD, key=str(resource.pk))


# --- checking input ---------------------------------------------------------------


class _Errors:
    """Collects messages per field, CKAN style: ``{"name": ["..."]}``."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message_ja: str, message_en: str) -> None:
        self.fields.setdefault(field, []).append(f"{message_ja} / {message_en}")

    def raise_if_any(self) -> None:
        if self.fields:
            raise CatalogValidationError(self.fields)


def _text(
    data: Mapping[str, Any], key: str, errors: _Errors, *, max_length: int, default: str = ""
) -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        else:
            errors.add(key, "文字列で指定してください。", "Must be a string.")
            return default
    value = value.strip()
    if _CONTROL_RE.search(value):
        errors.add(key, "制御文字は使えません。", "Control characters are not allowed.")
        return default
    if len(value) > max_length:
        errors.add(
            key,
            f"{max_length}文字以内で入力してください。",
            f"Must be at most {max_length} characters.",
        )
        return default
    return value


def _bool(data: Mapping[str, Any], key: str, errors: _Errors, *, default: bool) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no"}:
        return value.lower() in {"true", "1", "yes"}
    if value is None:
        return default
    errors.add(key, "true か false で指定してください。", "Must be true or false.")
    return default


def _name(value: str, errors: _Errors, *, field: str = "name") -> str:
    if not _NAME_RE.match(value):
        errors.add(
            field,
            "名前（URL）は2〜100文字の半角英小文字・数字・-・_で入力してください。",
            "Must be 2-100 characters of lowercase ASCII letters, digits, - and _.",
        )
    return value


def _date(value: Any, field: str, errors: _Errors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    errors.add(
        field,
        "日付は西暦の YYYY-MM-DD で入力してください。",
        "Dates are YYYY-MM-DD (Gregorian).",
    )
    return None


def _extras_of(data: Mapping[str, Any], errors: _Errors) -> dict[str, str]:
    raw = data.get("extras") or []
    extras: dict[str, str] = {}
    if not isinstance(raw, list):
        errors.add(
            "extras",
            "key と value の組のリストで指定してください。",
            "Must be a list of {key, value}.",
        )
        return extras
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            errors.add(
                "extras",
                "key と value の組のリストで指定してください。",
                "Must be a list of {key, value}.",
            )
            continue
        value = item.get("value", "")
        value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if _CONTROL_RE.search(item["key"]) or _CONTROL_RE.search(value) or len(value) > 10000:
            errors.add(
                "extras",
                f"追加項目「{item['key'][:50]}」に制御文字があるか、長すぎます（10000文字まで）。",
                "An extra contains control characters or is too long (10,000 characters at most).",
            )
            continue
        extras[item["key"][:100]] = value
    return extras


def _names_from(value: Any, field: str, errors: _Errors) -> list[str]:
    """Tags or groups as CKAN sends them: ``[{"name": ...}]`` (or ids, or plain strings)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        errors.add(field, "リストで指定してください。", "Must be a list.")
        return []
    names = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("name") or item.get("id") or ""
        if not isinstance(item, str) or not item.strip():
            errors.add(field, "名前を指定してください。", "Each item needs a name.")
            continue
        names.append(unicodedata.normalize("NFKC", item).strip())
    return names


@dataclass
class _DatasetInput:
    values: dict[str, Any]
    tags: list[str] | None
    groups: list[Group] | None
    resources: list[dict[str, Any]] | None


def _dataset_input(
    data: Mapping[str, Any], *, existing: Dataset | None, partial: bool, staff: Any
) -> _DatasetInput:
    """Check a CKAN package dict completely; raise with every field's messages."""
    errors = _Errors()
    values: dict[str, Any] = {}

    def present(key: str) -> bool:
        return key in data or not partial

    extras = _extras_of(data, errors)
    # Custom fields may come as extras (CKAN without a schema extension) or top-level.
    merged: dict[str, Any] = dict(data)
    for key in _CUSTOM_FIELDS:
        if key in extras and key not in data:
            merged[key] = extras.pop(key)

    if present("name"):
        name = _text(merged, "name", errors, max_length=100)
        if not name:
            errors.add("name", "名前（URL）は必須です。", "Missing value")
        else:
            _name(name, errors)
            clash = Dataset.objects.filter(name=name)
            if existing is not None:
                clash = clash.exclude(pk=existing.pk)
            if clash.exists():
                errors.add(
                    "name", "この名前（URL）は既に使われています。", "That URL is already in use."
                )
        values["name"] = name
    if present("title"):
        values["title"] = _text(merged, "title", errors, max_length=300) or merged.get("name") or ""
    if present("notes"):
        values["notes"] = _text(merged, "notes", errors, max_length=20000)
    if present("version"):
        values["version"] = _text(merged, "version", errors, max_length=100)
    if present("license_id"):
        license_id = _text(merged, "license_id", errors, max_length=30) or DEFAULT_LICENSE_ID
        if license_id not in LICENSES:
            allowed = ", ".join(LICENSES)
            errors.add(
                "license_id",
                f"ライセンスは {allowed} のいずれかを指定してください。",
                f"The licence must be one of {allowed}.",
            )
        values["license_id"] = license_id
    if present("private"):
        values["private"] = _bool(merged, "private", errors, default=False)

    if present("owner_org"):
        owner = merged.get("owner_org")
        if not owner and isinstance(merged.get("organization"), dict):
            owner = merged["organization"].get("id") or merged["organization"].get("name")
        organization = (
            organization_by_id_or_name(str(owner)) if isinstance(owner, str) and owner else None
        )
        if organization is None:
            errors.add("owner_org", "組織が見つかりません。", "Organization does not exist.")
        elif staff is not None and not staff_can_publish(staff=staff, organization=organization):
            raise _not_publisher(organization)
        values["organization"] = organization

    if present("update_frequency"):
        frequency = _text(merged, "update_frequency", errors, max_length=20) or "irregular"
        if frequency not in Dataset.Frequency.values:
            errors.add(
                "update_frequency",
                "更新頻度は " + ", ".join(Dataset.Frequency.values) + " のいずれかです。",
                "update_frequency is one of " + ", ".join(Dataset.Frequency.values) + ".",
            )
        values["update_frequency"] = frequency
    if present("spatial"):
        values["spatial"] = _text(merged, "spatial", errors, max_length=200)
    if present("temporal_start"):
        values["temporal_start"] = _date(merged.get("temporal_start"), "temporal_start", errors)
    if present("temporal_end"):
        values["temporal_end"] = _date(merged.get("temporal_end"), "temporal_end", errors)
    start = values.get("temporal_start", existing.temporal_start if existing else None)
    end = values.get("temporal_end", existing.temporal_end if existing else None)
    if start and end and start > end:
        errors.add(
            "temporal_end",
            "対象期間の終了は開始より後にしてください。",
            "The end of the period must not be before its start.",
        )
    if present("contact_name"):
        values["contact_name"] = _text(merged, "contact_name", errors, max_length=200)
    if present("contact_email"):
        email = _text(merged, "contact_email", errors, max_length=254)
        if email:
            try:
                EmailValidator()(email)
            except DjangoValidationError:
                errors.add(
                    "contact_email",
                    "メールアドレスの形式が正しくありません。",
                    "Invalid e-mail address.",
                )
        values["contact_email"] = email
    if present("standard_dataset"):
        standard = _text(merged, "standard_dataset", errors, max_length=100)
        if standard and standard not in STANDARD_DATASETS:
            errors.add(
                "standard_dataset",
                "標準データセットの名前が正しくありません（例: AED設置箇所一覧）。",
                "Unknown standard data set (e.g. AED設置箇所一覧).",
            )
        values["standard_dataset"] = standard
    if "extras" in data or not partial:
        values["extras"] = extras

    tags: list[str] | None = None
    if "tags" in data or not partial:
        tags = _names_from(data.get("tags"), "tags", errors)
        if len(tags) > _MAX_TAGS:
            errors.add("tags", f"タグは{_MAX_TAGS}個までです。", f"At most {_MAX_TAGS} tags.")
        for tag in tags:
            if len(tag) > 100 or _CONTROL_RE.search(tag):
                errors.add("tags", "タグは100文字以内です。", "Tags are at most 100 characters.")

    groups: list[Group] | None = None
    if "groups" in data or not partial:
        groups = []
        for name in _names_from(data.get("groups"), "groups", errors):
            group = Group.objects.filter(name=name).first() or _group_by_uuid(name)
            if group is None:
                errors.add(
                    "groups", f"分類「{name}」が見つかりません。", f"Group {name} does not exist."
                )
            else:
                groups.append(group)

    resources: list[dict[str, Any]] | None = None
    if "resources" in data or (not partial and existing is None):
        raw = data.get("resources") or []
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            errors.add(
                "resources", "リソースのリストで指定してください。", "Must be a list of resources."
            )
        elif len(raw) > _MAX_RESOURCES:
            errors.add(
                "resources",
                f"リソースは{_MAX_RESOURCES}個までです。",
                f"At most {_MAX_RESOURCES} resources.",
            )
        else:
            resources = raw
            for index, item in enumerate(raw):
                sub = _Errors()
                _resource_values(item, sub, partial=False, has_upload=False)
                for field, messages in sub.fields.items():
                    for message in messages:
                        errors.fields.setdefault(f"resources[{index}].{field}", []).append(message)

    errors.raise_if_any()
    return _DatasetInput(values=values, tags=tags, groups=groups, resources=resources)


def _group_by_uuid(value: str) -> Group | None:
    try:
        return Group.objects.filter(pk=value).first()
    except DjangoValidationError:
        return None


_url_validator = URLValidator(schemes=["http", "https"])


def _resource_values(
    data: Mapping[str, Any], errors: _Errors, *, partial: bool, has_upload: bool
) -> dict[str, Any]:
    values: dict[str, Any] = {}

    def present(key: str) -> bool:
        return key in data or not partial

    if present("name"):
        values["name"] = _text(data, "name", errors, max_length=300)
    if present("description"):
        values["description"] = _text(data, "description", errors, max_length=10000)
    if present("format"):
        values["format"] = _text(data, "format", errors, max_length=30).upper()
    if present("mimetype"):
        values["mimetype"] = _text(data, "mimetype", errors, max_length=100)
    # A resource uploaded to another catalog (url_type "upload", e.g. from `ckanapi load`)
    # arrives here as a link to that catalog's file.
    if not has_upload and present("url"):
        url = _text(data, "url", errors, max_length=1000)
        # A catalog's own download URL may name a host without a domain (localhost, testserver).
        lenient = data.get("url_type") == "upload" and url.startswith(("http://", "https://"))
        if url and not lenient:
            try:
                _url_validator(url)
            except DjangoValidationError:
                errors.add(
                    "url",
                    "URLは http:// か https:// で始めてください。",
                    "The URL must start with http:// or https://.",
                )
        values["url"] = url
        values["url_type"] = ""
    return values


# --- uploads ----------------------------------------------------------------------


@dataclass
class UploadCheck:
    encoding: str
    rows: int | None
    # For an XLSX workbook: the findings of 総務省's rules (``excel.excel_lint``).
    excel_issues: list[dict[str, Any]] | None = None


def _decode_error_position(content: bytes, exc: UnicodeDecodeError) -> tuple[int, int]:
    line = content[: exc.start].count(b"\n") + 1
    return line, exc.start + 1


def upload_check(*, content: bytes, filename: str, file_format: str) -> UploadCheck:
    """Refuse a file that is too large, or a CSV that cannot be read; say where and why."""
    limit = upload_limit_bytes()
    if len(content) > limit:
        raise CatalogValidationError(
            {
                "upload": [
                    f"ファイルが大きすぎます（上限 {upload_limit_text()}）。 / "
                    f"The file is too large (limit {upload_limit_text()})."
                ]
            }
        )
    if not content:
        raise CatalogValidationError({"upload": ["ファイルが空です。 / The file is empty."]})
    is_xlsx = file_format.upper() in ("XLSX", "XLSM") or filename.lower().endswith(
        (".xlsx", ".xlsm")
    )
    if is_xlsx:
        try:
            issues = excel_lint(content)
        except CatalogValidationError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise CatalogValidationError(
                {
                    "upload": [
                        "XLSX として読めません（壊れているか、別の形式です）。 / Not a readable XLSX file."
                    ]
                }
            ) from exc
        return UploadCheck(encoding="", rows=None, excel_issues=[asdict(i) for i in issues])
    lowered = filename.lower()
    if file_format.upper() in ("JSON", "GEOJSON") or lowered.endswith((".json", ".geojson")):
        json_check(
            content, geojson=file_format.upper() == "GEOJSON" or lowered.endswith(".geojson")
        )
        return UploadCheck(encoding="utf-8", rows=None)
    is_csv = file_format.upper() == "CSV" or filename.lower().endswith(".csv")
    if not is_csv:
        return UploadCheck(encoding="", rows=None)
    text, encoding = csv_decode(content)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise CatalogValidationError(
            {
                "upload": [
                    f'CSVとして読めません（{exc}）。引用符（"）の対応を確認してください。 / '
                    f'The CSV cannot be parsed ({exc}). Check the quotes (").'
                ]
            }
        ) from exc
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CatalogValidationError({"upload": ["CSVに行がありません。 / The CSV has no rows."]})
    width = len(rows[0])
    if any(not cell.strip() for cell in rows[0]):
        raise CatalogValidationError(
            {
                "upload": [
                    "CSVの1行目（見出し）に空の列名があります。 / The CSV header has an empty column name."
                ]
            }
        )
    bad = [(number, len(row)) for number, row in enumerate(rows[1:], start=2) if len(row) != width]
    if bad:
        shown = "、".join(f"{n}行目（{w}列）" for n, w in bad[:5])
        shown_en = ", ".join(f"row {n} ({w} columns)" for n, w in bad[:5])
        raise CatalogValidationError(
            {
                "upload": [
                    f"CSVの列の数がそろっていません。見出しは{width}列ですが、{shown}が違います"
                    f"（全{len(bad)}行）。 / The rows of the CSV do not all have {width} columns "
                    f"like its header: {shown_en} ({len(bad)} rows in all)."
                ]
            }
        )
    return UploadCheck(encoding=encoding, rows=len(rows) - 1)


def json_check(content: bytes, *, geojson: bool) -> None:
    """Refuse JSON that does not parse (with its line and column), and GeoJSON that breaks
    RFC 7946 or lies outside Japan (``geojson.geojson_issues``, by feature index)."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CatalogValidationError(
            {"upload": ["JSON は UTF-8 で保存してください。 / JSON must be UTF-8."]}
        ) from exc
    except json.JSONDecodeError as exc:
        raise CatalogValidationError(
            {
                "upload": [
                    f"JSON として読めません（{exc.lineno}行目 {exc.colno}文字目: {exc.msg}）。 / "
                    f"Not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
                ]
            }
        ) from exc
    if not geojson:
        return
    issues, total = geojson_issues(document)
    if issues:
        messages = [issue.text() for issue in issues]
        if total > len(issues):
            messages.append(
                f"ほかに{total - len(issues)}件の問題があります。 / "
                f"{total - len(issues)} more problems."
            )
        raise CatalogValidationError(
            {"upload": messages},
            message_ja=f"GeoJSON に{total}件の問題があります。{issues[0].message_ja}",
            message_en=f"The GeoJSON has {total} problem(s). {issues[0].message_en}",
        )


def csv_decode(content: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or Shift_JIS (CP932); refuse anything else."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        line, offset = _decode_error_position(content, exc)
        raise CatalogValidationError(
            {
                "upload": [
                    f"文字コードを判別できません。{line}行目（{offset}バイト目）に UTF-8 でも"
                    f" Shift_JIS（CP932）でも読めない文字があります。UTF-8 で保存し直してください。 / "
                    f"The encoding cannot be determined: line {line} (byte {offset}) is neither "
                    f"UTF-8 nor Shift_JIS (CP932). Save the file as UTF-8."
                ]
            }
        ) from exc


def _safe_filename(filename: str) -> str:
    base = PurePath(filename.replace("\\", "/")).name or "file"
    base = unicodedata.normalize("NFC", base)
    try:
        cleaned = get_valid_filename(base)
    except Exception:
        cleaned = "file"
    return cleaned[:200] or "file"


def _versions_add(
    *,
    resource: Resource,
    content: bytes,
    filename: str,
    check: UploadCheck,
    actor_name: str,
    repair: bool,
) -> ResourceVersion:
    """Store an upload; for a standard data set, check it and (``repair``) publish the repair too.

    An XLSX workbook is kept with its lint; with ``repair`` its first sheet is also
    published as CSV (checked and repaired like any CSV of a standard data set).
    """
    standard = resource.dataset.standard_dataset
    if check.excel_issues is not None:
        lint = {
            "excel_issues": check.excel_issues[:1000],
            "errors": len(check.excel_issues),
            "repairs": 0,
        }
        workbook = _version_add(
            resource=resource,
            content=content,
            filename=filename,
            check=check,
            actor_name=actor_name,
            validation=lint,
        )
        if not repair:
            return workbook
        converted = excel_to_csv(content)
        stem = PurePath(_safe_filename(filename)).stem
        resource.format = "CSV"
        resource.save(update_fields=["format", "modified"])
        return _versions_add(
            resource=resource,
            content=converted,
            filename=f"{stem}.csv",
            check=upload_check(content=converted, filename=f"{stem}.csv", file_format="CSV"),
            actor_name=actor_name,
            repair=True,
        )
    if not standard or check.rows is None or standard not in standard_schemas():
        return _version_add(
            resource=resource,
            content=content,
            filename=filename,
            check=check,
            actor_name=actor_name,
        )
    report = standard_validate(content=content, standard=standard)
    original = _version_add(
        resource=resource,
        content=content,
        filename=filename,
        check=check,
        actor_name=actor_name,
        validation=report.as_dict(),
        compliance=report.score,
    )
    if not repair or report.repaired_content is None:
        return original
    fixed = standard_validate(content=report.repaired_content, standard=standard)
    stem = PurePath(_safe_filename(filename)).stem
    return _version_add(
        resource=resource,
        content=report.repaired_content,
        filename=f"{stem}_repaired.csv",
        check=UploadCheck(encoding="utf-8", rows=fixed.rows),
        actor_name=actor_name,
        validation=fixed.as_dict() | {"repairs_applied": [asdict(i) for i in report.repairs]},
        compliance=fixed.score,
        repaired_from=original,
    )


def _version_add(
    *,
    resource: Resource,
    content: bytes,
    filename: str,
    check: UploadCheck,
    actor_name: str,
    validation: dict[str, Any] | None = None,
    compliance: float | None = None,
    repaired_from: ResourceVersion | None = None,
) -> ResourceVersion:
    number = (
        resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    digest = hashlib.sha256(content).hexdigest()
    version = ResourceVersion(
        resource=resource,
        number=number,
        filename=_safe_filename(filename),
        size=len(content),
        hash=digest,
        encoding=check.encoding,
        uploaded_by=actor_name[:150],
        validation=validation or {},
        compliance=compliance,
        repaired_from=repaired_from,
    )
    version.file.save(version.filename, ContentFile(content), save=False)
    # If the transaction is rolled back, the stored file must not stay behind.
    _delete_on_rollback(version.file.storage, version.file.name)
    version.changes = _changes_from_previous(resource=resource, content=content, check=check)
    version.save()
    resource.url_type = "upload"
    resource.url = ""
    resource.size = len(content)
    resource.hash = digest
    resource.save(update_fields=["url_type", "url", "size", "hash", "modified"])
    return version


def _changes_from_previous(
    *, resource: Resource, content: bytes, check: UploadCheck
) -> dict[str, Any]:
    """Row-level diff against the newest existing version, for tables only."""
    if check.rows is None:
        return {}
    previous = resource.versions.order_by("-number").first()
    if previous is None or not previous.encoding:
        return {}
    old = version_table(version=previous)
    new = table_from_bytes(content, encoding=check.encoding)
    if old is None or new is None:
        return {}
    return table_diff(old=old, new=new) | {"from_version": previous.number}


def _delete_on_rollback(storage: Any, name: str | None) -> None:
    # Django has no on_rollback hook: the file is remembered by the innermost
    # ``catalog_write`` block and deleted if the write fails (see _FilesCleanup).
    stack: list[list[tuple[Any, str]]] = getattr(
        transaction.get_connection(), "_ukai_opendata_files", []
    )
    if name and stack:
        stack[-1].append((storage, name))


class _FilesCleanup:
    """``with catalog_write():`` around an atomic write of the catalog.

    Deletes the files saved in it if it fails — also files saved by nested writes that
    succeeded, since the outer transaction undoes them too — and makes this process's
    search see the change at once (again when the transaction commits).
    """

    def __enter__(self) -> None:
        connection = transaction.get_connection()
        stack: list[list[tuple[Any, str]]] | None = getattr(
            connection, "_ukai_opendata_files", None
        )
        if stack is None:
            stack = []
            connection._ukai_opendata_files = stack
        stack.append([])

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        stack: list[list[tuple[Any, str]]] = transaction.get_connection()._ukai_opendata_files
        mine = stack.pop()
        if exc_type is not None:
            for storage, name in mine:
                storage.delete(name)
            return
        if stack:
            stack[-1].extend(mine)
        search_index_clear()
        transaction.on_commit(search_index_clear)


def catalog_write() -> _FilesCleanup:
    """Wrap a multi-step write of the catalog (e.g. the seed) so that a failure leaves no files."""
    return _FilesCleanup()


# --- data sets and resources ----------------------------------------------------------


def _actor_name(staff: Any) -> str:
    return str(staff.get_username()) if staff is not None else "system"


def dataset_search_text(dataset: Dataset) -> str:
    parts = [
        dataset.name,
        dataset.title,
        dataset.notes,
        dataset.organization.title,
        dataset.standard_dataset,
        " ".join(dataset.tags.values_list("name", flat=True)),
        " ".join(dataset.groups.values_list("title", flat=True)),
        " ".join(dataset.resources.filter(state="active").values_list("name", flat=True)),
    ]
    return search_text_normalize("\n".join(p for p in parts if p))


def _tags_set(dataset: Dataset, names: Iterable[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(names)]
    dataset.tags.set(tags)


def _audit_contact(dataset: Dataset, *, action: str, staff: Any, fields: list[str]) -> None:
    touched = [f for f in fields if f in Dataset.personal_data_fields]
    if touched:
        audit_log(
            action=action,
            obj=dataset,
            fields=touched,
            purpose=f"オープンデータの問い合わせ先の登録（{_actor_name(staff)}）",
        )


def dataset_create(*, data: Mapping[str, Any], staff: Any) -> Dataset:
    """Create a data set (with its resources) from a CKAN package dict.

    ``staff`` is the publisher (``None`` for the seed, which may publish for any organisation).
    """
    checked = _dataset_input(data, existing=None, partial=False, staff=staff)
    with _FilesCleanup(), transaction.atomic():
        dataset = Dataset.objects.create(**checked.values)
        _tags_set(dataset, checked.tags or [])
        dataset.groups.set(checked.groups or [])
        for position, item in enumerate(checked.resources or []):
            _resource_create_checked(dataset=dataset, data=item, position=position)
        dataset.search_text = dataset_search_text(dataset)
        dataset.save(update_fields=["search_text"])
        _audit_contact(dataset, action="create", staff=staff, fields=list(checked.values))
    return dataset


def dataset_update(
    *, dataset: Dataset, data: Mapping[str, Any], staff: Any, partial: bool
) -> Dataset:
    """package_update (``partial=False``: fields left out are cleared) or package_patch."""
    if staff is not None and not staff_can_publish(staff=staff, organization=dataset.organization):
        raise _not_publisher(dataset.organization)
    checked = _dataset_input(data, existing=dataset, partial=partial, staff=staff)
    with _FilesCleanup(), transaction.atomic():
        for key, value in checked.values.items():
            setattr(dataset, key, value)
        dataset.save()
        if checked.tags is not None:
            _tags_set(dataset, checked.tags)
        if checked.groups is not None:
            dataset.groups.set(checked.groups)
        if checked.resources is not None:
            _resources_replace(dataset=dataset, items=checked.resources)
        dataset.search_text = dataset_search_text(dataset)
        dataset.save(update_fields=["search_text", "modified"])
        _audit_contact(dataset, action="update", staff=staff, fields=list(checked.values))
    return dataset


def _resources_replace(*, dataset: Dataset, items: list[dict[str, Any]]) -> None:
    """package_update's resources: keep those named by id, add new ones, delete the rest."""
    existing = {str(r.pk): r for r in dataset.resources.filter(state=Resource.State.ACTIVE)}
    kept: set[str] = set()
    for position, item in enumerate(items):
        resource = existing.get(str(item.get("id", "")))
        if resource is None:
            _resource_create_checked(dataset=dataset, data=item, position=position)
            continue
        kept.add(str(resource.pk))
        errors = _Errors()
        values = _resource_values(item, errors, partial=True, has_upload=resource.is_upload)
        errors.raise_if_any()
        for key, value in values.items():
            setattr(resource, key, value)
        resource.position = position
        resource.save()
    for key, resource in existing.items():
        if key not in kept:
            resource.state = Resource.State.DELETED
            resource.save(update_fields=["state", "modified"])


def _resource_create_checked(
    *, dataset: Dataset, data: Mapping[str, Any], position: int
) -> Resource:
    errors = _Errors()
    values = _resource_values(data, errors, partial=False, has_upload=False)
    errors.raise_if_any()
    if not values.get("name"):
        values["name"] = values.get("url", "").rsplit("/", 1)[-1] or "resource"
    return Resource.objects.create(dataset=dataset, position=position, **values)


def resource_create(
    *,
    dataset: Dataset,
    data: Mapping[str, Any],
    staff: Any,
    upload: tuple[str, bytes] | None = None,
    repair: bool = False,
) -> Resource:
    """Add a resource: a link (``url``) or an uploaded file ``(filename, content)``."""
    if staff is not None and not staff_can_publish(staff=staff, organization=dataset.organization):
        raise _not_publisher(dataset.organization)
    errors = _Errors()
    values = _resource_values(data, errors, partial=False, has_upload=upload is not None)
    errors.raise_if_any()
    check = None
    if upload is not None:
        filename, content = upload
        if not values.get("format"):
            values["format"] = PurePath(filename).suffix.lstrip(".").upper()[:30]
        check = upload_check(content=content, filename=filename, file_format=values["format"])
        values.setdefault("name", "")
        values["name"] = values["name"] or _safe_filename(filename)
    with _FilesCleanup(), transaction.atomic():
        position = dataset.resources.count()
        resource = Resource.objects.create(dataset=dataset, position=position, **values)
        if upload is not None and check is not None:
            _versions_add(
                resource=resource,
                content=upload[1],
                filename=upload[0],
                check=check,
                actor_name=_actor_name(staff),
                repair=repair,
            )
        dataset.search_text = dataset_search_text(dataset)
        dataset.save(update_fields=["search_text", "modified"])
    return resource


def resource_patch(
    *,
    resource: Resource,
    data: Mapping[str, Any],
    staff: Any,
    upload: tuple[str, bytes] | None = None,
    repair: bool = False,
) -> Resource:
    """Change a resource's fields and/or upload a new version of its file."""
    dataset = resource.dataset
    if staff is not None and not staff_can_publish(staff=staff, organization=dataset.organization):
        raise _not_publisher(dataset.organization)
    errors = _Errors()
    values = _resource_values(data, errors, partial=True, has_upload=upload is not None)
    errors.raise_if_any()
    check = None
    if upload is not None:
        check = upload_check(
            content=upload[1],
            filename=upload[0],
            file_format=values.get("format") or resource.format,
        )
    with _FilesCleanup(), transaction.atomic():
        for key, value in values.items():
            setattr(resource, key, value)
        resource.save()
        if upload is not None and check is not None:
            _versions_add(
                resource=resource,
                content=upload[1],
                filename=upload[0],
                check=check,
                actor_name=_actor_name(staff),
                repair=repair,
            )
        dataset.search_text = dataset_search_text(dataset)
        dataset.save(update_fields=["search_text", "modified"])
    return resource


def resource_harvest_check(
    *, resource: Resource, filename: str, content: bytes | None, problem: str = ""
) -> ResourceVersion | None:
    """Check a harvested file like an upload (size, encoding, layout, the standard data set)
    and keep it as a version; the resource stays a link to the remote file.

    ``content`` None (or a refused file) records ``problem`` (or the refusal) on the
    resource instead, for the data set page; nothing else changes.
    """
    if content is not None:
        try:
            check = upload_check(content=content, filename=filename, file_format=resource.format)
        except CatalogValidationError as exc:
            problem = " ".join(m for messages in exc.fields.values() for m in messages)
        else:
            with _FilesCleanup(), transaction.atomic():
                url, url_type = resource.url, resource.url_type
                version = _versions_add(
                    resource=resource,
                    content=content,
                    filename=filename,
                    check=check,
                    actor_name="harvest",
                    repair=False,
                )
                Resource.objects.filter(pk=resource.pk).update(
                    url=url, url_type=url_type, check_message=""
                )
            resource.refresh_from_db()
            return version
    Resource.objects.filter(pk=resource.pk).update(check_message=problem[:4000])
    resource.check_message = problem[:4000]
    return None


def dataset_delete(*, dataset: Dataset, staff: Any) -> Dataset:
    """Mark a data set deleted: it leaves the catalog and the API; its rows and files stay."""
    if staff is not None and not staff_can_publish(staff=staff, organization=dataset.organization):
        raise _not_publisher(dataset.organization)
    with _FilesCleanup(), transaction.atomic():
        dataset.state = Dataset.State.DELETED
        dataset.save(update_fields=["state", "modified"])
    return dataset


def resource_delete(*, resource: Resource, staff: Any) -> Resource:
    """Mark a resource deleted; its versions (files) are kept."""
    dataset = resource.dataset
    if staff is not None and not staff_can_publish(staff=staff, organization=dataset.organization):
        raise _not_publisher(dataset.organization)
    with _FilesCleanup(), transaction.atomic():
        resource.state = Resource.State.DELETED
        resource.save(update_fields=["state", "modified"])
        dataset.search_text = dataset_search_text(dataset)
        dataset.save(update_fields=["search_text", "modified"])
    return resource
