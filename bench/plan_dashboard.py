"""The plan dashboard under a six-year load: 6 FYs x 16 measures x 40 indicators, daily values.

Builds a fresh SQLite database (WAL, the default engine) in a temporary data folder,
seeds a plan of 4 policies, 16 measures and 40 indicators each (640 indicators, a
target per FY), and one value per indicator per day over the six fiscal years
(640 x 2,191 = 1,402,240 values, inserted with ``bulk_create``). Then signs a CIO in on
Django's test client and renders the staff dashboard (``/staff/plan/``) N times, and
the residents' page (``/plan/``) and one measure's detail page, reporting p50/p95.

    .venv/bin/python bench/plan_dashboard.py                  # full size, 30 requests per page
    .venv/bin/python bench/plan_dashboard.py --indicators 10 --requests 10   # quick

Target (issue 7): the dashboard renders in <= 200 ms at full size.
Writes ``bench/results/plan_dashboard.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from harness import PROJECT_DIR, Result, percentile, print_machine, print_results, write_json

TARGET_P95_MS = 200.0


def setup_django(data_dir: Path) -> None:
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    os.environ["UKAI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.development")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def build(
    *, measures_per_policy: int, indicators: int, seed: int, days: int | None = None
) -> tuple[int, float]:
    """Seed the synthetic plan; return (values written, seconds)."""
    from django.db import transaction
    from django.utils import timezone

    from ukai.plan.models import (
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        Measure,
        Phase,
        Plan,
        Policy,
        ScheduleEntry,
    )

    rng = random.Random(seed)
    plan = Plan.objects.create(
        code="gifu-ict-2020", name="ベンチマーク計画", start_fy=2020, end_fy=2025, review_fy=2022
    )
    years = plan.fiscal_years
    phases = list(Phase.values)
    with transaction.atomic():
        for p in range(1, 5):
            policy = Policy.objects.create(plan=plan, number=p, title=f"基本方針{p}")
            for m in range(1, measures_per_policy + 1):
                measure = Measure.objects.create(
                    policy=policy,
                    number=m,
                    code=f"{p}-{m}",
                    title=f"施策{p}-{m}",
                    kind=Measure.Kind.NEW,
                )
                ScheduleEntry.objects.bulk_create(
                    ScheduleEntry(measure=measure, fiscal_year=y, phase=phases[i % len(phases)])
                    for i, y in enumerate(years)
                )
                created = Indicator.objects.bulk_create(
                    Indicator(
                        measure=measure,
                        code=f"{p}-{m}-{i}",
                        name=f"指標{p}-{m}-{i}",
                        unit="件",
                        baseline=0,
                        weight=1 + i % 3,
                        direction=Indicator.Direction.LOWER
                        if i % 5 == 0
                        else Indicator.Direction.HIGHER,
                        sort_order=i,
                    )
                    for i in range(indicators)
                )
                IndicatorTarget.objects.bulk_create(
                    IndicatorTarget(indicator=ind, fiscal_year=y, value=100.0 * (k + 1))
                    for ind in created
                    for k, y in enumerate(years)
                )
    tz = timezone.get_current_timezone()
    start = dt.datetime(2020, 4, 1, 9, tzinfo=tz)
    days = days or (dt.date(2026, 3, 31) - dt.date(2020, 4, 1)).days + 1
    indicator_ids = list(Indicator.objects.values_list("pk", flat=True))
    began = time.perf_counter()
    written = 0
    batch: list[IndicatorValue] = []
    for indicator_id in indicator_ids:
        level = 0.0
        slope = rng.uniform(0.1, 0.4)
        for day in range(days):
            level += slope * rng.random()
            batch.append(
                IndicatorValue(
                    indicator_id=indicator_id,
                    value=round(level, 2),
                    measured_at=start + dt.timedelta(days=day),
                    source="collector",
                    collector_id="bench",
                    description="ベンチマーク用の値",
                )
            )
            if len(batch) >= 20_000:
                with transaction.atomic():
                    IndicatorValue.objects.bulk_create(batch, batch_size=5_000)
                written += len(batch)
                batch.clear()
    if batch:
        with transaction.atomic():
            IndicatorValue.objects.bulk_create(batch, batch_size=5_000)
        written += len(batch)
    return written, time.perf_counter() - began


def time_page(client: object, url: str, *, requests: int, expect: str) -> list[float]:
    timings = []
    for _ in range(requests + 2):
        began = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (url, response.status_code)
        assert expect in response.content.decode(), url
        timings.append(elapsed)
    return timings[2:]  # the first two warm the caches


def query_count(client: object, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)  # type: ignore[attr-defined]
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--indicators", type=int, default=40, help="indicators per measure")
    parser.add_argument("--measures", type=int, default=4, help="measures per policy (x4 policies)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--days", type=int, help="values per indicator (default: every day of 6 FYs)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one dashboard render"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="ukai-bench-plan-"))
    (data_dir / "static").mkdir()
    setup_django(data_dir)
    print_machine()
    print(f"data folder: {data_dir}")
    written, seconds = build(
        measures_per_policy=args.measures,
        indicators=args.indicators,
        seed=args.seed,
        days=args.days,
    )
    db_size = sum(f.stat().st_size for f in data_dir.glob("*.sqlite3*")) / 1024 / 1024
    print(
        f"values: {written:,} in {seconds:.1f} s ({written / seconds:,.0f}/s), database {db_size:,.0f} MiB"
    )

    from django.contrib.auth import get_user_model
    from django.test import Client

    from ukai.core.service import Role

    cio = get_user_model().objects.create_user(username="bench-cio", role=Role.CIO)
    client = Client(HTTP_HOST="localhost")
    client.force_login(cio)
    measures = args.measures * 4
    if args.profile:
        import cProfile
        import pstats

        client.get("/staff/plan/?fy=2025")
        profiler = cProfile.Profile()
        profiler.enable()
        client.get("/staff/plan/?fy=2025")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pages = [
        ("dashboard", "/staff/plan/?fy=2025", 'data-measure="1-1"'),
        ("dashboard_fy2022", "/staff/plan/?fy=2022", 'data-measure="1-1"'),
        ("public", "/plan/?fy=2025", 'data-measure="1-1"'),
        ("measure_detail", "/staff/plan/measures/1-1/?fy=2025", "1-1"),
    ]
    results = []
    for name, url, expect in pages:
        timings = time_page(client, url, requests=args.requests, expect=expect)
        queries = query_count(client, url)
        p95 = percentile(timings, 95)
        notes = []
        if name == "dashboard":
            verdict = "meets" if p95 <= TARGET_P95_MS else "misses"
            notes.append(f"{verdict} the target p95 <= {TARGET_P95_MS:.0f} ms")
        results.append(
            Result(
                name=name,
                params={
                    "url": url,
                    "measures": measures,
                    "indicators": measures * args.indicators,
                    "values": written,
                },
                figures={
                    "requests": len(timings),
                    "p50_ms": percentile(timings, 50),
                    "p95_ms": p95,
                    "max_ms": max(timings),
                    "queries": queries,
                },
                unit="ms",
                notes=notes,
            )
        )
    print_results(results, title="plan dashboard render (Django test client, SQLite WAL)")
    path = write_json(
        results,
        "plan_dashboard",
        extra={
            "target_p95_ms": TARGET_P95_MS,
            "build": {
                "values": written,
                "insert_seconds": round(seconds, 1),
                "database_mib": round(db_size),
            },
        },
    )
    print(f"written: {path.relative_to(PROJECT_DIR)}")
    if not args.keep:
        import shutil

        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
