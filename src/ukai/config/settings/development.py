"""Settings for ``make run``: production-style serving on a developer's machine.

The server runs gunicorn with whitenoise exactly as production does, but over
plain HTTP on loopback and with a secret key kept in the data folder.
"""

from __future__ import annotations

from django.core.management.utils import get_random_secret_key

from .base import *
from .base import DATA_DIR


def _secret_key_from_data_dir() -> str:
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = SECRET_KEY or _secret_key_from_data_dir()
