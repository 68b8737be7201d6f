"""HTTP load on the production-style server: the public home page and /healthz.

Starts what ``make run`` starts — gunicorn serving ``ukai.config.wsgi:application``
with the development settings, plus the task worker (``/healthz`` needs its
heartbeat) — on a fresh, migrated data folder with the demo data and collected
static files, on a free loopback port. Then drives each URL with 16 concurrent
clients for a bounded time and reports throughput, p50/p95/p99 latency and errors.

    .venv/bin/python bench/http_load.py                       # make run's setup, 20 s per URL
    .venv/bin/python bench/http_load.py --matrix              # compare gunicorn worker settings
    .venv/bin/python bench/http_load.py --duration 5 --generator python

The load generator is ``wrk`` when installed (``apt-get install -y wrk``), since
it uses far less CPU than a Python client sharing the machine with the server;
otherwise a Python generator (processes x threads, ``http.client``). Which one
ran is printed and saved. Writes ``bench/results/http_load.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness import (
    PROJECT_DIR,
    Result,
    percentile,
    print_machine,
    print_results,
    usable_cpus,
    write_json,
)

HOST = "127.0.0.1"
DEFAULT_URLS = ["/", "/healthz"]
MATRIX = ["sync:3", "sync:5", "gthread:3x4", "gthread:2x8"]
# The target for the public home page on 2 cores.
TARGET_RPS = 300.0
TARGET_P95_MS = 50.0
FIGURES = [
    "requests",
    "throughput_rps",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "errors",
    "server_cpu_pct",
    "client_cpu_pct",
    "other_cpu_pct",
]

WRK_SCRIPT = r"""
wrk.headers["Accept-Language"] = "ja"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON %d %d %d %d %d %d %d %d %d %d %d %d %f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.min, latency.mean))
end
"""


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, spec: str) -> ServerConfig:
        """``sync:5`` or ``gthread:3x4`` (workers x threads)."""
        worker_class, _, size = spec.partition(":")
        if worker_class not in ("sync", "gthread") or not size:
            raise argparse.ArgumentTypeError(f"expected sync:N or gthread:NxT, got {spec!r}")
        workers, _, threads = size.partition("x")
        return cls(worker_class, int(workers), int(threads or 1))

    def __str__(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread:{self.workers}x{self.threads}"
        return f"sync:{self.workers}"


@dataclass
class LoadFigures:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    errors: int
    detail: dict[str, int]


# --------------------------------------------------------------------------- instance


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def instance_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ukai.config.settings.development",
        UKAI_DATA_DIR=str(data_dir),
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )


def prepare(env: dict[str, str]) -> float:
    """Migrate, collect static files and load the demo data, as ``make run`` does."""
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "ukai_demo")
    return time.perf_counter() - started


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def server(
    env: dict[str, str], config: ServerConfig, port: int, log_dir: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn and the task worker, as ``manage.py ukai_serve`` starts them."""
    metrics_dir = tempfile.mkdtemp(prefix="ukai-bench-metrics-")
    server_env = {**env, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    command = [
        sys.executable, "-m", "gunicorn", "ukai.config.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(config.workers),
        "--worker-class", config.worker_class,
        "--access-logfile", "-",
        "--graceful-timeout", "10",
        "--forwarded-allow-ips", "127.0.0.1",
    ]  # fmt: skip
    if config.worker_class == "gthread":
        command += ["--threads", str(config.threads)]
    web_log = (log_dir / f"gunicorn-{config}.log").open("wb")
    worker_log = (log_dir / f"worker-{config}.log").open("wb")
    web = subprocess.Popen(
        command, env=server_env, stdout=web_log, stderr=subprocess.STDOUT, start_new_session=True
    )
    worker = subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "ukai_worker", "--no-startup-delay",
         "--no-reload"],
        env=server_env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_healthy(f"http://{HOST}:{port}", [web, worker])
        yield web
    finally:
        _stop_group(web)
        _stop_group(worker)
        web_log.close()
        worker_log.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)


def wait_until_healthy(base: str, children: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 90
    last = ""
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            raise SystemExit("server or worker exited during start-up; see the logs")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.3)
    raise SystemExit(f"/healthz did not answer 200 within 90 s ({last})")


def tree_cpu_seconds(root_pid: int) -> float:
    """User+system CPU time of a process and its children (gunicorn master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if int(entry.name) == root_pid or ppid == root_pid:
            total += utime + stime
    return total / ticks


def machine_busy_seconds() -> tuple[float, float]:
    """CPU seconds spent busy and in total, summed over all CPUs, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------- generators


def run_wrk(url: str, concurrency: int, seconds: float, threads: int) -> LoadFigures:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        completed = subprocess.run(
            [
                "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s",
                "--timeout", "10s", "-s", script.name, url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(ln for ln in completed.stdout.splitlines() if ln.startswith("WRKJSON "))
    values = line.split()[1:]
    requests, duration_us, connect, read, write, status, timeout = map(int, values[:7])
    p50, p95, p99, lmax, _lmin = map(int, values[7:12])
    mean = float(values[12])
    detail = {
        "connect_errors": connect,
        "read_errors": read,
        "write_errors": write,
        "non_2xx_3xx": status,
        "timeouts": timeout,
    }
    return LoadFigures(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        p99_ms=p99 / 1000,
        max_ms=lmax / 1000,
        mean_ms=mean / 1000,
        # wrk counts read errors when the server closes a connection it had
        # answered on (gunicorn's sync workers close after every response).
        errors=connect + write + status + timeout,
        detail=detail,
    )


def _client_thread(
    port: int, path: str, deadline: float, latencies: list[float], statuses: Counter[str]
) -> None:
    headers = {"Host": f"{HOST}:{port}", "Accept-Language": "ja"}
    connection: http.client.HTTPConnection | None = None
    while (now := time.perf_counter()) < deadline:
        try:
            if connection is None:
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
            started = now
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            statuses[str(response.status)] += 1
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as exc:
            statuses[type(exc).__name__] += 1
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()


def _client_process(args: tuple[int, str, float, int]) -> tuple[list[float], Counter[str]]:
    port, path, deadline_in, threads = args
    deadline = time.perf_counter() + deadline_in
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    workers = [
        threading.Thread(target=_client_thread, args=(port, path, deadline, latencies, statuses))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, statuses


def run_python(port: int, path: str, concurrency: int, seconds: float) -> LoadFigures:
    """Processes (one per CPU) of threads with keep-alive http.client connections."""
    processes = max(1, min(usable_cpus(), concurrency))
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(processes) as pool:
        parts = pool.map(_client_process, [(port, path, seconds, n) for n in shares])
    elapsed = time.perf_counter() - started
    latencies = [value * 1000 for part, _ in parts for value in part]
    statuses: Counter[str] = Counter()
    for _, part in parts:
        statuses.update(part)
    errors = sum(n for status, n in statuses.items() if not status.startswith(("2", "3")))
    return LoadFigures(
        requests=len(latencies),
        seconds=min(elapsed, seconds) if latencies else elapsed,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
        max_ms=max(latencies, default=float("nan")),
        mean_ms=sum(latencies) / len(latencies) if latencies else float("nan"),
        errors=errors,
        detail=dict(statuses),
    )


def run_load(generator: str, port: int, path: str, concurrency: int, seconds: float) -> LoadFigures:
    if generator == "wrk":
        return run_wrk(f"http://{HOST}:{port}{path}", concurrency, seconds, usable_cpus())
    return run_python(port, path, concurrency, seconds)


# --------------------------------------------------------------------------- main


def check_status(port: int, path: str) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Language": "ja"})
        response = connection.getresponse()
        body = response.read()
        return f"{response.status} {len(body)} bytes"
    finally:
        connection.close()


def measure(
    *,
    env: dict[str, str],
    config: ServerConfig,
    urls: list[str],
    concurrency: int,
    seconds: float,
    warmup: float,
    generator: str,
    log_dir: Path,
) -> list[Result]:
    port = free_port()
    results = []
    with server(env, config, port, log_dir) as web:
        for path in urls:
            first = check_status(port, path)
            if warmup > 0:
                run_load(generator, port, path, concurrency, warmup)
            server_before = tree_cpu_seconds(web.pid)
            client_before = children_cpu_seconds()
            busy_before, _ = machine_busy_seconds()
            figures = run_load(generator, port, path, concurrency, seconds)
            server_cpu = tree_cpu_seconds(web.pid) - server_before
            client_cpu = children_cpu_seconds() - client_before
            busy_after, _ = machine_busy_seconds()
            machine_cpu = busy_after - busy_before
            wall = figures.seconds or seconds
            results.append(
                Result(
                    name="http_load",
                    params={
                        "url": path,
                        "server": str(config),
                        "concurrency": concurrency,
                        "duration_s": seconds,
                        "generator": generator,
                    },
                    figures={
                        "requests": figures.requests,
                        "throughput_rps": figures.requests / wall,
                        "p50_ms": figures.p50_ms,
                        "p95_ms": figures.p95_ms,
                        "p99_ms": figures.p99_ms,
                        "mean_ms": figures.mean_ms,
                        "max_ms": figures.max_ms,
                        "errors": figures.errors,
                        # 100% = one CPU busy for the whole run.
                        "server_cpu_pct": 100 * server_cpu / wall,
                        "client_cpu_pct": 100 * client_cpu / wall,
                        # Everything else that ran meanwhile (other jobs on the machine):
                        # when this is large, the figures are disturbed.
                        "other_cpu_pct": 100 * (machine_cpu - server_cpu - client_cpu) / wall,
                        "first_response": first,
                        **{f"detail_{k}": v for k, v in figures.detail.items()},
                    },
                    unit="req/s, ms",
                )
            )
            print(
                f"  {config} {path}: {figures.requests / wall:,.0f} req/s, "
                f"p95 {figures.p95_ms:.1f} ms, errors {figures.errors}",
                flush=True,
            )
    return results


def main() -> None:
    cores = usable_cpus()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per URL (default 20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--url", action="append", dest="urls", help="path to load (repeatable)")
    parser.add_argument(
        "--server",
        action="append",
        type=ServerConfig.parse,
        dest="servers",
        help=f"gunicorn setting, sync:N or gthread:NxT (default sync:{2 * cores + 1}, as make run)",
    )
    parser.add_argument("--matrix", action="store_true", help=f"compare {', '.join(MATRIX)}")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--database-url", help="load a PostgreSQL database instead of SQLite")
    parser.add_argument("--output", default="http_load", help="results name or path")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    args = parser.parse_args()

    servers: list[ServerConfig] = args.servers or []
    if args.matrix:
        servers += [
            ServerConfig.parse(spec) for spec in MATRIX if ServerConfig.parse(spec) not in servers
        ]
    if not servers:
        servers = [ServerConfig("sync", 2 * cores + 1)]
    urls = args.urls or DEFAULT_URLS
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    if generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk), use --generator python")

    print_machine()
    print(f"generator: {generator}; {args.concurrency} clients; {args.duration:g} s per URL")
    data_dir = Path(tempfile.mkdtemp(prefix="ukai-bench-"))
    try:
        env = instance_env(data_dir, args.database_url)
        setup_seconds = prepare(env)
        print(f"prepared {data_dir} (migrate, collectstatic, ukai_demo) in {setup_seconds:.1f} s")
        results: list[Result] = []
        for config in servers:
            results += measure(
                env=env,
                config=config,
                urls=urls,
                concurrency=args.concurrency,
                seconds=args.duration,
                warmup=args.warmup,
                generator=generator,
                log_dir=data_dir,
            )
    finally:
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    print_results(results, title="HTTP load (latency in ms)", figures=FIGURES)
    home = [r for r in results if r.params["url"] == "/"]
    if home:

        def meets(result: Result) -> bool:
            return (
                float(result.figures["throughput_rps"]) >= TARGET_RPS
                and float(result.figures["p95_ms"]) <= TARGET_P95_MS
            )

        # The fastest setting that meets the latency target, else the fastest.
        best = max(home, key=lambda r: (meets(r), float(r.figures["throughput_rps"])))
        met = meets(best)
        print(
            f"\ntarget for / on 2 cores: >= {TARGET_RPS:.0f} req/s and p95 <= {TARGET_P95_MS:.0f} ms: "
            f"{'met' if met else 'NOT met'} (best: {best.params['server']}, "
            f"{float(best.figures['throughput_rps']):,.0f} req/s, p95 {float(best.figures['p95_ms']):.1f} ms)"
        )
    path = write_json(
        results,
        args.output,
        extra={
            "benchmark": "http_load",
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "generator": generator,
            "setup_seconds": round(setup_seconds, 2),
            "target": {"url": "/", "throughput_rps": TARGET_RPS, "p95_ms": TARGET_P95_MS},
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
