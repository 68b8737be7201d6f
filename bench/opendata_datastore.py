"""datastore_search on a 1,000,000-row resource: load time, peak memory, p50/p95 (issue 6).

    .venv/bin/python bench/opendata_datastore.py                        # 1,000,000 rows, SQLite
    .venv/bin/python bench/opendata_datastore.py --rows 50000 --calls 50 # quick
    scripts/with-postgres.sh .venv/bin/python bench/opendata_datastore.py --output opendata_datastore_postgresql
    .venv/bin/python bench/opendata_datastore.py --database-url postgres://...   # a given PostgreSQL

Generates a CSV like a large standard data set (ID, 名称, 区分 of 10 values, 町名 of ~120 values,
所在地, 緯度, 経度, 人数 (integer), 面積 (decimal), 備考), stores it as a resource version and runs
the datastore load (``datastore.datastore_load``: the worker task's code — two streamed passes,
batches of 5,000 rows, indexes, then the swap) and reports its time and the process's peak RSS.
Then it times ``datastore_search`` through the CKAN Action API view in-process (Django's test
client: routing, parameter parsing, the query, JSON of 100 records): a plain page near the start,
a deep offset (beyond row 900,000), a filter on an indexed field (町名, ~0.8 % of the rows, and
区分, 10 %), a filter with ``total_estimation_threshold``, and ``q`` full text (a 町名, a name).
Target: p95 <= 30 ms for the mix. Writes ``bench/results/opendata_datastore.json`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from harness import Result, percentile, print_machine, print_results, write_json  # noqa: E402

TARGET_P95_MS = 30.0
# The calls go through the open data routes only: the measurement does not depend on
# (or break with) the other modules' pages. See ``ROOT_URLCONF`` below.
urlpatterns: list[Any] = []
KINDS = [
    "公園",
    "避難所",
    "消火栓",
    "防火水槽",
    "公民館",
    "学校",
    "図書館",
    "診療所",
    "保育所",
    "駐車場",
]
PREFIXES = [
    "長良",
    "加納",
    "鏡島",
    "則武",
    "岩野田",
    "日光",
    "島",
    "黒野",
    "方県",
    "西郷",
    "本荘",
    "茜部",
]
SUFFIXES = ["東町", "西町", "南町", "北町", "本町", "一丁目", "二丁目", "三丁目", "新町", "中町"]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _postgres_database_ensure(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    host = config["HOST"] or config.get("OPTIONS", {}).get("host", "")
    params = {"dbname": "postgres", "user": config["USER"], "host": host}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (config["NAME"],)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def towns() -> list[str]:
    return [p + s for p in PREFIXES for s in SUFFIXES]


def generate(path: Path, rows: int, seed: int) -> None:
    """Write the CSV row by row (the generator holds no table in memory)."""
    rng = random.Random(seed)
    names = towns()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            ["ID", "名称", "区分", "町名", "所在地", "緯度", "経度", "人数", "面積", "備考"]
        )
        for number in range(1, rows + 1):
            kind = KINDS[number % len(KINDS)]
            town = names[rng.randrange(len(names))]
            writer.writerow(
                [
                    f"{number:07d}",
                    f"{town}{kind}{number}",
                    kind,
                    town,
                    f"岐阜県岐阜市{town}{rng.randint(1, 40)}番地",
                    f"{35.38 + rng.random() * 0.12:.6f}",
                    f"{136.68 + rng.random() * 0.12:.6f}",
                    rng.randint(0, 500),
                    f"{rng.random() * 1000:.2f}",
                    "" if number % 7 else "点検中",
                ]
            )


def stored_version(path: Path) -> Any:
    """A data set with one resource whose version is the generated file (as an upload leaves it)."""
    import hashlib

    from django.core.files import File

    from ukai.opendata import services
    from ukai.opendata.models import Organization, Resource, ResourceVersion

    services.organizations_ensure_gifu()
    services.groups_ensure_default()
    city = Organization.objects.get(lgcode="212016")
    dataset = services.dataset_create(
        data={
            "name": "bench-datastore",
            "title": "施設一覧（ベンチマーク）",
            "owner_org": city.name,
            "license_id": "CC-BY-4.0",
        },
        staff=None,
    )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    resource_ = Resource.objects.create(
        dataset=dataset, name="facilities.csv", format="CSV", url_type="upload"
    )
    version = ResourceVersion(
        resource=resource_,
        number=1,
        filename="facilities.csv",
        size=path.stat().st_size,
        hash=digest.hexdigest(),
        encoding="utf-8",
        uploaded_by="bench",
    )
    with path.open("rb") as handle:
        version.file.save("facilities.csv", File(handle), save=False)
    version.save()
    return resource_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=100, help="calls per kind")
    parser.add_argument("--seed", type=int, default=212016)
    parser.add_argument("--database-url", help="PostgreSQL instead of a throwaway SQLite file")
    parser.add_argument("--output", default="opendata_datastore")
    parser.add_argument("--keep", action="store_true", help="keep the database and the file")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="ukai-bench-datastore-")
    os.environ["UKAI_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "ukai.config.settings.test"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if os.environ.get("DATABASE_URL"):
        _postgres_database_ensure(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import include, path

    from ukai.opendata import datastore

    settings.ALLOWED_HOSTS = ["*"]
    urlpatterns.append(path("", include("ukai.opendata.urls")))
    settings.ROOT_URLCONF = __name__
    print_machine()
    call_command("migrate", verbosity=0)
    vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"

    csv_path = Path(data_dir) / "facilities.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows, args.seed)
    generate_s = time.perf_counter() - started
    size_mib = csv_path.stat().st_size / 2**20
    print(f"generated {args.rows:,} rows ({size_mib:.0f} MiB) in {generate_s:.1f} s")
    resource_ = stored_version(csv_path)
    csv_path.unlink()

    rss_before = peak_rss_mib()
    started = time.perf_counter()
    table, _ = datastore.datastore_load(resource_id=resource_.pk)
    load_s = time.perf_counter() - started
    rss_after = peak_rss_mib()
    assert table is not None, "the file is not tabular"
    assert table.state == "active", table.message
    print(
        f"loaded {table.rows_loaded:,} rows in {load_s:.1f} s "
        f"({table.rows_loaded / load_s:,.0f} rows/s); peak RSS {rss_after:.0f} MiB "
        f"(before the load {rss_before:.0f} MiB)"
    )

    rng = random.Random(args.seed + 1)
    names = towns()
    rows = args.rows
    rid = str(resource_.pk)

    def plain() -> dict[str, str]:
        return {"resource_id": rid, "offset": str(rng.randrange(0, 50) * 100)}

    def deep() -> dict[str, str]:
        return {"resource_id": rid, "offset": str(int(rows * 0.9) + rng.randrange(0, rows // 20))}

    def town_filter() -> dict[str, str]:
        return {"resource_id": rid, "filters": json.dumps({"町名": rng.choice(names)})}

    def kind_filter() -> dict[str, str]:
        return {
            "resource_id": rid,
            "filters": json.dumps({"区分": rng.choice(KINDS)}),
            "offset": str(rng.randrange(0, 20) * 100),
        }

    def kind_estimated() -> dict[str, str]:
        return kind_filter() | {"total_estimation_threshold": "1000"}

    def q_town() -> dict[str, str]:
        return {"resource_id": rid, "q": rng.choice(names)}

    def q_name() -> dict[str, str]:
        number = rng.randrange(1, rows + 1)
        kind = KINDS[number % len(KINDS)]
        return {"resource_id": rid, "q": f"{kind}{number}"}

    mix = [
        ("plain page (offset < 5,000)", plain),
        ("deep offset (> 90 %)", deep),
        ("filters 町名 (~0.8 %)", town_filter),
        ("filters 区分 (10 %)", kind_filter),
        ("filters 区分 + total_estimation_threshold", kind_estimated),
        ("q 町名", q_town),
        ("q 名称 (one row)", q_name),
    ]
    client = Client()
    url = "/api/3/action/datastore_search"
    results: list[Result] = []
    everything: list[float] = []
    for label, make in mix:
        first = client.get(url, make())
        assert first.status_code == 200, first.content[:300]
        times: list[float] = []
        totals: list[int] = []
        for _ in range(args.calls):
            params = make()
            t0 = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - t0) * 1000)
            body = response.json()
            assert response.status_code == 200, body
            assert body["success"], body
            totals.append(body["result"].get("total") or 0)
        everything += times
        results.append(
            Result(
                name=label,
                params={
                    "rows": rows,
                    "database": vendor,
                    "median_total": sorted(totals)[len(totals) // 2],
                },
                figures={
                    "p50_ms": percentile(times, 50),
                    "p95_ms": percentile(times, 95),
                    "max_ms": max(times),
                },
                unit="ms",
            )
        )
    overall = percentile(everything, 95)
    results.append(
        Result(
            name="mix",
            params={"rows": rows, "database": vendor, "median_total": ""},
            figures={
                "p50_ms": percentile(everything, 50),
                "p95_ms": overall,
                "max_ms": max(everything),
                "target_p95_ms": TARGET_P95_MS,
            },
            unit="ms",
            notes=["datastore_search through the Action API view, limit 100 (default)"],
        )
    )
    print_results(results, title=f"datastore_search, {rows:,} rows, {vendor}")
    print(
        f"mix p95 {overall:.1f} ms (target {TARGET_P95_MS:.0f} ms): "
        f"{'met' if overall <= TARGET_P95_MS else 'NOT met'}"
    )
    load = round(os.getloadavg()[0], 2)
    print(f"load average (1 min) after measuring: {load}")
    path = write_json(
        results,
        args.output,
        extra={
            "rows": rows,
            "database": vendor,
            "csv_mib": round(size_mib, 1),
            "load_s": round(load_s, 1),
            "load_rows_per_s": round(table.rows_loaded / load_s),
            "peak_rss_mib": round(rss_after),
            "rss_before_load_mib": round(rss_before),
            "load_average_1m": load,
        },
    )
    print(f"wrote {path}")
    if not args.keep:
        version = resource_.versions.get()
        version.file.storage.delete(version.file.name)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
