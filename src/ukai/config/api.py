"""The Ukai API at ``/api/v1/``: every module's router is mounted here."""

from __future__ import annotations

from ukai.chatbot.api import router as chatbot_router
from ukai.core.api import build_api
from ukai.core.api_japanese import router as japanese_router
from ukai.plan.api import router as plan_router
from ukai.procedures.api import router as procedures_router

api = build_api()
api.add_router("/", japanese_router)
api.add_router("/", chatbot_router)
api.add_router("/", procedures_router)
api.add_router("/", plan_router)
