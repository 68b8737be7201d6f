"""Rate limits hold across the web processes of one machine (gunicorn runs several)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COUNT_ONCE = (
    "import django; django.setup(); "
    "from ukai.core.ratelimit import rate_limit_count; "
    "print(rate_limit_count(scope='test', client_address='203.0.113.7', window_seconds=3600))"
)


def test_two_processes_count_in_the_same_window(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "UKAI_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ukai.config.settings.production",
        "UKAI_SECRET_KEY": "ukai-test-secret-key-for-a-subprocess-only-0123456789",
        "UKAI_ALLOWED_HOSTS": "localhost",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    env.pop("DATABASE_URL", None)
    counts = [
        subprocess.run(
            [sys.executable, "-c", COUNT_ONCE], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert counts == ["1", "2"]
    assert any((tmp_path / "cache" / "ratelimit").iterdir())
