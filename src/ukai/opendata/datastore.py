"""The datastore: the rows of tabular resources, loaded into the database (ADR 0024).

``datastore_load`` (run by the ``datastore_load_run`` task) loads the newest version of a
resource — a CSV or the first sheet of a workbook — into a table of its own in batches,
reading the file as a stream, and then makes it the resource's active table in one
transaction; ``datastore_search`` reads the active table with CKAN's parameters.
The SQL is in ``datastore_sql``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from . import datastore_sql as sql
from .errors import CatalogValidationError
from .excel import excel_rows
from .models import DatastoreTable, Resource, ResourceVersion

logger = logging.getLogger(__name__)

BATCH_ROWS = 5_000
# How long a replaced table stays readable for requests that began before the swap.
RETIRED_TABLE_GRACE = timedelta(seconds=60)
DEFAULT_LIMIT = 100
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


def rows_max() -> int:
    """CKAN's ``ckan.datastore.search.rows_max``: the largest ``limit`` (32,000)."""
    return int(getattr(settings, "UKAI_OPENDATA_DATASTORE_ROWS_MAX", 32_000))


def version_is_tabular(version: ResourceVersion) -> bool:
    """A CSV (decoded at upload, so it has an encoding) or an Excel workbook."""
    name = version.filename.lower()
    return name.endswith(_XLSX_SUFFIXES) or (bool(version.encoding) and name.endswith(".csv"))


def _version_rows(version: ResourceVersion) -> Iterator[list[str]]:
    """The non-blank rows of the stored file, header first, read as a stream."""
    with default_storage.open(version.file.name or "", "rb") as raw:
        if version.filename.lower().endswith(_XLSX_SUFFIXES):
            yield from excel_rows(raw)
            return
        encoding = "utf-8-sig" if version.encoding in ("", "utf-8") else version.encoding
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        for row in csv.reader(text):
            if any(cell.strip() for cell in row):
                yield row


def _field_names(header: list[str]) -> list[str]:
    """Header names as field ids: trimmed, unique, never starting with ``_`` (CKAN's rule)."""
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(header, start=1):
        name = raw.strip().lstrip("_") or f"column_{index}"
        candidate, suffix = name, 2
        while candidate in seen:
            candidate = f"{name}_{suffix}"
            suffix += 1
        seen.add(candidate)
        names.append(candidate)
    return names


def _fit(row: list[str], width: int) -> list[str]:
    if len(row) < width:
        return row + [""] * (width - len(row))
    return row[:width]


def _first_pass(version: ResourceVersion) -> tuple[list[sql.Column], int]:
    """The columns with their types and lengths, and the number of rows."""
    rows = _version_rows(version)
    header = next(rows, None)
    if header is None:
        return [], 0
    columns = sql.columns_for(_field_names(header))
    count = 0
    for row in rows:
        count += 1
        for column, value in zip(columns, _fit(row, len(columns)), strict=True):
            column.observe(value)
    return columns, count


def _drop(table: DatastoreTable) -> None:
    with connection.cursor() as cursor:
        sql.table_drop(cursor, connection.vendor, table.table_name)


def datastore_load(*, resource_id: Any) -> tuple[DatastoreTable | None, list[int]]:
    """Load the rows of the resource's newest version and make them the active table.

    Returns the table (None when the newest version is not tabular) and the ids of the
    tables it retired, to be dropped after ``RETIRED_TABLE_GRACE``. Readers keep
    seeing the previous rows until the new table is complete. Idempotent: a version
    already loaded is not loaded again; a half-loaded table of a failed attempt is dropped.
    """
    resource = Resource.objects.get(pk=resource_id)
    version = resource.versions.order_by("-number").first()
    if (
        version is None
        or resource.state != Resource.State.ACTIVE
        or not version_is_tabular(version)
    ):
        return None, _deactivate(resource)
    done = DatastoreTable.objects.filter(version=version, state=DatastoreTable.State.ACTIVE).first()
    if done is not None:
        return done, []
    for stale in DatastoreTable.objects.filter(version=version, state=DatastoreTable.State.LOADING):
        _drop(stale)
        stale.state = DatastoreTable.State.FAILED
        stale.message = (
            "読み込みが中断されたため、やり直しました。 / The load was interrupted and restarted."
        )
        stale.save(update_fields=["state", "message"])
    table = DatastoreTable.objects.create(resource=resource, version=version)
    try:
        _load_rows(table, version)
    except Exception as exc:
        logger.exception("datastore load of %s failed", table.table_name)
        _drop(table)
        table.state = DatastoreTable.State.FAILED
        table.message = (
            f"行を読み込めませんでした（{type(exc).__name__}）。 / "
            f"The rows could not be loaded ({type(exc).__name__}: {exc})."
        )[:2000]
        table.finished = timezone.now()
        table.save(update_fields=["state", "message", "finished"])
        return table, []
    return table, _activate(table)


def _load_rows(table: DatastoreTable, version: ResourceVersion) -> None:
    columns, count = _first_pass(version)
    if not columns:
        raise ValueError("no header row")
    table.fields = [c.as_dict() for c in columns]
    table.rows_expected = count
    table.save(update_fields=["fields", "rows_expected"])
    vendor = connection.vendor
    name = table.table_name
    with connection.cursor() as cursor:
        sql.table_create(cursor, vendor, name, columns)
    rows = _version_rows(version)
    next(rows, None)  # the header
    batch: list[tuple[int, list[str]]] = []
    loaded = 0
    width = len(columns)

    def flush() -> None:
        nonlocal loaded
        with transaction.atomic(), connection.cursor() as cursor:
            sql.rows_insert(cursor, vendor, name, columns, batch)
            loaded += len(batch)
            DatastoreTable.objects.filter(pk=table.pk).update(rows_loaded=loaded)
        batch.clear()

    for number, row in enumerate(rows, start=1):
        batch.append((number, _fit(row, width)))
        if len(batch) >= BATCH_ROWS:
            flush()
    if batch:
        flush()
    with connection.cursor() as cursor:
        sql.table_finish(cursor, vendor, name, columns, vacuum=not connection.in_atomic_block)
    table.rows_loaded = loaded
    # The file changed under us (it never should): count what is there.
    table.rows_expected = loaded


def _activate(table: DatastoreTable) -> list[int]:
    """Swap the new table in, in one transaction; returns the ids of the tables retired."""
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=table.resource_id)
        newest = resource.versions.order_by("-number").values_list("pk", flat=True).first()
        table.finished = timezone.now()
        if newest != table.version_id:
            # A newer version arrived while this one loaded: its own load replaces it.
            table.state = DatastoreTable.State.RETIRED
            table.message = "より新しい版があります。 / A newer version exists."
            table.save(
                update_fields=["state", "message", "finished", "rows_loaded", "rows_expected"]
            )
            return [table.pk]
        retired = list(
            DatastoreTable.objects.filter(resource=resource, state=DatastoreTable.State.ACTIVE)
        )
        for old in retired:
            old.state = DatastoreTable.State.RETIRED
            old.save(update_fields=["state"])
        table.state = DatastoreTable.State.ACTIVE
        table.save(update_fields=["state", "finished", "rows_loaded", "rows_expected"])
        Resource.objects.filter(pk=resource.pk).update(datastore_active=True)
    return [old.pk for old in retired]


def _deactivate(resource: Resource) -> list[int]:
    """The newest version has no rows (or the resource is deleted): nothing is searchable."""
    with transaction.atomic():
        retired = list(
            DatastoreTable.objects.select_for_update().filter(
                resource=resource, state=DatastoreTable.State.ACTIVE
            )
        )
        for old in retired:
            old.state = DatastoreTable.State.RETIRED
            old.save(update_fields=["state"])
        Resource.objects.filter(pk=resource.pk).update(datastore_active=False)
    return [old.pk for old in retired]


def datastore_table_drop(*, table_id: int) -> bool:
    """Drop a retired or failed table's rows (the catalog keeps the record)."""
    table = DatastoreTable.objects.filter(pk=table_id).first()
    if table is None or table.state in (DatastoreTable.State.ACTIVE, DatastoreTable.State.LOADING):
        return False
    _drop(table)
    table.state = DatastoreTable.State.DROPPED
    table.save(update_fields=["state"])
    return True


def datastore_load_missing() -> int:
    """Load every active uploaded resource whose newest tabular version is not loaded yet
    (the seed, and ``manage.py opendata_datastore --load-missing``); returns how many.

    Runs in the calling process; tables it replaces are dropped at once.
    """
    loaded = 0
    for resource in Resource.objects.filter(url_type="upload", state=Resource.State.ACTIVE):
        version = resource.versions.order_by("-number").first()
        if version is None or not version_is_tabular(version):
            continue
        if DatastoreTable.objects.filter(
            version=version, state=DatastoreTable.State.ACTIVE
        ).exists():
            continue
        table, retired = datastore_load(resource_id=resource.pk)
        for table_id in retired:
            datastore_table_drop(table_id=table_id)
        if table is not None and table.state == DatastoreTable.State.ACTIVE:
            loaded += 1
    return loaded


# --- reads ------------------------------------------------------------------------------------


def datastore_table_active(*, resource: Resource) -> DatastoreTable | None:
    return DatastoreTable.objects.filter(
        resource=resource, state=DatastoreTable.State.ACTIVE
    ).first()


def datastore_table_latest(*, resource: Resource) -> DatastoreTable | None:
    """The newest load of any state (for the progress shown on the data set page)."""
    return (
        DatastoreTable.objects.filter(resource=resource)
        .exclude(state=DatastoreTable.State.DROPPED)
        .order_by("-created", "-pk")
        .first()
    )


def _invalid(field: str, ja: str, en: str) -> CatalogValidationError:
    return CatalogValidationError({field: [f"{ja} / {en}"]})


def _parse_sort(text: str, by_name: Mapping[str, sql.Column]) -> list[tuple[str, bool]]:
    """CKAN's ``sort``: ``"名称, 人口 desc"`` (names may be double-quoted)."""
    result: list[tuple[str, bool]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        desc = False
        lowered = part.lower()
        if lowered.endswith((" desc", " asc")):
            desc = lowered.endswith(" desc")
            part = part.rsplit(" ", 1)[0].strip()
        name = part.strip('"')
        if name == "_id":
            result.append(("_id", desc))
        elif name in by_name:
            result.append((by_name[name].column, desc))
        else:
            raise _invalid(
                "sort", f"並べ替えの列がありません: {name}", f'field "{name}" not in table'
            )
    return result or [("_id", False)]


def _filter_values(
    filters: Mapping[str, Any], by_name: Mapping[str, sql.Column]
) -> dict[str, list[Any]]:
    converted: dict[str, list[Any]] = {}
    for name, value in filters.items():
        column = by_name.get(name)
        if column is None:
            raise _invalid("filters", f"列がありません: {name}", f'field "{name}" not in table')
        values = value if isinstance(value, list) else [value]
        if not values:
            raise _invalid("filters", f"{name} の値がありません", f'no value for "{name}"')
        accepted = []
        for item in values:
            text = "" if item is None else str(item)
            if isinstance(item, bool):
                text = str(item).lower()
            try:
                accepted.append(column.convert(text.strip() if column.type != sql.TEXT else text))
            except ValueError:
                raise _invalid(
                    "filters",
                    f"{name} は数値の列です（値: {text}）",
                    f'invalid input for the {column.type} field "{name}": {text}',
                ) from None
        converted[column.column] = accepted
    return converted


def datastore_search(
    *,
    table: DatastoreTable,
    filters: Mapping[str, Any] | None = None,
    q: str = "",
    fields: list[str] | None = None,
    sort: str = "",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    include_total: bool = True,
    total_estimation_threshold: int | None = None,
    records_format: str = "objects",
) -> dict[str, Any]:
    """Rows of the active table with CKAN's semantics: ``filters`` exact, ``q`` full text
    (every word: all its tokens in one row), ``sort``, ``limit`` (capped at ``rows_max``), ``offset``."""
    columns = [sql.Column.from_dict(f) for f in table.fields]
    by_name = {c.name: c for c in columns}
    if limit < 0:
        raise _invalid("limit", "0以上で指定してください", "Must be a natural number")
    if offset < 0:
        raise _invalid("offset", "0以上で指定してください", "Must be a natural number")
    if records_format not in ("objects", "lists"):
        raise _invalid(
            "records_format",
            "objects か lists を指定してください",
            'Must be "objects" or "lists"',
        )
    wanted = list(fields) if fields else ["_id", *by_name]
    unknown = [name for name in wanted if name != "_id" and name not in by_name]
    if unknown:
        raise _invalid(
            "fields",
            f"列がありません: {', '.join(unknown)}",
            f"field(s) not in table: {', '.join(unknown)}",
        )
    search = sql.Search(
        filters=_filter_values(filters or {}, by_name),
        q=q,
        sort=_parse_sort(sort, by_name),
        limit=min(limit, rows_max()),
        offset=offset,
        columns=["_id" if name == "_id" else by_name[name].column for name in wanted],
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compilation costs ~70 ms on a count over 100,000 rows and saves nothing here.
            cursor.execute("SET LOCAL jit = off")
        found = sql.table_search(
            cursor,
            connection.vendor,
            table.table_name,
            search,
            row_count=table.rows_loaded,
            include_total=include_total,
            total_estimation_threshold=total_estimation_threshold,
        )
    if records_format == "lists":
        records: list[Any] = [list(row) for row in found.rows]
    else:
        records = [dict(zip(wanted, row, strict=True)) for row in found.rows]
    types = {c.name: c.type for c in columns} | {"_id": "int"}
    result: dict[str, Any] = {
        "fields": [{"id": name, "type": types[name]} for name in wanted],
        "records": records,
        "limit": search.limit,
        "offset": offset,
        "records_format": records_format,
    }
    if include_total:
        result["total"] = found.total
        result["total_was_estimated"] = found.total_was_estimated
    return result
