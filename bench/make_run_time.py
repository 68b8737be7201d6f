"""How long ``make run`` takes from a fresh clone until the home page answers.

Each run clones the repository into a temporary folder, starts ``make run`` there
with ``PORT`` set to a free port, polls ``http://127.0.0.1:PORT/`` until it
answers 200, prints the seconds, then stops ``make run`` (its whole process
group) and deletes the clone. Needs the Makefile's ``make run`` (which honours
``PORT``) and Python 3.11 as ``python3.11``.

Three runs by default, to show what pip's cache is worth:

1. ``cold``  — fresh clone, empty pip cache (a new ``PIP_CACHE_DIR``);
2. ``warm``  — fresh clone, the pip cache the first run filled;
3. ``again`` — ``make run`` a second time in the second clone (the venv exists).

Wheels still come from the configured indexes either way (on this machine the
local wheel directory and file:// indexes in pip.conf), so "cold" is not a
download over the internet; the JSON records the pip configuration used.

    .venv/bin/python bench/make_run_time.py                    # HEAD, three runs
    .venv/bin/python bench/make_run_time.py --source worktree  # include uncommitted files
    .venv/bin/python bench/make_run_time.py --runs cold

Writes ``bench/results/make_run_time.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import PROJECT_DIR, Result, print_machine, print_results, write_json

HOST = "127.0.0.1"
RUNS = ("cold", "warm", "again")
# Variables of the calling shell that would make the clone use something else
# than its own folder, database or interpreter.
SCRUBBED = ("UKAI_DATA_DIR", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def checkout(source: str, dest: Path) -> float:
    """A fresh copy of the repository: ``git clone`` of HEAD, or the working tree's files."""
    started = time.perf_counter()
    if source == "head":
        subprocess.run(["git", "clone", "--quiet", str(PROJECT_DIR), str(dest)], check=True)
    else:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT_DIR,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        for raw in filter(None, listed):
            relative = Path(os.fsdecode(raw))
            origin = PROJECT_DIR / relative
            if not origin.is_file():  # deleted in the working tree
                continue
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    return time.perf_counter() - started


def pip_config() -> str:
    completed = subprocess.run(
        ["python3.11", "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    return completed.stdout.strip()


def make_run(clone: Path, pip_cache: Path | None, timeout: float) -> float:
    """Start ``make run``, wait for 200 on /, stop it; return the seconds."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["PORT"] = str(port)
    if pip_cache is not None:
        env["PIP_CACHE_DIR"] = str(pip_cache)
    log_path = clone.parent / f"make-run-{port}.log"
    url = f"http://{HOST}:{port}/"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            ["make", "run"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            seconds = _wait_for_200(url, process, started, timeout)
        finally:
            _stop(process)
    if seconds is None:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
        raise SystemExit(f"make run did not answer 200 on {url} within {timeout:.0f} s:\n{tail}")
    return seconds


def _wait_for_200(
    url: str, process: subprocess.Popen[bytes], started: float, timeout: float
) -> float | None:
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop make and everything it started (the server and worker are in its group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    # Children may outlive make itself; make sure the group is gone.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", choices=["head", "worktree"], default="head")
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per run")
    parser.add_argument("--output", default="make_run_time")
    args = parser.parse_args()
    if not (PROJECT_DIR / "Makefile").is_file():
        raise SystemExit("No Makefile: this benchmark measures `make run` and needs it.")
    if shutil.which("python3.11") is None:
        raise SystemExit("python3.11 is not on PATH; make run needs it.")

    print_machine()
    workdir = Path(tempfile.mkdtemp(prefix="ukai-make-run-"))
    # Without a cold run to fill it, "warm" means this machine's own pip cache.
    pip_cache = workdir / "pip-cache" if "cold" in args.runs else None
    results: list[Result] = []
    clone: Path | None = None
    try:
        for run in args.runs:
            clone_seconds = 0.0
            if run != "again" or clone is None:
                if clone is not None:
                    shutil.rmtree(clone, ignore_errors=True)
                clone = workdir / f"ukai-{run}"
                clone_seconds = checkout(args.source, clone)
            print(f"{run}: make run in {clone} ...", flush=True)
            seconds = make_run(clone, pip_cache, args.timeout)
            print(f"{run}: answered after {seconds:.1f} s (+ {clone_seconds:.1f} s to copy)")
            results.append(
                Result(
                    name="make_run_time",
                    params={"run": run, "source": args.source},
                    figures={
                        "until_200_s": round(seconds, 2),
                        "checkout_s": round(clone_seconds, 2),
                    },
                    unit="s",
                )
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print_results(results, title="make run: seconds from start until / answers 200")
    path = write_json(
        results,
        args.output,
        extra={
            "benchmark": "make_run_time",
            "pip_config": pip_config(),
            "runs": {
                "cold": "fresh clone, empty PIP_CACHE_DIR",
                "warm": "fresh clone, PIP_CACHE_DIR filled by the cold run",
                "again": "second make run in the same clone (venv and data exist)",
            },
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
