"""Settings for the test suite: the same stack, with fast hashing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .base import *
from .base import DATA_DIR, database_from_env

SECRET_KEY = "ukai-tests-only-not-a-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = []
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ukai-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ukai-test-static-"))
DATABASES = {"default": database_from_env(DATA_DIR / "test.sqlite3")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The real database queue: tests run the worker (`ukai_worker --batch`) to execute tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# One in-process store behind both aliases, so that a test's cache.clear() resets rate limits too.
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ukai-tests"}
    for alias in ("default", "ratelimit")
}
AXES_ENABLED = True
