"""HTTP submission throughput and latency of online applications (電子申請).

Starts what ``make run`` starts (gunicorn + the task worker, development settings) on a
fresh data folder with the demo data, creates confirmed drafts of 児童手当 認定請求 with two
children (each bound to its own browser session, as after the e-mail link), then has N
concurrent clients press 「この内容で申請する」: ``POST /procedures/<slug>/apply/check/``.
A submission counts when the server answers 302 to the confirmation page; afterwards the
database must hold exactly one case per success, each with its receipt number and answers.

    .venv/bin/python bench/procedures_submit.py                    # SQLite (make run's default)
    .venv/bin/python bench/procedures_submit.py --database-url postgres://…/ukai_bench

Target (issue 3): >= 100 submissions/s and p95 <= 150 ms on 2 cores.
Also measures the form step page (GET, target p95 <= 50 ms). Writes
``bench/results/procedures_submit.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import PROJECT_DIR, Result, percentile, print_machine, print_results, write_json
from http_load import HOST, ServerConfig, free_port, instance_env, prepare, server

SLUG = "jido-teate-nintei-seikyu"
TARGET_RPS = 100.0
TARGET_P95_MS = 150.0
STEP_TARGET_P95_MS = 50.0

ANSWERS = {
    "applicant_name": {"name": "髙橋 花子", "kana": "タカハシ ハナコ"},
    "applicant_birth_date": "平成2年4月1日",
    "postal_code": "500-8701",
    "address": "岐阜県岐阜市司町40番地1",
    "phone": "058-265-4141",
    "is_public_servant": "no",
    "has_spouse": "no",
    "children": [
        {
            "name": {"name": "髙橋 一郎", "kana": "タカハシ イチロウ"},
            "birth_date": "R3.5.1",
            "relationship": "child",
            "lives_with_applicant": "yes",
        },
        {
            "name": {"name": "髙橋 𠮷子", "kana": "タカハシ ヨシコ"},
            "birth_date": "令和5年6月1日",
            "relationship": "child",
            "lives_with_applicant": "yes",
        },
    ],
    "bank_name": "十六銀行",
    "branch_name": "本店",
    "account_type": "ordinary",
    "account_number": "1234567",
    "account_holder_kana": "タカハシ ハナコ",
    "declaration": True,
}

# Run inside ``manage.py shell``: confirmed drafts, each in its own session; prints JSON.
MAKE_DRAFTS = r"""
import json, sys
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from ukai.procedures.models import Draft
from ukai.procedures.selectors import procedure_by_slug, form_definition_current
from ukai.procedures.services import draft_create
from ukai.procedures.validation import form_validate
from ukai.procedures.formspec import form_spec_parse

slug, count, answers = sys.argv_bench
procedure = procedure_by_slug(slug)
form = form_definition_current(procedure=procedure)
_, errors = form_validate(form_spec_parse(form.definition), answers)
assert not errors, errors
keys = []
for i in range(count):
    draft, _secret = draft_create(procedure=procedure, form_definition=form, email=f"bench{i}@example.jp")
    draft.verified_at = timezone.now()
    draft.answers = answers
    draft.save()
    session = SessionStore()
    session[f"procedures:draft:{procedure.pk}"] = draft.pk
    session.create()
    keys.append(session.session_key)
print("DRAFTS" + json.dumps(keys))
"""

COUNT_CASES = r"""
import json
from ukai.procedures.models import Case
cases = list(Case.objects.values_list("receipt_number", "answers"))
ok = sum(1 for _r, a in cases if len(a.get("children", [])) == 2 and a.get("phone") == "058-265-4141")
print("CASES" + json.dumps({"cases": len(cases), "intact": ok, "unique": len({r for r, _a in cases})}))
"""


def django_shell(env: dict[str, str], code: str, marker: str) -> object:
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(marker):
            return json.loads(line[len(marker) :])
    raise SystemExit(f"no {marker} line from manage.py shell:\n{completed.stderr[-2000:]}")


def make_drafts(env: dict[str, str], count: int) -> list[str]:
    code = f"import sys\nsys.argv_bench = ({SLUG!r}, {count}, {ANSWERS!r})\n" + MAKE_DRAFTS
    keys = django_shell(env, code, "DRAFTS")
    assert isinstance(keys, list)
    return [str(k) for k in keys]


def submit_all(
    port: int, sessions: list[str], concurrency: int
) -> tuple[list[float], dict[str, int]]:
    """Each session submits once; returns latencies (ms) of successes and outcome counts."""
    path = f"/procedures/{SLUG}/apply/check/"
    queue = list(sessions)
    lock = threading.Lock()
    latencies: list[float] = []
    outcomes: dict[str, int] = {}

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                session = queue.pop()
            token = secrets.token_hex(16)  # a CSRF secret of 32 characters, cookie and form alike
            body = f"csrfmiddlewaretoken={token}"
            headers = {
                "Cookie": f"sessionid={session}; csrftoken={token}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept-Language": "ja",
            }
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - started) * 1000
                ok = response.status == 302 and "submitted" in (
                    response.getheader("Location") or ""
                )
                outcome = "ok" if ok else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                elapsed = 0.0
                outcome = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            with lock:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if outcome == "ok":
                    latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, outcomes


def step_page_latencies(port: int, session: str, requests: int) -> list[float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    path = f"/procedures/{SLUG}/apply/children/"
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"step page answered {response.status}")
        latencies.append((time.perf_counter() - started) * 1000)
    conn.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server", type=ServerConfig.parse, default=ServerConfig("sync", 5))
    parser.add_argument("--database-url", help="a PostgreSQL database instead of SQLite")
    parser.add_argument("--output", default="procedures_submit")
    args = parser.parse_args()

    print_machine()
    data_dir = Path(tempfile.mkdtemp(prefix="ukai-bench-submit-"))
    try:
        env = instance_env(data_dir, args.database_url)
        prepare(env)
        sessions = make_drafts(env, args.submissions + 1)
        step_session = sessions.pop()
        print(f"{len(sessions)} confirmed drafts ready; {args.concurrency} clients; {args.server}")
        port = free_port()
        with server(env, args.server, port, data_dir):
            step_page_latencies(port, step_session, 20)  # warm the workers
            steps = step_page_latencies(port, step_session, 300)
            started = time.perf_counter()
            latencies, outcomes = submit_all(port, sessions, args.concurrency)
            seconds = time.perf_counter() - started
        counted = django_shell(env, COUNT_CASES, "CASES")
        assert isinstance(counted, dict)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    database = "postgresql" if args.database_url else "sqlite"
    ok = outcomes.get("ok", 0)
    results = [
        Result(
            name=f"submit ({database})",
            params={"database": database, "server": str(args.server), "clients": args.concurrency},
            figures={
                "submissions": ok,
                "throughput_per_s": round(ok / seconds, 1),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "p99_ms": round(percentile(latencies, 99), 1),
                "max_ms": round(max(latencies), 1),
                "errors": sum(v for k, v in outcomes.items() if k != "ok"),
                "cases_stored": counted["cases"],
                "cases_intact": counted["intact"],
            },
        ),
        Result(
            name=f"form step page ({database})",
            params={"database": database, "url": f"/procedures/{SLUG}/apply/children/"},
            figures={
                "requests": len(steps),
                "p50_ms": round(percentile(steps, 50), 1),
                "p95_ms": round(percentile(steps, 95), 1),
                "max_ms": round(max(steps), 1),
            },
        ),
    ]
    print_results(results, title="Online applications over HTTP")
    if outcomes.keys() - {"ok"}:
        print(f"outcomes: {outcomes}")
    figures = results[0].figures
    met = (
        float(figures["throughput_per_s"]) >= TARGET_RPS
        and float(figures["p95_ms"]) <= TARGET_P95_MS
    )
    print(
        f"target >= {TARGET_RPS:.0f} submissions/s and p95 <= {TARGET_P95_MS:.0f} ms: "
        f"{'met' if met else 'NOT met'}; every success stored and intact: "
        f"{counted['cases'] == ok == counted['intact'] == counted['unique']}"
    )
    path = write_json(
        results,
        args.output,
        extra={
            "benchmark": "procedures_submit",
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "target": {"throughput_per_s": TARGET_RPS, "p95_ms": TARGET_P95_MS},
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
