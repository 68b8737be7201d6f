"""The small harness every Ukai benchmark shares: results, machine info, JSON, printing.

A benchmark script builds ``Result`` records, prints them with ``print_results``
and saves them with ``write_json(results, "<name>")`` to ``bench/results/<name>.json``.
Benchmarks report figures; they never fail because a machine is slow.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


@dataclass
class Result:
    """One measured configuration.

    ``figures`` maps a figure's name to its value; names carry their unit as a
    suffix (``p95_ms``, ``throughput_rps``) and ``unit`` names the headline unit.
    """

    name: str
    params: dict[str, Any]
    figures: dict[str, float | int | str]
    unit: str = ""
    notes: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _git(*args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def usable_cpus() -> int:
    """CPUs this process may run on (affinity and container limits), not the host's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_info() -> dict[str, Any]:
    commit = _git("rev-parse", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable_cpus(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "hostname": socket.gethostname(),
        "git_commit": commit,
        "git_dirty": dirty,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def results_path(name: str) -> Path:
    return RESULTS_DIR / f"{name}.json"


def write_json(
    results: Sequence[Result], path: str | Path, *, extra: dict[str, Any] | None = None
) -> Path:
    """Write results with machine info; a bare name goes to ``bench/results/<name>.json``."""
    target = Path(path)
    if target.suffix != ".json" and len(target.parts) == 1:
        target = results_path(str(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine_info(),
        **(extra or {}),
        "results": [asdict(result) for result in results],
    }
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _format(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_results(results: Sequence[Result], *, figures: Sequence[str] | None = None) -> str:
    """A plain-text table: one row per result, its params then its figures."""
    if not results:
        return "(no results)"
    param_keys: list[str] = []
    figure_keys: list[str] = list(figures or [])
    for result in results:
        param_keys += [k for k in result.params if k not in param_keys]
        if figures is None:
            figure_keys += [k for k in result.figures if k not in figure_keys]
    header = ["name", *param_keys, *figure_keys]
    rows = [
        [
            result.name,
            *[_format(result.params.get(k, "")) for k in param_keys],
            *[_format(result.figures.get(k, "")) for k in figure_keys],
        ]
        for result in results
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    numeric = {i for i, key in enumerate(header) if key in figure_keys}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    return "\n".join(out)


def print_results(
    results: Sequence[Result], *, title: str = "", figures: Sequence[str] | None = None
) -> None:
    if title:
        print(f"\n{title}")
    print(format_results(results, figures=figures))
    for result in results:
        for note in result.notes:
            print(f"  note ({result.name}): {note}")


def print_machine() -> None:
    info = machine_info()
    print(
        f"machine: {info['usable_cpus']}/{info['cpu_count']} CPUs ({info['cpu_model']}), "
        f"{info['memory_gib']} GiB, Python {info['python']}, {info['platform']}, "
        f"commit {info['git_commit'][:10]}{' (dirty)' if info['git_dirty'] else ''}"
    )


def postgres_database_ensure(url: str) -> None:
    """Create the database a ``--database-url`` names when missing (a throwaway cluster has none)."""
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


def django_setup(*, prefix: str, database_url: str | None = None) -> Path:
    """Django on a throwaway data folder (SQLite there, or ``database_url`` / ``DATABASE_URL``).

    Returns the data folder. The test settings: no e-mail leaves, files stay in the folder.
    """
    import tempfile

    data_dir = Path(tempfile.mkdtemp(prefix=f"ukai-bench-{prefix}-"))
    os.environ["UKAI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ukai.config.settings.test"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if os.environ.get("DATABASE_URL"):
        postgres_database_ensure(os.environ["DATABASE_URL"])
    import django

    django.setup()
    return data_dir
