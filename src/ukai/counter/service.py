"""The counter module's public API: the plan's KPIs for measure 1-1 (書かない窓口).

Each KPI covers the finished visits of the year to ``as_of``; the time
reductions compare with the baseline the city entered (docs/counter.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from . import selectors

__all__ = [
    "kpi_form_writing_reduction",
    "kpi_one_stop_rate",
    "kpi_procedure_time_reduction",
    "kpi_wait_time_reduction",
]


def _year(as_of: date) -> selectors.Figures:
    return selectors.figures(start=as_of - timedelta(days=364), end=as_of)


def kpi_one_stop_rate(*, as_of: date) -> dict[str, Any]:
    """Share (%) of finished visits where the resident did not move to another counter."""
    figures = _year(as_of)
    return {
        "value": figures.one_counter_rate or 0.0,
        "description": (
            f"基準日までの1年間に書かない窓口で手続を終えた来庁{figures.visits}件のうち、"
            f"他の窓口へ移動せずに終えた{figures.one_counter}件の割合（%）です。"
        ),
    }


def _time_reduction(as_of: date, *, what: str) -> dict[str, Any]:
    figures = _year(as_of)
    baseline = selectors.baseline_by_event().get(None)
    current = figures.median_wait if what == "wait" else figures.median_handling
    base_value = None
    if baseline is not None:
        base_value = (
            baseline.median_wait_minutes if what == "wait" else baseline.median_handling_minutes
        )
    value = selectors.reduction(base_value, current)
    label = "待ち時間" if what == "wait" else "手続時間"
    if value is None:
        description = (
            f"{label}の削減率は、基準期間の中央値（カウンターのダッシュボードで入力）と"
            "整理券の記録がそろうと計算されます。"
        )
    else:
        description = (
            f"基準期間の{label}の中央値{base_value}分に対し、基準日までの1年間の中央値は"
            f"{current}分です（整理券の記録から。削減率%）。"
        )
    return {"value": value or 0.0, "description": description}


def kpi_wait_time_reduction(*, as_of: date) -> dict[str, Any]:
    return _time_reduction(as_of, what="wait")


def kpi_procedure_time_reduction(*, as_of: date) -> dict[str, Any]:
    return _time_reduction(as_of, what="handling")


def kpi_form_writing_reduction(*, as_of: date) -> dict[str, Any]:
    """Share (%) of the forms' filled fields that the counter prefilled (the resident wrote none)."""
    figures = _year(as_of)
    return {
        "value": figures.prefilled_rate or 0.0,
        "description": (
            f"基準日までの1年間に書かない窓口で作成した申請書の記入項目{figures.fields_total}件のうち、"
            f"住民記録と聞き取りから自動で記入され、手書きも職員の入力も不要だった"
            f"{figures.fields_prefilled}件の割合（%）です。"
        ),
    }
