"""Writes: the import of the core resident system's CSV export — the only writer of these records."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log

from .csv_format import HouseholdRow, PersonRow, RowError, header_map, person_row_parse
from .models import Household, Movement, Resident

BATCH_SIZE = 2000
# Row errors kept for the report; the count of all of them is always exact.
MAX_ERRORS_KEPT = 1000
ANALYZE_AFTER_ROWS = 10_000
ENCODINGS = ("auto", "utf-8", "cp932")

Progress = Callable[[str, int], None]


@dataclass
class ImportReport:
    rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    households_created: int = 0
    households_updated: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    movements: int = 0
    written: bool = False
    encoding: str = ""

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)


def _file_error(code: str, message_ja: str, message_en: str) -> UkaiError:
    return UkaiError(code=code, message_ja=message_ja, message_en=message_en, status=422)


def csv_encoding_detect(path: Path) -> str:
    """``utf-8-sig`` for UTF-8 (with or without a BOM), else ``cp932`` (Shift_JIS as Windows writes it)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if error.start < len(head) - 3:
            return "cp932"
    return "utf-8-sig"


def _rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(text)
        row_number = 0
        try:
            for values in reader:
                row_number = reader.line_num
                yield row_number, values
        except UnicodeDecodeError as error:
            raise _file_error(
                "csv_encoding",
                f"{row_number + 1}行目付近の文字を{encoding}として読めません。文字コードを指定してください（--encoding）。",
                f"Cannot read the text near row {row_number + 1} as {encoding}; give the encoding (--encoding).",
            ) from error
        except csv.Error as error:
            raise _file_error(
                "csv_format",
                f"{row_number + 1}行目付近のCSVの形式が正しくありません（{error}）。",
                f"The CSV is malformed near row {row_number + 1} ({error}).",
            ) from error


def _parsed_rows(
    path: Path, encoding: str, report: ImportReport | None
) -> Iterator[tuple[PersonRow | None, list[RowError]]]:
    rows = _rows(path, encoding)
    first = next(rows, None)
    if first is None:
        raise _file_error("csv_empty", "CSVファイルが空です。", "The CSV file is empty.")
    positions, header_errors = header_map(first[1])
    if header_errors:
        if report is not None:
            for error in header_errors:
                report.add_error(error)
        return
    for row_number, values in rows:
        if not any(v.strip() for v in values):
            continue
        yield person_row_parse(row_number, values, positions)


def residents_import(
    *,
    path: Path,
    encoding: str = "auto",
    dry_run: bool = False,
    skip_invalid: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a core-system CSV export: all or nothing, idempotent, keyed by the person id.

    With errors and without ``skip_invalid`` nothing is written; ``dry_run``
    runs everything and rolls back, so the report says what would change.
    """
    if encoding not in ENCODINGS:
        raise _file_error(
            "csv_encoding_unknown",
            f"文字コード「{encoding}」には対応していません（utf-8 または cp932）。",
            f"Encoding “{encoding}” is not supported (utf-8 or cp932).",
        )
    if not path.is_file():
        raise _file_error(
            "csv_missing", f"ファイル {path} がありません。", f"There is no file {path}."
        )
    codec = csv_encoding_detect(path) if encoding == "auto" else encoding
    codec = "utf-8-sig" if codec == "utf-8" else codec
    report = ImportReport(encoding=codec)
    state = _ImportState()
    now = timezone.now()
    # One pass: check each row and write it in batches inside one transaction. The
    # first error (without skip_invalid) stops the writing; checking goes on so that
    # every error is listed, and the transaction is rolled back.
    with transaction.atomic():
        batch: list[PersonRow] = []
        written = 0
        for person, errors in _parsed_rows(path, codec, report):
            report.rows += 1
            if person is None:
                for error in errors:
                    report.add_error(error)
            elif (problem := _cross_row_problem(person, state)) is not None:
                report.add_error(problem)
            else:
                state.accept(person)
                batch.append(person)
            if progress and report.rows % 50_000 == 0:
                progress("check", report.rows)
            writing = skip_invalid or not report.error_count
            if not writing:
                batch = []
            elif len(batch) >= batch_size:
                _write_batch(batch, state, report, now)
                written += len(batch)
                batch = []
                if progress:
                    progress("write", written)
        if batch and (skip_invalid or not report.error_count):
            _write_batch(batch, state, report, now)
            written += len(batch)
            if progress:
                progress("write", written)
        if report.error_count and not skip_invalid:
            transaction.set_rollback(True)
            report.households_created = report.households_updated = 0
            report.created = report.updated = report.unchanged = report.movements = 0
            return report
        if dry_run:
            transaction.set_rollback(True)
            return report
        report.written = True
        if (
            connection.vendor == "postgresql"
            and report.created + report.updated >= ANALYZE_AFTER_ROWS
        ):
            # Fresh statistics, or the planner misjudges the key ranges right after a large import.
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE residents_household, residents_resident, residents_movement"
                )
        audit_log(
            action="update",
            object_type="residents.import",
            purpose=(
                f"住民記録の取込（{path.name}）: 新規{report.created}件、更新{report.updated}件、"
                f"変更なし{report.unchanged}件、異動{report.movements}件"
            )[:200],
        )
    return report


@dataclass
class _ImportState:
    """What one import keeps across rows: small per person and per household."""

    seen_ids: set[str] = field(default_factory=set)
    # household number -> (its row, the head's name as known so far)
    households: dict[str, tuple[HouseholdRow, str]] = field(default_factory=dict)
    # household number -> digest written by this import (a later head row rewrites it)
    written: dict[str, str] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)

    def accept(self, person: PersonRow) -> None:
        self.seen_ids.add(person.person_id)
        number = person.household.household_number
        known = self.households.get(number)
        head = person.full_name if person.is_head else (known[1] if known else "")
        self.households[number] = (person.household, head)


def _cross_row_problem(person: PersonRow, state: _ImportState) -> RowError | None:
    if person.person_id in state.seen_ids:
        return RowError(
            person.row,
            "宛名番号",
            "person_duplicate",
            f"宛名番号 {person.person_id} が前の行にもあります。",
            f"Person id {person.person_id} appears on an earlier row too.",
        )
    known = state.households.get(person.household.household_number)
    if known is not None and known[0] != person.household:
        return RowError(
            person.row,
            "住所",
            "household_address_differs",
            f"世帯番号 {person.household.household_number} の住所が前の行と異なります。",
            f"Household {person.household.household_number} has a different address on an earlier row.",
        )
    return None


def _write_batch(
    batch: list[PersonRow], state: _ImportState, report: ImportReport, now: datetime
) -> None:
    digests = {}
    for number in {p.household.household_number for p in batch}:
        row, head = state.households[number]
        digests[number] = row.digest(head)
    numbers = {n for n, d in digests.items() if state.written.get(n) != d}
    existing_households = {
        h.household_number: h for h in Household.objects.filter(household_number__in=numbers)
    }
    new_households = []
    changed_households = []
    for number in numbers:
        row, head = state.households[number]
        digest = digests[number]
        values = {
            "head_name": head,
            "postal_code": row.postal_code,
            "address": row.address,
            "banchi": row.banchi,
            "katagaki": row.katagaki,
            "address_key": row.address_key,
            "row_hash": digest,
            "imported_at": now,
        }
        household = existing_households.get(number)
        if household is None:
            new_households.append(Household(household_number=number, **values))
        elif household.row_hash != digest:
            for name, value in values.items():
                setattr(household, name, value)
            changed_households.append(household)
    Household.objects.bulk_create(new_households)
    Household.objects.bulk_update(changed_households, [*_HOUSEHOLD_FIELDS])
    report.households_created += len(new_households)
    report.households_updated += len(
        [h for h in changed_households if h.household_number not in state.created]
    )
    state.created.update(h.household_number for h in new_households)
    state.written.update((n, digests[n]) for n in numbers)
    household_ids = dict(
        Household.objects.filter(
            household_number__in={p.household.household_number for p in batch}
        ).values_list("household_number", "pk")
    )

    existing = {
        r.person_id: r for r in Resident.objects.filter(person_id__in=[p.person_id for p in batch])
    }
    new_residents = []
    changed_residents = []
    for person in batch:
        digest = person.digest()
        values = {
            "resident_code": person.resident_code,
            "household_id": household_ids[person.household.household_number],
            "family_name": person.family_name,
            "given_name": person.given_name,
            "family_name_kana": person.family_name_kana,
            "given_name_kana": person.given_name_kana,
            "birth_date": person.birth_date,
            "sex": person.sex,
            "relationship": person.relationship,
            "became_resident_on": person.became_resident_on,
            "status": person.status,
            "name_key": person.name_key,
            "kana_key": person.kana_key,
            "row_hash": digest,
            "imported_at": now,
        }
        resident = existing.get(person.person_id)
        if resident is None:
            new_residents.append(Resident(person_id=person.person_id, **values))
        elif resident.row_hash != digest:
            for name, value in values.items():
                setattr(resident, name, value)
            changed_residents.append(resident)
        else:
            report.unchanged += 1
    Resident.objects.bulk_create(new_residents)
    Resident.objects.bulk_update(changed_residents, [*_RESIDENT_FIELDS])
    report.created += len(new_residents)
    report.updated += len(changed_residents)

    moving = [p for p in batch if p.reason and p.occurred_on]
    if not moving:
        return
    resident_ids = dict(
        Resident.objects.filter(person_id__in=[p.person_id for p in moving]).values_list(
            "person_id", "pk"
        )
    )
    recorded = set(
        Movement.objects.filter(resident_id__in=resident_ids.values()).values_list(
            "resident_id", "reason", "occurred_on"
        )
    )
    movements = []
    for person in moving:
        if person.occurred_on is None:
            continue
        key = (resident_ids[person.person_id], person.reason, person.occurred_on)
        if key not in recorded:
            recorded.add(key)
            movements.append(
                Movement(
                    resident_id=key[0],
                    reason=person.reason,
                    occurred_on=person.occurred_on,
                    notified_on=person.notified_on,
                    recorded_at=now,
                )
            )
    Movement.objects.bulk_create(movements)
    report.movements += len(movements)


_HOUSEHOLD_FIELDS = (
    "head_name",
    "postal_code",
    "address",
    "banchi",
    "katagaki",
    "address_key",
    "row_hash",
    "imported_at",
)
_RESIDENT_FIELDS = (
    "resident_code",
    "household",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "relationship",
    "became_resident_on",
    "status",
    "name_key",
    "kana_key",
    "row_hash",
    "imported_at",
)
