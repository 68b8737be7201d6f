"""Reads of the open data catalog, including search with facets.

Search matches the NFKC-normalised, lower-cased text of a data set (title,
description, tags, organisation, categories, resource names) as phrases: a
query word must occur as written, so two-character Japanese words (避難, 人口)
are found and nothing matches on scattered fragments. See docs/adr/0020.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import time as time_module
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from ukai.core.service import Role

from .errors import SearchQueryError
from .models import (
    DailyCount,
    Dataset,
    Group,
    Organization,
    Publisher,
    Resource,
    ResourceVersion,
    Tag,
)

MAX_ROWS = 1000
DEFAULT_ROWS = 10
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "standard_dataset")


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


# --- organisations, groups, tags ------------------------------------------------------


def organization_by_id_or_name(value: str) -> Organization | None:
    key = _as_uuid(value)
    if key is not None:
        return Organization.objects.filter(pk=key).first()
    return Organization.objects.filter(name=value).first()


def organization_by_lgcode(value: str) -> Organization | None:
    if len(value) != 6 or not value.isdigit():
        return None
    return Organization.objects.filter(lgcode=value).first()


def group_by_id_or_name(value: str) -> Group | None:
    key = _as_uuid(value)
    if key is not None:
        return Group.objects.filter(pk=key).first()
    return Group.objects.filter(name=value).first()


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.annotate(
        package_count=Count("datasets", filter=Q(datasets__state="active", datasets__private=False))
    ).order_by("lgcode")


def group_list() -> QuerySet[Group]:
    return Group.objects.annotate(
        package_count=Count("datasets", filter=Q(datasets__state="active", datasets__private=False))
    ).order_by("name")


def tag_list(*, query: str = "") -> QuerySet[Tag]:
    tags = Tag.objects.filter(datasets__state="active", datasets__private=False).distinct()
    if query:
        tags = tags.filter(name__icontains=unicodedata.normalize("NFKC", query))
    return tags.order_by("name")


# --- permissions ----------------------------------------------------------------------


def staff_can_publish(*, staff: Any, organization: Organization) -> bool:
    """System administrators publish for every organisation; others where they are publishers."""
    if staff is None or not getattr(staff, "is_active", False):
        return False
    if staff.is_superuser or getattr(staff, "role", "") == Role.ADMIN:
        return True
    return Publisher.objects.filter(staff=staff, organization=organization).exists()


def staff_can_manage_publishers(*, staff: Any, organization: Organization) -> bool:
    """System administrators, and the organisation's publishers with the admin role."""
    if staff is None or not getattr(staff, "is_active", False):
        return False
    if staff.is_superuser or getattr(staff, "role", "") == Role.ADMIN:
        return True
    return Publisher.objects.filter(
        staff=staff, organization=organization, role=Publisher.Role.ADMIN
    ).exists()


def publisher_list(*, organizations: list[Organization]) -> QuerySet[Publisher]:
    return (
        Publisher.objects.filter(organization__in=organizations)
        .select_related("staff", "organization")
        .order_by("organization__lgcode", "staff__username")
    )


def staff_organization_ids(*, staff: Any) -> set[uuid.UUID]:
    if staff is None:
        return set()
    if staff.is_superuser or getattr(staff, "role", "") == Role.ADMIN:
        return set(Organization.objects.values_list("pk", flat=True))
    return set(Publisher.objects.filter(staff=staff).values_list("organization_id", flat=True))


# --- data sets ------------------------------------------------------------------------


def _with_related(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return datasets.select_related("organization").prefetch_related(
        "tags",
        "groups",
        Prefetch(
            "resources",
            queryset=Resource.objects.filter(state=Resource.State.ACTIVE)
            .order_by("position", "created")
            .prefetch_related("versions"),
            to_attr="active_resources",
        ),
    )


def datasets_visible(*, staff: Any = None, include_private: bool = False) -> QuerySet[Dataset]:
    """Active data sets; private ones only for their organisation's publishers."""
    datasets = Dataset.objects.filter(state=Dataset.State.ACTIVE)
    if include_private and staff is not None:
        return datasets.filter(
            Q(private=False) | Q(organization_id__in=staff_organization_ids(staff=staff))
        )
    return datasets.filter(private=False)


def dataset_by_id_or_name(value: str, *, staff: Any = None) -> Dataset | None:
    """A data set the reader may see, with its organisation, tags, groups and resources."""
    datasets = _with_related(datasets_visible(staff=staff, include_private=True))
    key = _as_uuid(value)
    if key is not None:
        return datasets.filter(pk=key).first()
    return datasets.filter(name=value).first()


def resource_by_id(value: str, *, staff: Any = None) -> Resource | None:
    key = _as_uuid(value)
    if key is None:
        return None
    visible = datasets_visible(staff=staff, include_private=True)
    return (
        Resource.objects.select_related("dataset", "dataset__organization")
        .filter(pk=key, state=Resource.State.ACTIVE, dataset__in=visible)
        .first()
    )


def resource_latest_version(*, resource: Resource) -> Any:
    """The newest uploaded file (uses prefetched versions when there are any)."""
    versions = list(resource.versions.all())
    return max(versions, key=lambda v: v.number) if versions else None


def dataset_names(*, limit: int | None = None, offset: int = 0) -> list[str]:
    names = datasets_visible().order_by("name").values_list("name", flat=True)
    if limit is not None:
        return list(names[offset : offset + limit])
    return list(names[offset:])


# --- search ---------------------------------------------------------------------------

# Words, "phrases" and field:value / field:"value" terms, each optionally prefixed with + .
_TERM = re.compile(
    r'\s*(?P<plus>\+)?(?:(?P<field>[A-Za-z_]+):(?:"(?P<fvalue_q>[^"]*)"|(?P<fvalue>[^\s"]+))'
    r'|"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))'
)
_SOLR_SPECIAL = re.compile(r"[\[\]{}()~^*?\\!&|]")
_OPERATORS = {"OR", "NOT", "TO", "||", "&&"}

_FIELD_FILTERS: dict[str, str] = {
    "name": "name",
    "organization": "organization__name",
    "owner_org": "owner_org",
    "groups": "groups__name",
    "tags": "tags__name",
    "res_format": "resources__format",
    "license_id": "license_id",
    "standard_dataset": "standard_dataset",
    "id": "pk",
}
_SUPPORTED_TEXT = '語句（空白区切りですべてを含む）、"語句"（フレーズ）、' + "、".join(
    f"{name}:値" for name in _FIELD_FILTERS
)
_SUPPORTED_TEXT_EN = 'words (all must match), "phrases", and ' + ", ".join(
    f"{name}:value" for name in _FIELD_FILTERS
)


def _unsupported(what: str) -> SearchQueryError:
    return SearchQueryError(
        f"Search error: 対応していない検索構文です（{what}）。使えるのは {_SUPPORTED_TEXT} です。",
        f"Search error: unsupported search syntax ({what}). Supported: {_SUPPORTED_TEXT_EN}.",
    )


@dataclass
class ParsedQuery:
    phrases: list[str] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)


def search_query_parse(text: str, *, into: ParsedQuery | None = None) -> ParsedQuery:
    """Parse ``q`` or ``fq`` into phrases and field filters; refuse other Solr syntax."""
    parsed = into or ParsedQuery()
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text or text == "*:*":
        return parsed
    if len(text) > 1000:
        raise SearchQueryError(
            "Search error: 検索語が長すぎます（1000文字まで）。",
            "Search error: the query is too long (1000 characters at most).",
        )
    if text.count('"') % 2:
        raise _unsupported('閉じていない " / unbalanced "')
    position = 0
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        if match.group("field") is not None:
            name = match.group("field")
            value = match.group("fvalue_q")
            if value is None:
                value = match.group("fvalue")
                if _SOLR_SPECIAL.search(value):
                    raise _unsupported(match.group(0).strip())
            if name in ("dataset_type", "type"):
                if value != "dataset":
                    parsed.filters.append(("pk", "00000000-0000-0000-0000-000000000000"))
                continue
            if name == "capacity":
                if value not in ("public", "private"):
                    raise _unsupported(match.group(0).strip())
                parsed.filters.append(("private", "1" if value == "private" else ""))
                continue
            if name in ("text", "q"):
                parsed.phrases.append(value.lower())
                continue
            if name not in _FIELD_FILTERS:
                raise _unsupported(f"{name}:")
            parsed.filters.append((_FIELD_FILTERS[name], value))
            continue
        phrase = match.group("phrase")
        if phrase is not None:
            if phrase.strip():
                parsed.phrases.append(phrase.strip().lower())
            continue
        word = match.group("word")
        if word in _OPERATORS:
            raise _unsupported(word)
        if word in ("AND", "*:*"):
            continue
        if word.startswith("-") or _SOLR_SPECIAL.search(word) or ":" in word:
            raise _unsupported(word)
        parsed.phrases.append(word.lower())
    return parsed


DEFAULT_ORDERING = ["-modified", "name"]
_SORTS: dict[str, str] = {
    "metadata_modified": "modified",
    "metadata_created": "created",
    "name": "name",
    "title_string": "title",
    "title": "title",
}


def search_sort_parse(text: str) -> list[str]:
    """``"metadata_modified desc, name asc"`` → Django ordering; ``score`` means newest first."""
    ordering: list[str] = []
    for part in (text or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise _unsupported(f"sort={part.strip()}")
        key = words[0]
        descending = len(words) == 2 and words[1].lower() == "desc"
        if key == "score":
            continue
        if key not in _SORTS:
            raise SearchQueryError(
                f"Search error: 並べ替えに使えない項目です（{key}）。使えるのは score, "
                + ", ".join(_SORTS)
                + " です。",
                f"Search error: cannot sort by {key}. Use score, " + ", ".join(_SORTS) + ".",
            )
        ordering.append(("-" if descending else "") + _SORTS[key])
    for key in DEFAULT_ORDERING:
        if key.lstrip("-") not in {k.lstrip("-") for k in ordering}:
            ordering.append(key)
    return ordering


@dataclass
class SearchResult:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[tuple[str, str, int]]]


@dataclass(frozen=True)
class _Entry:
    """One data set as the search sees it."""

    pk: uuid.UUID
    name: str
    title: str
    text: str
    organization_id: uuid.UUID
    organization: str
    private: bool
    license_id: str
    standard_dataset: str
    created: datetime
    modified: datetime
    groups: frozenset[str]
    tags: frozenset[str]
    formats: frozenset[str]


@dataclass
class _Index:
    key: tuple[Any, ...]
    entries: list[_Entry]
    organizations: dict[str, str]
    groups: dict[str, str]
    # The unfiltered public catalog is the commonest search (the portal's front page,
    # harvesters paging through everything): its orderings and facets are kept.
    sorted_public: dict[tuple[str, ...], list[_Entry]] = field(default_factory=dict)
    facets_public: dict[tuple[str, int], list[tuple[str, str, int]]] = field(default_factory=dict)
    checked_at: float = 0.0


_index_cache: _Index | None = None
# How long a process trusts its index without asking the database whether the catalog
# changed. Writes in this process clear it at once; other processes follow within this time.
INDEX_CHECK_SECONDS = 1.0


def _index_key() -> tuple[Any, ...]:
    # Every write of a data set (its tags, groups and resources included) saves the
    # data set and so moves ``modified``; the count catches deletions.
    found = Dataset.objects.aggregate(count=Count("pk"), last=Max("modified"))
    return (found["count"], found["last"], Organization.objects.count(), Group.objects.count())


def _search_index() -> _Index:
    """The catalog's searchable fields, held in memory and rebuilt when the catalog changes.

    Plain substring matching over the normalised text is exact phrase search
    (what CJK bigrams with positions compute), and at a municipal catalog's size
    (10,000 data sets: a few MB) a scan in memory is faster than any index.
    See docs/adr/0020 for the scalable design.
    """
    global _index_cache
    now = time_module.monotonic()
    if _index_cache is not None and now - _index_cache.checked_at < INDEX_CHECK_SECONDS:
        return _index_cache
    key = _index_key()
    if _index_cache is not None and _index_cache.key == key:
        _index_cache.checked_at = now
        return _index_cache
    groups: dict[uuid.UUID, set[str]] = {}
    for dataset_id, name in Dataset.groups.through.objects.values_list("dataset_id", "group__name"):
        groups.setdefault(dataset_id, set()).add(name)
    tags: dict[uuid.UUID, set[str]] = {}
    for dataset_id, name in Dataset.tags.through.objects.values_list("dataset_id", "tag__name"):
        tags.setdefault(dataset_id, set()).add(name)
    formats: dict[uuid.UUID, set[str]] = {}
    for dataset_id, fmt in Resource.objects.filter(state=Resource.State.ACTIVE).values_list(
        "dataset_id", "format"
    ):
        if fmt:
            formats.setdefault(dataset_id, set()).add(fmt.upper())
    organizations = dict(Organization.objects.values_list("pk", "name"))
    entries = [
        _Entry(
            pk=row["pk"],
            name=row["name"],
            title=row["title"],
            text=row["search_text"],
            organization_id=row["organization_id"],
            organization=organizations[row["organization_id"]],
            private=row["private"],
            license_id=row["license_id"],
            standard_dataset=row["standard_dataset"],
            created=row["created"],
            modified=row["modified"],
            groups=frozenset(groups.get(row["pk"], ())),
            tags=frozenset(tags.get(row["pk"], ())),
            formats=frozenset(formats.get(row["pk"], ())),
        )
        for row in Dataset.objects.filter(state=Dataset.State.ACTIVE).values(
            "pk",
            "name",
            "title",
            "search_text",
            "organization_id",
            "private",
            "license_id",
            "standard_dataset",
            "created",
            "modified",
        )
    ]
    # Kept in the default order (newest first, then by name): most searches need no sort.
    entries.sort(key=lambda e: e.name)
    entries.sort(key=lambda e: e.modified, reverse=True)
    _index_cache = _Index(
        key=key,
        entries=entries,
        organizations=dict(Organization.objects.values_list("name", "title")),
        groups=dict(Group.objects.values_list("name", "title")),
        checked_at=now,
    )
    return _index_cache


def search_index_clear() -> None:
    global _index_cache
    _index_cache = None


def _matches(entry: _Entry, parsed: ParsedQuery) -> bool:
    for phrase in parsed.phrases:
        if phrase not in entry.text:
            return False
    for lookup, value in parsed.filters:
        if lookup == "private":
            ok = entry.private == bool(value)
        elif lookup == "pk":
            ok = str(entry.pk) == value
        elif lookup == "name":
            ok = entry.name == value
        elif lookup == "organization__name":
            ok = entry.organization == value
        elif lookup == "owner_org":
            ok = str(entry.organization_id) == value or entry.organization == value
        elif lookup == "groups__name":
            ok = value in entry.groups
        elif lookup == "tags__name":
            ok = value in entry.tags
        elif lookup == "resources__format":
            ok = value.upper() in entry.formats
        elif lookup == "license_id":
            ok = entry.license_id == value
        elif lookup == "standard_dataset":
            ok = entry.standard_dataset == value
        else:  # pragma: no cover - the parser only produces the lookups above
            ok = False
        if not ok:
            return False
    return True


def _facet(
    entries: list[_Entry], name: str, index: _Index, *, limit: int
) -> list[tuple[str, str, int]]:
    labels: dict[str, str] = {}
    if name == "organization":
        counts = Counter(e.organization for e in entries)
        labels = index.organizations
    elif name == "groups":
        counts = Counter(chain.from_iterable(e.groups for e in entries))
        labels = index.groups
    elif name == "tags":
        counts = Counter(chain.from_iterable(e.tags for e in entries))
    elif name == "res_format":
        counts = Counter(chain.from_iterable(e.formats for e in entries))
    elif name == "license_id":
        counts = Counter(e.license_id for e in entries)
    elif name == "standard_dataset":
        counts = Counter(e.standard_dataset for e in entries if e.standard_dataset)
    else:
        raise SearchQueryError(
            f"Search error: 集計できない項目です（{name}）。使えるのは "
            + ", ".join(FACET_FIELDS)
            + " です。",
            f"Search error: cannot facet on {name}. Use " + ", ".join(FACET_FIELDS) + ".",
        )
    rows = [(key, labels.get(key, key), count) for key, count in counts.items()]
    rows.sort(key=lambda row: (-row[2], row[0]))
    return rows[:limit]


def _sort_key(field: str) -> Any:
    return {
        "modified": lambda e: e.modified,
        "created": lambda e: e.created,
        "name": lambda e: e.name,
        "title": lambda e: e.title,
    }[field]


def dataset_search(
    *,
    q: str = "",
    fq: str = "",
    facet_fields: list[str] | None = None,
    facet_limit: int = 50,
    rows: int = DEFAULT_ROWS,
    start: int = 0,
    sort: str = "",
    staff: Any = None,
    include_private: bool = False,
) -> SearchResult:
    """package_search: phrases and field filters, facets, paging and sorting."""
    parsed = search_query_parse(q)
    search_query_parse(fq, into=parsed)
    ordering = search_sort_parse(sort)
    facet_fields = facet_fields or []
    for name in facet_fields:
        if name not in FACET_FIELDS:
            _facet([], name, _Index(key=(), entries=[], organizations={}, groups={}), limit=0)
    rows = max(0, min(rows, MAX_ROWS))
    index = _search_index()
    own = staff_organization_ids(staff=staff) if include_private and staff is not None else set()
    unfiltered = not parsed.phrases and not parsed.filters and not own
    cached = index.sorted_public.get(tuple(ordering)) if unfiltered else None
    if cached is not None:
        matched = cached
    else:
        if own:
            matched = [e for e in index.entries if not e.private or e.organization_id in own]
        else:
            matched = [e for e in index.entries if not e.private]
        # One pass per condition: a comprehension per phrase is far cheaper than a call per entry.
        for phrase in parsed.phrases:
            matched = [e for e in matched if phrase in e.text]
        if parsed.filters:
            only_filters = ParsedQuery(filters=parsed.filters)
            matched = [e for e in matched if _matches(e, only_filters)]
        if ordering != DEFAULT_ORDERING:
            # Stable sorts, least significant key first.
            for key in reversed(ordering):
                descending = key.startswith("-")
                matched.sort(key=_sort_key(key.lstrip("-")), reverse=descending)
        if unfiltered:
            index.sorted_public[tuple(ordering)] = matched
    ids = [e.pk for e in matched[start : start + rows]]
    found = {d.pk: d for d in _with_related(Dataset.objects.filter(pk__in=ids))} if ids else {}
    page = [found[pk] for pk in ids if pk in found]
    facets = {}
    for name in facet_fields:
        facet = index.facets_public.get((name, facet_limit)) if unfiltered else None
        if facet is None:
            facet = _facet(matched, name, index, limit=facet_limit)
            if unfiltered:
                index.facets_public[(name, facet_limit)] = facet
        facets[name] = facet
    return SearchResult(count=len(matched), datasets=page, facets=facets)


# --- figures for the plan -------------------------------------------------------------


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def datasets_published_count(*, as_of: date) -> int:
    return (
        Dataset.objects.filter(
            state=Dataset.State.ACTIVE, private=False, created__lte=_end_of(as_of)
        )
        .filter(resources__state=Resource.State.ACTIVE)
        .distinct()
        .count()
    )


def datasets_standard_count(*, as_of: date) -> int:
    return (
        Dataset.objects.filter(
            state=Dataset.State.ACTIVE, private=False, created__lte=_end_of(as_of)
        )
        .exclude(standard_dataset="")
        .count()
    )


def daily_count_total(*, kind: str, since: date, until: date) -> int:
    total = DailyCount.objects.filter(kind=kind, day__gte=since, day__lte=until).aggregate(
        total=Sum("count")
    )["total"]
    return int(total or 0)


# --- preview --------------------------------------------------------------------------

PREVIEW_MAX_BYTES = 5 * 1024 * 1024


@dataclass
class TablePreview:
    header: list[str]
    rows: list[list[str]]
    total: int


def table_from_bytes(content: bytes, *, encoding: str = "") -> TablePreview | None:
    """The non-blank rows of a CSV file (header first)."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return None
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]
    if not rows:
        return None
    return TablePreview(header=rows[0], rows=rows[1:], total=len(rows) - 1)


def version_table(*, version: ResourceVersion) -> TablePreview | None:
    """The rows of one stored file; files never change, so a few are kept parsed in memory."""
    if version.size > PREVIEW_MAX_BYTES:
        return None
    return _version_table_cached(version.pk, version.file.name or "", version.encoding)


@functools.lru_cache(maxsize=16)
def _version_table_cached(pk: int, name: str, encoding: str) -> TablePreview | None:
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    return table_from_bytes(content, encoding=encoding)


def resource_table(*, resource: Resource) -> TablePreview | None:
    """The rows of an uploaded CSV resource (latest version) for the paged preview."""
    if not resource.is_upload or resource.format.upper() != "CSV":
        return None
    version = resource_latest_version(resource=resource)
    if version is None:
        return None
    return version_table(version=version)


DIFF_EXAMPLES = 20


def table_diff(*, old: TablePreview, new: TablePreview) -> dict[str, Any]:
    """Row-level changes between two versions of a table.

    Rows are matched by an ID column (ID or NO) when both have one, else by their content
    (then a changed row shows as one removed and one added).
    """
    key = next((c for c in ("ID", "NO") if c in old.header and c in new.header), None)
    common = [c for c in new.header if c in old.header]
    old_index = {c: i for i, c in enumerate(old.header)}
    new_index = {c: i for i, c in enumerate(new.header)}

    def cell(row: list[str], index: dict[str, int], column: str) -> str:
        position = index[column]
        return row[position] if position < len(row) else ""

    def identity(row: list[str], index: dict[str, int]) -> str:
        if key is not None:
            return cell(row, index, key)
        return "\x1f".join(cell(row, index, c) for c in common)

    old_rows = {identity(r, old_index): r for r in old.rows}
    new_rows = {identity(r, new_index): r for r in new.rows}
    added = [k for k in new_rows if k not in old_rows]
    removed = [k for k in old_rows if k not in new_rows]
    changed = []
    for k, row in new_rows.items():
        before = old_rows.get(k)
        if before is None:
            continue
        cells = {
            c: [cell(before, old_index, c), cell(row, new_index, c)]
            for c in common
            if cell(before, old_index, c) != cell(row, new_index, c)
        }
        if cells:
            changed.append({"key": k, "cells": cells})
    return {
        "key": key,
        "added": len(added),
        "removed": len(removed),
        "changed": len(changed),
        "columns_added": [c for c in new.header if c not in old.header],
        "columns_removed": [c for c in old.header if c not in new.header],
        "examples": changed[:DIFF_EXAMPLES],
        "added_keys": added[:DIFF_EXAMPLES] if key else [],
        "removed_keys": removed[:DIFF_EXAMPLES] if key else [],
    }


def standard_compliance_scores(*, as_of: date) -> list[float]:
    """Per published standard data set: the best compliance of its resources' newest files.

    A data set that declares a standard but has no checked file scores 0.
    """
    datasets = (
        Dataset.objects.filter(
            state=Dataset.State.ACTIVE, private=False, created__lte=_end_of(as_of)
        )
        .exclude(standard_dataset="")
        .prefetch_related(
            Prefetch(
                "resources",
                queryset=Resource.objects.filter(state=Resource.State.ACTIVE).prefetch_related(
                    "versions"
                ),
                to_attr="active_resources",
            )
        )
    )
    scores = []
    for dataset in datasets:
        best = 0.0
        for resource in dataset.active_resources:
            versions = [v for v in resource.versions.all() if v.created <= _end_of(as_of)]
            if versions:
                latest = max(versions, key=lambda v: v.number)
                best = max(best, latest.compliance or 0.0)
        scores.append(best)
    return scores


# --- map ------------------------------------------------------------------------------------

MAP_MAX_POINTS = 1000
_LATITUDE_HEADERS = ("緯度", "latitude", "lat")
_LONGITUDE_HEADERS = ("経度", "longitude", "lon", "lng")
_LABEL_HEADERS = ("名称", "施設名", "名前", "避難所名", "name", "title")


@dataclass
class MapPoints:
    """The points of a resource, for the map and the table beside it."""

    label_column: str
    points: list[dict[str, Any]]  # {"lat", "lon", "label"}
    total: int  # points in the file (the map shows the first MAP_MAX_POINTS)


def _header_index(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _point_label(properties: dict[str, Any]) -> tuple[str, str]:
    for name in _LABEL_HEADERS:
        if properties.get(name) not in (None, ""):
            return name, str(properties[name])
    for key, value in properties.items():
        if isinstance(value, str) and value:
            return str(key), value
    return "", ""


def resource_map_points(*, resource: Resource) -> MapPoints | None:
    """Points of an uploaded GeoJSON (Point features) or CSV with 緯度/経度 columns."""
    from .geojson import geojson_points

    if not resource.is_upload:
        return None
    version = resource_latest_version(resource=resource)
    if version is None:
        return None
    if version.size > PREVIEW_MAX_BYTES:
        return _datastore_map_points(resource=resource)
    points: list[dict[str, Any]] = []
    label_column = ""
    if resource.format.upper() == "GEOJSON" or version.filename.lower().endswith(".geojson"):
        import json

        from django.core.files.storage import default_storage

        with default_storage.open(version.file.name or "", "rb") as handle:
            try:
                document = json.loads(handle.read().decode("utf-8-sig"))
            except ValueError:
                return None
        for found in geojson_points(document):
            label_column, label = _point_label(found["properties"])
            points.append({"lat": found["lat"], "lon": found["lon"], "label": label})
    elif resource.format.upper() == "CSV":
        table = resource_table(resource=resource)
        if table is None:
            return _datastore_map_points(resource=resource)
        lat_at = _header_index(table.header, _LATITUDE_HEADERS)
        lon_at = _header_index(table.header, _LONGITUDE_HEADERS)
        if lat_at is None or lon_at is None:
            return None
        label_at = _header_index(table.header, _LABEL_HEADERS)
        label_at = 0 if label_at is None else label_at
        label_column = table.header[label_at]
        for row in table.rows:
            try:
                lat, lon = float(row[lat_at]), float(row[lon_at])
            except (IndexError, ValueError):
                continue
            if 20.0 <= lat <= 46.0 and 122.0 <= lon <= 154.5:
                label = row[label_at] if label_at < len(row) else ""
                points.append({"lat": lat, "lon": lon, "label": label})
    if not points:
        return None
    return MapPoints(label_column=label_column, points=points[:MAP_MAX_POINTS], total=len(points))


def _datastore_map_points(*, resource: Resource) -> MapPoints | None:
    """The first points of a table too large to read per request, from the datastore."""
    from . import datastore

    table = datastore.datastore_table_active(resource=resource)
    if table is None:
        return None
    header = [field["id"] for field in table.fields]
    lat_at = _header_index(header, _LATITUDE_HEADERS)
    lon_at = _header_index(header, _LONGITUDE_HEADERS)
    if lat_at is None or lon_at is None:
        return None
    label_at = _header_index(header, _LABEL_HEADERS)
    label = header[0 if label_at is None else label_at]
    found = datastore.datastore_search(
        table=table,
        fields=[label, header[lat_at], header[lon_at]],
        limit=MAP_MAX_POINTS,
        include_total=False,
        records_format="lists",
    )
    points = []
    for name, lat, lon in found["records"]:
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            continue
        if 20.0 <= lat <= 46.0 and 122.0 <= lon <= 154.5:
            points.append({"lat": lat, "lon": lon, "label": "" if name is None else str(name)})
    if not points:
        return None
    return MapPoints(label_column=label, points=points, total=max(table.rows_loaded, len(points)))
