"""The datastore's storage engine: one table per loaded resource version (ADR 0024).

Plain SQL over a Django database connection, for SQLite and PostgreSQL; nothing
here knows the catalog's models. A table has ``_id`` (1..N in file order) and one
column per CSV column (``c1``, ``c2``, … — the real names, often Japanese, live in
the catalog), plus a full-text index of bigram tokens: an FTS5 table on SQLite, a
``tsvector`` column with a GIN index on PostgreSQL. Tokens are made here, in
Python, for both databases, so that a query matches the same rows on either.

SQL is built with f-strings (``# noqa: S608``) only from names made here: the table name
from a catalog id, columns ``c<n>`` and ``_id``, and placeholders; every value — filter
values, full-text queries — is a parameter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Column types (CKAN's names): what the first pass found every non-empty value to be.
INT = "int"
NUMERIC = "numeric"
TEXT = "text"

_INT_RE = re.compile(r"^-?(0|[1-9][0-9]{0,17})$")
_NUMERIC_RE = re.compile(r"^-?(0|[1-9][0-9]{0,14})\.[0-9]{1,10}$")
# Longest value (characters) a column may have to get a B-tree index: PostgreSQL refuses
# index entries over ~2,700 bytes, and long free text is not what filters look for.
INDEX_MAX_CHARS = 400
# PostgreSQL's tsvector keeps positions up to 16,383.
_MAX_POSITION = 16383


@dataclass
class Column:
    """One column of a datastore table."""

    name: str  # as in the file's header
    column: str  # c1, c2, …
    type: str = INT
    max_chars: int = 0

    @property
    def indexed(self) -> bool:
        return self.max_chars <= INDEX_MAX_CHARS

    def observe(self, value: str) -> None:
        """Widen the type and length to admit ``value`` (the first pass)."""
        if len(value) > self.max_chars:
            self.max_chars = len(value)
        if value == "" or self.type == TEXT:
            return
        if self.type == INT and _INT_RE.match(value):
            return
        if _NUMERIC_RE.match(value) or (self.type == NUMERIC and _INT_RE.match(value)):
            self.type = NUMERIC
            return
        self.type = TEXT

    def convert(self, value: str) -> Any:
        """A cell as stored: None for an empty number."""
        if self.type == TEXT:
            return value
        if value == "":
            return None
        return int(value) if self.type == INT else float(value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.name,
            "column": self.column,
            "type": self.type,
            "max_chars": self.max_chars,
            "indexed": self.indexed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Column:
        return cls(
            name=data["id"],
            column=data["column"],
            type=data["type"],
            max_chars=data.get("max_chars", 0),
        )


def columns_for(header: Sequence[str]) -> list[Column]:
    return [Column(name=name, column=f"c{i}") for i, name in enumerate(header, start=1)]


# --- full-text tokens ------------------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana (ー included)
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
        or code in (0x3005, 0x3006, 0x3007)  # 々 〆 〇
    )


def _is_word(char: str) -> bool:
    # The characters SQLite's unicode61 tokenizer keeps in a token: letters, numbers, Co.
    return unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Co"


def _runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) pieces of NFKC-normalised, lower-cased text; separators dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    runs: list[tuple[bool, str]] = []
    current: list[str] = []
    current_cjk = False
    for char in text:
        if not _is_word(char):
            if current:
                runs.append((current_cjk, "".join(current)))
                current = []
            continue
        cjk = _is_cjk(char)
        if current and cjk != current_cjk:
            runs.append((current_cjk, "".join(current)))
            current = []
        current_cjk = cjk
        current.append(char)
    if current:
        runs.append((current_cjk, "".join(current)))
    return runs


def text_tokens(text: str) -> list[str]:
    """Index tokens of one cell: CJK runs as overlapping bigrams plus their last character
    (so that one-character and end-of-run queries match), other runs as whole words."""
    tokens: list[str] = []
    for cjk, run in _runs(text):
        if not cjk:
            tokens.append(run)
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        tokens.append(run[-1])
    return tokens


def row_tokens(cells: Iterable[str]) -> list[str]:
    tokens: list[str] = []
    for cell in cells:
        if cell:
            tokens.extend(text_tokens(cell))
    return tokens


def query_terms(q: str) -> list[tuple[list[str], bool]]:
    """The terms of a ``q`` (split at white space, all must match): (tokens, prefix).

    A term of one CJK character is a prefix query (it matches any bigram starting with it,
    or the character alone at the end of a run).
    """
    terms: list[tuple[list[str], bool]] = []
    for word in q.split():
        runs = _runs(word)
        tokens: list[str] = []
        for index, (cjk, run) in enumerate(runs):
            if not cjk or len(run) == 1:
                tokens.append(run)
                continue
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            if index < len(runs) - 1:
                # Another run follows: the run's last character is the next indexed token.
                tokens.append(run[-1])
        if tokens:
            single_cjk = len(runs) == 1 and runs[0][0] and len(runs[0][1]) == 1
            terms.append((tokens, single_cjk))
    return terms


# A word matches a row that holds every one of its tokens. Bigrams never span two cells, and
# CKAN's own q matches a row holding every word; phrase positions are not checked, so that
# PostgreSQL answers from its GIN index without rechecking each candidate row (ADR 0024).


def _fts5_query(terms: list[tuple[list[str], bool]]) -> str:
    parts = []
    for tokens, prefix in terms:
        if prefix:
            parts.append(f'"{tokens[0]}"*')
        else:
            parts.append("(" + " AND ".join(f'"{t}"' for t in tokens) + ")")
    return " AND ".join(parts)


def _tsquery(terms: list[tuple[list[str], bool]]) -> str:
    parts = []
    for tokens, prefix in terms:
        if prefix:
            parts.append(f"'{tokens[0]}':*")
        else:
            parts.append("(" + " & ".join(f"'{t}'" for t in tokens) + ")")
    return " & ".join(parts)


def _tsvector(tokens: list[str]) -> str:
    positions: dict[str, list[int]] = {}
    for position, token in enumerate(tokens[:_MAX_POSITION], start=1):
        positions.setdefault(token, []).append(position)
    # A lexeme keeps at most 256 positions.
    return " ".join(
        f"'{token}':" + ",".join(str(p) for p in places[:256])
        for token, places in positions.items()
    )


# --- tables -----------------------------------------------------------------------------------


def _sql_type(vendor: str, column: Column) -> str:
    if column.type == INT:
        return "INTEGER" if vendor == "sqlite" else "bigint"
    if column.type == NUMERIC:
        return "REAL" if vendor == "sqlite" else "double precision"
    return "TEXT"


def table_create(cursor: Any, vendor: str, table: str, columns: Sequence[Column]) -> None:
    """Create the empty table (and, on SQLite, its full-text table)."""
    body = ", ".join(f"{c.column} {_sql_type(vendor, c)}" for c in columns)
    if vendor == "sqlite":
        cursor.execute(f"CREATE TABLE {table} (_id INTEGER PRIMARY KEY, {body})")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {table}_fts USING fts5(t, content='', "
            "tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        # The primary key and indexes are built after the rows are in (faster).
        cursor.execute(f"CREATE TABLE {table} (_id bigint NOT NULL, {body}, _full_text tsvector)")


def rows_insert(
    cursor: Any,
    vendor: str,
    table: str,
    columns: Sequence[Column],
    rows: Sequence[tuple[int, list[str]]],
) -> None:
    """Insert a batch of ``(_id, cells)``; cells are the file's strings."""
    names = ", ".join(c.column for c in columns)
    if vendor == "sqlite":
        marks = ", ".join("?" for _ in range(len(columns) + 1))
        cursor.executemany(
            f"INSERT INTO {table} (_id, {names}) VALUES ({marks})",  # noqa: S608
            [
                (number, *[c.convert(v) for c, v in zip(columns, cells, strict=True)])
                for number, cells in rows
            ],
        )
        cursor.executemany(
            f"INSERT INTO {table}_fts (rowid, t) VALUES (?, ?)",  # noqa: S608
            [(number, " ".join(row_tokens(cells))) for number, cells in rows],
        )
        return
    raw = cursor.cursor  # psycopg 3: COPY is several times faster than INSERT
    with raw.copy(f"COPY {table} (_id, {names}, _full_text) FROM STDIN") as copy:
        for number, cells in rows:
            copy.write_row(
                (
                    number,
                    *[c.convert(v) for c, v in zip(columns, cells, strict=True)],
                    _tsvector(row_tokens(cells)),
                )
            )


def table_finish(
    cursor: Any, vendor: str, table: str, columns: Sequence[Column], *, vacuum: bool = True
) -> None:
    """Build the indexes: one per short-valued column (value, then _id: filtered pages come
    out in order), the primary key and the full-text index on PostgreSQL; then statistics.

    On PostgreSQL ``VACUUM`` also sets the visibility map, so that counting the rows of a
    filter reads the index only; it cannot run inside a transaction (``vacuum=False``).
    """
    if vendor != "sqlite":
        # GIN and B-tree builds of a million rows are several times faster with more memory.
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (_id)")
        cursor.execute(f"CREATE INDEX {table}_ft ON {table} USING gin (_full_text)")
    for column in columns:
        if column.indexed:
            # On SQLite every index ends with the rowid (_id) already.
            key = column.column if vendor == "sqlite" else f"{column.column}, _id"
            cursor.execute(f"CREATE INDEX {table}_{column.column} ON {table} ({key})")
    if vendor != "sqlite" and vacuum:
        cursor.execute(f"VACUUM (ANALYZE) {table}")
    else:
        cursor.execute(f"ANALYZE {table}")
    if vendor != "sqlite":
        cursor.execute("RESET maintenance_work_mem")


def table_drop(cursor: Any, vendor: str, table: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    if vendor == "sqlite":
        cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")


# --- search ------------------------------------------------------------------------------------


@dataclass
class Search:
    filters: dict[str, list[Any]]  # column -> accepted values (already converted)
    q: str
    sort: list[tuple[str, bool]]  # (column or "_id", descending)
    limit: int
    offset: int
    columns: list[str]  # the columns to return, "_id" first


@dataclass
class Found:
    rows: list[tuple[Any, ...]]
    total: int | None
    total_was_estimated: bool


def _from_where(vendor: str, table: str, search: Search) -> tuple[str, list[str], list[Any], str]:
    """The FROM clause, the WHERE conditions, their parameters and the ``_id`` to order by.

    On SQLite a ``q`` drives the query from the full-text table (CROSS JOIN keeps that
    order, ordering by its rowid lets FTS5 return matches in ``_id`` order): a page stops
    after ``limit`` matches and nothing scans the whole table.
    """
    mark = "?" if vendor == "sqlite" else "%s"
    source = table
    id_order = f"{table}._id"
    clauses: list[str] = []
    params: list[Any] = []
    terms = query_terms(search.q)
    if search.q.strip() and not terms:
        clauses.append("1 = 0")  # only separators: nothing can match
    elif terms:
        if vendor == "sqlite":
            source = f"{table}_fts CROSS JOIN {table} ON {table}._id = {table}_fts.rowid"
            id_order = f"{table}_fts.rowid"
            clauses.append(f"{table}_fts MATCH ?")
            params.append(_fts5_query(terms))
        else:
            clauses.append("_full_text @@ %s::tsquery")
            params.append(_tsquery(terms))
    for column, values in search.filters.items():
        if len(values) == 1:
            clauses.append(f"{column} = {mark}")
        else:
            clauses.append(f"{column} IN ({', '.join(mark for _ in values)})")
        params.extend(values)
    return source, clauses, params, id_order


def table_search(
    cursor: Any,
    vendor: str,
    table: str,
    search: Search,
    *,
    row_count: int,
    include_total: bool,
    total_estimation_threshold: int | None,
) -> Found:
    """One page of rows and, unless not wanted, the number of matching rows.

    Without filters or ``q`` the total is the table's row count (known from the load),
    and a page in ``_id`` order is a range of ``_id`` (the ids are 1..N), so a deep
    offset costs no more than the first page.
    """
    mark = "?" if vendor == "sqlite" else "%s"
    source, clauses, params, id_order = _from_where(vendor, table, search)
    select = ", ".join(f"{table}._id" if c == "_id" else c for c in search.columns)
    order = ", ".join(
        f"{id_order if column == '_id' else column} {'DESC' if desc else 'ASC'}"
        for column, desc in search.sort
    )
    plain = not clauses
    page_params = list(params)
    window_count = False
    if plain and search.sort == [("_id", False)]:
        sql = f"SELECT {select} FROM {table} WHERE _id > {mark} ORDER BY _id LIMIT {mark}"  # noqa: S608
        page_params += [search.offset, search.limit]
    elif plain and search.sort == [("_id", True)]:
        sql = f"SELECT {select} FROM {table} WHERE _id <= {mark} ORDER BY _id DESC LIMIT {mark}"  # noqa: S608
        page_params += [row_count - search.offset, search.limit]
    else:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        # _id last: equal sort values come out in a stable order.
        tail = "" if search.sort[-1][0] == "_id" else f", {id_order}"
        window_count = (
            vendor != "sqlite"
            and search.q.strip() != ""
            and include_total
            and total_estimation_threshold is None
        )
        if window_count and len(search.sort) == 1 and search.sort[0][0] == "_id":
            # Find the matching ids once, count them, and fetch only the page's rows.
            direction = "DESC" if search.sort[0][1] else "ASC"
            sql = (
                f"WITH m AS MATERIALIZED (SELECT _id FROM {table}{where}) "  # noqa: S608
                f"SELECT {select}, (SELECT count(*) FROM m) FROM {table} WHERE _id IN "
                f"(SELECT _id FROM m ORDER BY _id {direction} LIMIT %s OFFSET %s) "
                f"ORDER BY _id {direction}"
            )
        elif window_count:
            sql = (
                f"SELECT {select}, count(*) OVER () FROM {source}{where} "  # noqa: S608
                f"ORDER BY {order}{tail} LIMIT %s OFFSET %s"
            )
        else:
            sql = (
                f"SELECT {select} FROM {source}{where} ORDER BY {order}{tail} "  # noqa: S608
                f"LIMIT {mark} OFFSET {mark}"
            )
        page_params += [search.limit, search.offset]
    cursor.execute(sql, page_params)
    rows = [tuple(row) for row in cursor.fetchall()]
    if window_count and rows:
        return Found(
            rows=[row[:-1] for row in rows], total=int(rows[0][-1]), total_was_estimated=False
        )
    if plain:
        return Found(rows=rows, total=row_count, total_was_estimated=False)
    if not include_total:
        return Found(rows=rows, total=None, total_was_estimated=False)
    where = f" WHERE {' AND '.join(clauses)}"
    if vendor == "sqlite" and search.q.strip() and not search.filters:
        source = f"{table}_fts"  # nothing to join for a count of full-text matches
    if total_estimation_threshold is None:
        cursor.execute(f"SELECT count(*) FROM {source}{where}", params)  # noqa: S608
        return Found(rows=rows, total=int(cursor.fetchone()[0]), total_was_estimated=False)
    # Count at most threshold + 1 rows; above it, an estimate (as CKAN does).
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source}{where} LIMIT {mark}) AS bounded",  # noqa: S608
        [*params, total_estimation_threshold + 1],
    )
    bounded = int(cursor.fetchone()[0])
    if bounded <= total_estimation_threshold:
        return Found(rows=rows, total=bounded, total_was_estimated=False)
    return Found(
        rows=rows,
        total=max(bounded, _estimate(cursor, vendor, source, where, params)),
        total_was_estimated=True,
    )


def _estimate(cursor: Any, vendor: str, source: str, where: str, params: list[Any]) -> int:
    """PostgreSQL's planner estimate of the matching rows; SQLite has none (0)."""
    if vendor == "sqlite":
        return 0
    cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {source}{where}", params)  # noqa: S608
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
