"""Standard data set check with repair: rows per second on a generated 消防水利施設一覧 CSV.

    .venv/bin/python bench/opendata_validate.py                 # 50,000 rows, 3 runs
    .venv/bin/python bench/opendata_validate.py --rows 10000 --defects 0.2

One row in ``--defects`` (default 10%) carries a defect that the check repairs (lost
leading zero, full-width digits, swapped coordinates, 和暦 would not apply here).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from harness import Result, print_machine, print_results, write_json  # noqa: E402

HEADER = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "種別",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "口径",
    "備考",
]


def generate(rows: int, defects: float, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(rows):
        lat, lon = f"{35.35 + rng.random() * 0.15:.6f}", f"{136.65 + rng.random() * 0.2:.6f}"
        code, size = "212016", str(rng.choice([75, 100, 150]))
        if rng.random() < defects:
            kind = rng.randrange(3)
            if kind == 0:
                code = "21201"
            elif kind == 1:
                size = size.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            else:
                lat, lon = lon, lat
        town = rng.choice(["司町", "長良", "加納本町", "島栄町", "本荘中ノ町"])
        writer.writerow(
            [
                code,
                f"FW-{n:06d}",
                "岐阜市",
                rng.choice(["消火栓", "防火水槽"]),
                "212016",
                "",
                f"岐阜県岐阜市{town}{n % 50 + 1}番地",
                "岐阜県",
                "岐阜市",
                town,
                f"{n % 50 + 1}番地",
                "",
                lat,
                lon,
                size,
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--defects", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", default="opendata_validate")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.test")
    import django

    django.setup()
    from ukai.opendata.validation import standard_validate

    print_machine()
    content = generate(args.rows, args.defects, 212016)
    times = []
    report = None
    for _ in range(args.runs):
        started = time.perf_counter()
        report = standard_validate(content=content, standard="消防水利施設一覧")
        times.append(time.perf_counter() - started)
    assert report is not None
    best = min(times)
    results = [
        Result(
            name="standard_validate 消防水利施設一覧",
            params={"rows": args.rows, "defects": args.defects, "bytes": len(content)},
            figures={
                "best_s": best,
                "rows_per_s": args.rows / best,
                "repairs": report.repair_count,
                "errors": report.error_count,
                "score": report.score,
            },
            unit="rows/s",
            notes=[f"issues are capped at 1,000 per report (truncated={report.truncated})"],
        )
    ]
    print_results(results, title="Standard data set check with repair")
    load = round(os.getloadavg()[0], 2)
    print(f"load average (1 min) after measuring: {load}")
    print(f"wrote {write_json(results, args.output, extra={'load_average_1m': load})}")


if __name__ == "__main__":
    main()
