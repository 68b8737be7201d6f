"""package_search on a generated catalog of 10,000 data sets (SQLite).

    .venv/bin/python bench/opendata_search.py                  # 10,000 data sets, 30 calls per query
    .venv/bin/python bench/opendata_search.py --datasets 1000 --repeat 10
    scripts/with-postgres.sh .venv/bin/python bench/opendata_search.py --output opendata_search_postgresql
    .venv/bin/python bench/opendata_search.py --dump             # also time `ckanapi dump datasets --all`
                                                                 # (written to bench/results/opendata_dump.json)

``--dump`` serves the generated catalog with gunicorn (2 sync workers, as production would) and
times the real ``ckanapi`` command line dumping every data set (one package_show per data set).

Each call goes through the CKAN Action API view in-process (Django's test client:
URL routing, parameter parsing, search, facets, JSON of the returned rows), so the
figures are the server's time per call without the network. The catalog is built
in a throwaway SQLite database (WAL) with bulk inserts, or in the PostgreSQL database named
by ``DATABASE_URL`` (``scripts/with-postgres.sh`` starts a throwaway cluster).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from harness import (  # noqa: E402
    Result,
    percentile,
    postgres_database_ensure,
    print_machine,
    print_results,
    write_json,
)

WORDS = [
    "避難",
    "人口",
    "AED",
    "公衆トイレ",
    "観光",
    "文化財",
    "子育て",
    "医療",
    "介護",
    "消防",
    "ごみ",
    "イベント",
    "Wi-Fi",
    "公共施設",
    "統計",
    "予算",
    "道路",
    "橋梁",
    "河川",
    "公園",
    "学校",
    "図書館",
    "バス",
    "駐車場",
    "選挙",
    "税",
    "農業",
    "商工",
    "水道",
    "下水道",
]
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("q=避難", {"q": "避難"}),
    ("q=人口", {"q": "人口"}),
    ("q=公衆トイレ 岐阜", {"q": "公衆トイレ 岐阜"}),
    ("q=AED fq=organization", {"q": "AED", "fq": "organization:gifu-city"}),
    ("fq=tags:防災", {"fq": "tags:防災"}),
    ("q=存在しない語", {"q": "存在しない語句"}),
    ("all, sort=name", {"sort": "name asc"}),
    ("all, start=5000", {"start": "5000"}),
]
FACETS = '["organization", "groups", "tags", "res_format"]'


def build(count: int, seed: int) -> None:
    from django.core.management import call_command

    from ukai.opendata import services
    from ukai.opendata.models import Dataset, Group, Organization, Resource, Tag

    call_command("migrate", verbosity=0)
    organizations = services.organizations_ensure_gifu()
    groups = services.groups_ensure_default()
    rng = random.Random(seed)
    tags = [Tag.objects.get_or_create(name=w)[0] for w in [*WORDS, "防災", "オープンデータ"]]
    standard = [
        "AED設置箇所一覧",
        "指定緊急避難場所一覧",
        "地域・年齢別人口",
        "公衆トイレ一覧",
        "観光施設一覧",
        "",
    ]
    datasets = []
    chosen: list[tuple[Organization, list[Group], list[Tag]]] = []
    for n in range(count):
        organization = rng.choice(organizations)
        title_words = rng.sample(WORDS, 2)
        title = f"{organization.title} {title_words[0]}・{title_words[1]}一覧 {2016 + n % 10}年度"
        notes = "。".join(
            f"{rng.choice(WORDS)}に関する{rng.choice(['データ', '一覧', '統計', '情報'])}です"
            for _ in range(rng.randint(2, 6))
        )
        mine_groups = rng.sample(groups, rng.randint(1, 2))
        mine_tags = rng.sample(tags, rng.randint(1, 4))
        text = "\n".join(
            [f"bench-{n:05d}", title, notes, organization.title]
            + [t.name for t in mine_tags]
            + [g.title for g in mine_groups]
        )
        datasets.append(
            Dataset(
                name=f"bench-{n:05d}",
                title=title,
                notes=notes,
                license_id=rng.choice(["CC-BY-4.0", "PDL-1.0"]),
                organization=organization,
                standard_dataset=rng.choice(standard),
                search_text=services.search_text_normalize(text),
            )
        )
        chosen.append((organization, mine_groups, mine_tags))
    Dataset.objects.bulk_create(datasets, batch_size=1000)
    tag_links = []
    group_links = []
    resources = []
    for dataset, (_, mine_groups, mine_tags) in zip(datasets, chosen, strict=True):
        tag_links += [Dataset.tags.through(dataset_id=dataset.pk, tag_id=t.pk) for t in mine_tags]
        group_links += [
            Dataset.groups.through(dataset_id=dataset.pk, group_id=g.pk) for g in mine_groups
        ]
        for position in range(rng.randint(1, 2)):
            fmt = rng.choice(["CSV", "CSV", "XLSX", "PDF", "JSON"])
            resources.append(
                Resource(
                    dataset=dataset,
                    name=f"{dataset.title}.{fmt.lower()}",
                    format=fmt,
                    url=f"https://example.jp/{dataset.name}/{position}.{fmt.lower()}",
                    position=position,
                )
            )
    Dataset.tags.through.objects.bulk_create(tag_links, batch_size=2000)
    Dataset.groups.through.objects.bulk_create(group_links, batch_size=2000)
    Resource.objects.bulk_create(resources, batch_size=2000)


def _dump_timing(args: argparse.Namespace, data_dir: str) -> Result:
    import socket
    import subprocess
    import urllib.request

    from django.db import connections

    connections.close_all()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    venv_bin = Path(sys.executable).parent
    env = dict(os.environ, PYTHONPATH=str(BENCH_DIR.parent / "src"), UKAI_DATA_DIR=data_dir)
    env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ukai.config.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/api/3/action/status_show", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        out = Path(data_dir) / "dump.jsonl"
        started = time.perf_counter()
        subprocess.run(
            [
                str(venv_bin / "ckanapi"),
                "dump",
                "datasets",
                "--all",
                "-q",
                "-p",
                str(args.dump_processes),
                "-O",
                str(out),
                "-r",
                url,
            ],
            env=env,
            check=True,
            timeout=3600,
        )
        seconds = time.perf_counter() - started
        lines = sum(1 for _ in out.open(encoding="utf-8"))
    finally:
        server.terminate()
        server.wait(timeout=20)
    return Result(
        name="ckanapi dump datasets --all",
        params={"datasets": args.datasets, "rows": "", "hits": lines, "database": ""},
        figures={"total_s": seconds, "datasets_per_s": lines / seconds},
        unit="s",
        notes=[f"gunicorn 2 sync workers, ckanapi -p {args.dump_processes}"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--seed", type=int, default=212016)
    parser.add_argument("--output", default="opendata_search")
    parser.add_argument("--dump", action="store_true", help="also time ckanapi dump datasets --all")
    parser.add_argument("--dump-processes", type=int, default=2)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="ukai-bench-opendata-")
    os.environ["UKAI_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "ukai.config.settings.test"
    if os.environ.get("DATABASE_URL"):
        postgres_database_ensure(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    print_machine()
    started = time.perf_counter()
    build(args.datasets, args.seed)
    build_s = time.perf_counter() - started
    print(f"built {args.datasets:,} data sets in {build_s:.1f} s ({data_dir})")

    client = Client()
    results: list[Result] = []
    everything: list[float] = []
    for label, params in QUERIES:
        query = {**params, "rows": str(args.rows), "facet.field": FACETS}
        response = client.get("/api/3/action/package_search", query)
        assert response.status_code == 200, response.content[:300]
        hits = response.json()["result"]["count"]
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get("/api/3/action/package_search", query)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        everything += times
        results.append(
            Result(
                name=label,
                params={"datasets": args.datasets, "rows": args.rows, "hits": hits},
                figures={
                    "p50_ms": percentile(times, 50),
                    "p95_ms": percentile(times, 95),
                    "max_ms": max(times),
                },
                unit="ms",
            )
        )
    results.append(
        Result(
            name="all queries",
            params={"datasets": args.datasets, "rows": args.rows, "hits": ""},
            figures={
                "p50_ms": percentile(everything, 50),
                "p95_ms": percentile(everything, 95),
                "max_ms": max(everything),
            },
            unit="ms",
            notes=[
                "package_search through the Action API view, facets organization/groups/tags/res_format",
                f"catalog built in {build_s:.1f} s",
            ],
        )
    )
    vendor = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    for result in results:
        result.params["database"] = vendor
    print_results(results, title=f"package_search, {args.datasets:,} data sets, {vendor}")
    # The machine may be shared: record how busy it was while measuring.
    load = round(os.getloadavg()[0], 2)
    print(f"load average (1 min) after measuring: {load}")
    path = write_json(
        results, args.output, extra={"build_s": round(build_s, 1), "load_average_1m": load}
    )
    print(f"wrote {path}")
    if args.dump:
        dumped = [_dump_timing(args, data_dir)]
        print_results(dumped, title="ckanapi dump datasets --all")
        print(f"wrote {write_json(dumped, args.output.replace('search', 'dump'))}")


if __name__ == "__main__":
    main()
