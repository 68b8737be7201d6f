"""The minutes module's public API for Ukai's other modules (the plan module reads its KPI)."""

from __future__ import annotations

from .selectors import kpi_minutes_time_ratio

__all__ = ["kpi_minutes_time_ratio"]
