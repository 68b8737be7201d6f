"""The OCR module's public API for Ukai's other modules.

``kpi_input_time_reduction`` feeds plan measure 2-2 (the plan module calls it by name).
A verified page's values carry their mapping to a procedure's form field
(``TemplateZone.procedure_slug`` / ``procedure_field``), ready for turning a verified
page into a procedures submission once that module exposes submissions.
"""

from __future__ import annotations

from .selectors import kpi_input_time_reduction

__all__ = ["kpi_input_time_reduction"]
