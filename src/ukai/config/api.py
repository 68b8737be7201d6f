"""The Ukai API at ``/api/v1/``: every module's router is mounted here."""

from __future__ import annotations

from ukai.core.api import build_api

api = build_api()
