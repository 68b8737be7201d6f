"""The chatbot's public API for Ukai's other modules (the plan module reads its KPIs)."""

from __future__ import annotations

from .selectors import (
    kpi_answer_rate,
    kpi_fields_covered,
    kpi_handoffs,
    kpi_helpful_rate,
    kpi_questions_per_month,
)

__all__ = [
    "kpi_answer_rate",
    "kpi_fields_covered",
    "kpi_handoffs",
    "kpi_helpful_rate",
    "kpi_questions_per_month",
]
