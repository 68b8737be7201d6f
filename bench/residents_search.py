"""Resident records: import of a generated core-system export, then search p95 (issue 4's figures).

    .venv/bin/python bench/residents_search.py                       # 400,000 residents, SQLite
    .venv/bin/python bench/residents_search.py --residents 20000 --queries 50   # quick
    .venv/bin/python bench/residents_search.py --database-url postgresql:///ukai_bench
    scripts/with-postgres.sh .venv/bin/python bench/residents_search.py --output residents_search_postgresql

Generates the CSV with the demo's generator (``ukai.residents.generator``, fictional Gifu City
households, 和暦 and ISO dates mixed), imports it with ``residents_import`` (the command's code
path: two passes, batches of 2,000, one transaction) and reports its time and the process's peak
RSS, then times searches as the staff page runs them (the first page of 20 and the count):
by reading (kana), by written name typed in the common form of a variant (高橋 → 髙橋), by birth
date (和暦 input parsed), and by an address fragment (町名＋番地). Target: p95 <= 50 ms.
Writes ``bench/results/residents_search.json`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from harness import (  # noqa: E402
    Result,
    django_setup,
    percentile,
    print_machine,
    print_results,
    write_json,
)

TARGET_P95_MS = 50.0
AVERAGE_HOUSEHOLD = 2.65  # residents per household the generator makes, on average


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def figures(times: list[float]) -> dict[str, float | int | str]:
    return {
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times),
        "calls": len(times),
        "target_p95_ms": TARGET_P95_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=400_000)
    parser.add_argument("--queries", type=int, default=200, help="searches per kind")
    parser.add_argument("--seed", type=int, default=212016)
    parser.add_argument("--database-url", help="PostgreSQL instead of a throwaway SQLite file")
    parser.add_argument("--output", default="residents_search")
    args = parser.parse_args()

    data_dir = django_setup(prefix="residents", database_url=args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from ukai.core.japanese.wareki import wareki_format
    from ukai.residents.generator import resident_csv_write
    from ukai.residents.selectors import resident_search_queryset
    from ukai.residents.services import residents_import

    print_machine()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    households = max(1, round(args.residents / AVERAGE_HOUSEHOLD))
    csv_path = Path(data_dir) / "residents.csv"
    started = time.perf_counter()
    count = resident_csv_write(csv_path, households=households, seed=args.seed)
    generate_s = time.perf_counter() - started
    size_mib = csv_path.stat().st_size / 2**20
    print(
        f"generated {count:,} residents in {households:,} households ({size_mib:.0f} MiB) in {generate_s:.1f} s"
    )

    rss_before = peak_rss_mib()

    def progress(phase: str, rows: int) -> None:
        if rows % 100_000 < 2000:
            print(f"  {phase}: {rows:,} rows, {time.perf_counter() - started:.0f} s", flush=True)

    started = time.perf_counter()
    report = residents_import(path=csv_path, progress=progress)
    import_s = time.perf_counter() - started
    assert report.written, report.errors[:5]
    assert report.error_count == 0, report.errors[:5]
    started = time.perf_counter()
    again = residents_import(path=csv_path)
    reimport_s = time.perf_counter() - started
    assert again.created == 0
    assert again.updated == 0
    results = [
        Result(
            name="import",
            params={"residents": count, "households": households, "database": vendor},
            figures={
                "import_s": import_s,
                "rows_per_s": count / import_s,
                "reimport_unchanged_s": reimport_s,
                "peak_rss_mib": peak_rss_mib(),
                "rss_before_import_mib": rss_before,
                "csv_mib": size_mib,
            },
            unit="s",
        )
    ]
    print(f"imported in {import_s:.1f} s; re-import (no changes) {reimport_s:.1f} s")
    if vendor == "postgresql":
        # Steady state: autovacuum would have run after an import of this size.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) residents_household, residents_resident")

    # Queries drawn from the data itself, the way staff would type them.
    from ukai.residents.models import Resident

    rng = random.Random(args.seed)
    ids = list(Resident.objects.values_list("pk", flat=True)[:200_000:97])
    sample = list(
        Resident.objects.select_related("household").filter(
            pk__in=rng.sample(ids, min(len(ids), args.queries))
        )
    )
    variants = str.maketrans(
        {"髙": "高", "𠮷": "吉", "邉": "辺", "邊": "辺", "齋": "斎", "﨑": "崎"}
    )

    def kana(r: Any) -> dict[str, Any]:
        return {"text": f"{r.family_name_kana} {r.given_name_kana}"}

    def kanji(r: Any) -> dict[str, Any]:
        name = r.family_name.replace("\U000e0100", "").translate(variants)
        return {"text": f"{name} {r.given_name}"}

    def family_only(r: Any) -> dict[str, Any]:
        return {"text": r.family_name.translate(variants)}

    def born(r: Any) -> dict[str, Any]:
        from ukai.core.japanese.wareki import wareki_parse

        return {"birth_date": wareki_parse(wareki_format(r.birth_date))}

    def address(r: Any) -> dict[str, Any]:
        town = r.household.address.removeprefix("岐阜県岐阜市")
        return {"address": f"{town}{r.household.banchi[:2]}"}

    def name_and_birth(r: Any) -> dict[str, Any]:
        return {**kanji(r), "birth_date": r.birth_date}

    kinds = [
        ("kana reading (full name)", kana),
        ("kanji with a variant (full name)", kanji),
        ("family name only (many hits)", family_only),
        ("birth date (和暦 input)", born),
        ("address fragment (町名+番地)", address),
        ("name + birth date", name_and_birth),
    ]
    for label, make in kinds:
        times = []
        hits = []
        for resident in sample:
            criteria = make(resident)
            started = time.perf_counter()
            queryset = resident_search_queryset(include_inactive=True, **criteria)
            page = list(queryset[:20])
            total = queryset.count()
            times.append((time.perf_counter() - started) * 1000)
            hits.append(total)
            assert page, (label, criteria)
        results.append(
            Result(
                name=f"search: {label}",
                params={"residents": count, "database": vendor},
                figures={**figures(times), "median_hits": sorted(hits)[len(hits) // 2]},
                unit="ms",
            )
        )
    print_results(results[:1], title="Import", figures=list(results[0].figures))
    print_results(
        results[1:],
        title=f"Search over {count:,} residents ({vendor})",
        figures=["p50_ms", "p95_ms", "max_ms", "median_hits", "calls"],
    )
    path = write_json(results, args.output, extra={"residents": count, "database": vendor})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
