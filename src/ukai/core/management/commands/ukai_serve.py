"""Run the web server (gunicorn) and the task worker together, as ``make run`` does.

Both are child processes; when either exits, or on Ctrl+C / SIGTERM, the other
is stopped too, so nothing is left running in the background.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX
from ukai.core.models import Role

READY_TIMEOUT_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Webサーバーとバックグラウンド処理を起動します / Start the web server and the task worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("UKAI_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1))),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError("PORT は 1〜65535 の数字にしてください / PORT must be 1-65535.")
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = os.environ.get(
            "DJANGO_SETTINGS_MODULE", "ukai.config.settings.development"
        )
        # Aggregate request metrics across gunicorn workers for /metrics.
        metrics_dir = tempfile.mkdtemp(prefix="ukai-metrics-")
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        python = sys.executable
        web = subprocess.Popen(
            [
                python, "-m", "gunicorn", "ukai.config.wsgi:application",
                "--bind", f"{host}:{port}",
                "--workers", str(options["workers"]),
                "--access-logfile", "-",
                "--graceful-timeout", "10",
                "--forwarded-allow-ips", "127.0.0.1",
            ],
            env=env,
        )  # fmt: skip
        worker = subprocess.Popen(
            [python, "-m", "django", "ukai_worker", "--no-startup-delay", "--no-reload"],
            env=env,
        )
        children = [web, worker]

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"  # noqa: S104
        if self._wait_until_ready(url, children):
            self._announce(url)
        else:
            stop(signal.SIGTERM, None)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            raise CommandError(f"停止しました / stopped (exit codes {codes})")

    def _wait_until_ready(self, url: str, children: list[subprocess.Popen[bytes]]) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                self.stderr.write("起動に失敗しました / failed to start")
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stderr.write("起動を待ちきれませんでした / timed out waiting for the server")
        return False

    def _announce(self, url: str) -> None:
        secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
        lines = [
            "",
            "=" * 72,
            f"  Ukai が起動しました / Ukai is running: {url}",
            f"  職員ログイン / Staff sign-in: {url}staff/login/",
            f"  API: {url}api/v1/docs    Health: {url}healthz",
            f"  データベース / database: {str(settings.DATABASES['default']['ENGINE']).rsplit('.', 1)[-1]}",
            f"  デモ職員（パスワード共通 / password）: {DEMO_PASSWORD}",
        ]
        lines += [f"    {role.value:<11} {role.label}" for role in Role]
        lines += [
            f"  admin は認証アプリのコードも必要です / admin also needs a TOTP code: secret {secret}",
            "  (python manage.py ukai_totp admin でも表示できます / or run: manage.py ukai_totp admin)",
            "  終了は Ctrl+C / Stop with Ctrl+C",
            "=" * 72,
            "",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
