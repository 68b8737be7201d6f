"""Reliability: submit in a loop, kill -9 the server mid-stream, restart.

Every submission that showed the resident a receipt number is in the database, intact
(answers, first history entry, after-submit steps), and no case is half-written. The
server is the real one (gunicorn, SQLite in WAL mode, as ``make run``), in its own data
folder, killed with SIGKILL across its whole process group.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[4]
SLUG = "juminhyo-utsushi"
RECEIPT = re.compile(r'proc-receipt__number">(\d{4}-\d{4}-\d{4})<')

MAKE_DRAFTS = r"""
import json
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from ukai.procedures.seed import procedures_seed
from ukai.procedures.selectors import form_definition_current, procedure_by_slug
from ukai.procedures.services import draft_create
from ukai.procedures.formspec import form_spec_parse
from ukai.procedures.validation import form_validate

procedures_seed()
procedure = procedure_by_slug(SLUG)
form = form_definition_current(procedure=procedure)
answers = ANSWERS
_, errors = form_validate(form_spec_parse(form.definition), answers)
assert not errors, errors
keys = []
for i in range(COUNT):
    draft, _ = draft_create(procedure=procedure, form_definition=form, email=f"r{i}@example.jp")
    draft.verified_at = timezone.now()
    draft.answers = {**answers, "purpose_other": f"申請{i}"}
    draft.save()
    session = SessionStore()
    session[f"procedures:draft:{procedure.pk}"] = draft.pk
    session.create()
    keys.append(session.session_key)
print("DRAFTS" + json.dumps(keys))
"""

CHECK = r"""
import json
from ukai.procedures.models import Case
rows = []
for case in Case.objects.prefetch_related("events", "steps"):
    rows.append({
        "receipt": case.receipt_number,
        "purpose": case.answers.get("purpose_other"),
        "name": case.answers.get("requester_name"),
        "events": [e.kind for e in case.events.all()],
        "steps": sorted(s.name for s in case.steps.all()),
    })
print("CASES" + json.dumps(rows, ensure_ascii=False))
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="ukai.config.settings.development",
        UKAI_DATA_DIR=str(data_dir),
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout


def _marked(output: str, marker: str) -> object:
    line = next(line for line in output.splitlines() if line.startswith(marker))
    return json.loads(line[len(marker) :])


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ukai.config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "3"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/procedures/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not start")


@pytest.mark.slow
def test_every_receipt_survives_kill_9(tmp_path):
    env = _env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    code = MAKE_DRAFTS.replace("SLUG", repr(SLUG)).replace("COUNT", "400")
    code = code.replace("ANSWERS", repr(ANSWERS))
    keys = _marked(_manage(env, "shell", "-c", code), "DRAFTS")
    assert isinstance(keys, list)
    sessions = [(str(key), f"申請{i}") for i, key in enumerate(keys)]
    port = _port()
    server = _start(env, port)
    receipts: dict[str, str] = {}  # receipt → the purpose the resident typed
    lock = threading.Lock()
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            with lock:
                if not sessions:
                    return
                session, purpose = sessions.pop()
            token = secrets.token_hex(16)
            headers = {"Cookie": f"sessionid={session}; csrftoken={token}"}
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request(
                    "POST",
                    f"/procedures/{SLUG}/apply/check/",
                    body=f"csrfmiddlewaretoken={token}",
                    headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
                )
                response = conn.getresponse()
                response.read()
                if response.status != 302:
                    continue
                conn.request("GET", f"/procedures/{SLUG}/apply/submitted/", headers=headers)
                page = conn.getresponse().read().decode()
            except (OSError, http.client.HTTPException):
                continue  # the server died under this request: no receipt was shown
            found = RECEIPT.search(page)
            if found:
                with lock:
                    receipts[found.group(1)] = purpose

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-stream
    server.wait()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    shown = dict(receipts)
    assert len(shown) >= 10, "too few submissions before the kill to prove anything"

    # Restart: the server comes back on the same database and every receipt is there.
    server = _start(env, port)
    try:
        cases = _marked(_manage(env, "shell", "-c", CHECK), "CASES")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert isinstance(cases, list)
    by_receipt = {case["receipt"]: case for case in cases}
    missing = set(shown) - set(by_receipt)
    assert not missing, f"receipts shown but not stored: {sorted(missing)[:5]}"
    for receipt, purpose in shown.items():  # each one the resident's own application
        assert by_receipt[receipt]["purpose"] == purpose
    for case in cases:  # nothing half-written, whether or not its receipt was seen
        assert case["events"][:1] == ["submitted"], case
        assert case["steps"] == ["confirmation_email", "handover", "pdf"], case
        assert case["name"] == {"name": "髙橋 花子", "kana": "タカハシ ハナコ"}, case
        assert re.fullmatch(r"申請\d+", case["purpose"] or ""), case


ANSWERS: dict[str, object] = {
    "requester_name": {"name": "髙橋 花子", "kana": "タカハシ ハナコ"},
    "requester_birth_date": "平成2年4月1日",
    "requester_postal_code": "500-8701",
    "requester_address": "岐阜県岐阜市司町40番地1",
    "requester_phone": "058-265-4141",
    "relation": "self",
    "scope": "whole_household",
    "copies": "1",
    "purpose": "other",
    "purpose_other": "申請",
    "delivery": "post",
    "declaration": True,
}
