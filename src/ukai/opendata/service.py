"""The open data module's public API for other modules (the plan's KPIs).

Each KPI returns ``{"value": float, "description": str}``; the description says in
Japanese how the figure was computed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from . import selectors
from .models import DailyCount

__all__ = [
    "kpi_api_calls",
    "kpi_datasets_published",
    "kpi_downloads",
    "kpi_standard_compliance",
]


def _fiscal_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def kpi_datasets_published(*, as_of: date) -> dict[str, Any]:
    """計画 1-6: 公開データセット数（目標15件以上）."""
    count = selectors.datasets_published_count(as_of=as_of)
    return {
        "value": float(count),
        "description": (
            f"{as_of.isoformat()}時点で公開中（非公開・削除済みを除く）で、"
            "リソースが1件以上あるデータセットの数です。"
        ),
    }


def kpi_standard_compliance(*, as_of: date) -> dict[str, Any]:
    """標準データセットとして公開しているデータの平均適合度（%）."""
    published = selectors.datasets_published_count(as_of=as_of)
    scores = selectors.standard_compliance_scores(as_of=as_of)
    value = sum(scores) / len(scores) if scores else 0.0
    return {
        "value": round(value, 1),
        "description": (
            f"{as_of.isoformat()}時点の公開データセット{published}件のうち、標準データセット"
            f"（自治体標準オープンデータセット・推奨データセット）の形式を宣言している{len(scores)}件について、"
            "最新ファイルの適合度（必須列がそろい、修正もエラーもない行の割合）を平均した値（%）です。"
        ),
    }


def kpi_downloads(*, as_of: date) -> dict[str, Any]:
    """年度初めから as_of までのリソースのダウンロード数."""
    since = _fiscal_year_start(as_of)
    total = selectors.daily_count_total(kind=DailyCount.Kind.DOWNLOAD, since=since, until=as_of)
    return {
        "value": float(total),
        "description": (
            f"{since.isoformat()}から{as_of.isoformat()}までに、データセットのページと"
            "APIのURLからリソースがダウンロードされた回数（日ごとの集計の合計）です。"
        ),
    }


def kpi_api_calls(*, as_of: date) -> dict[str, Any]:
    """年度初めから as_of までの CKAN 互換 API の呼び出し回数."""
    since = _fiscal_year_start(as_of)
    total = selectors.daily_count_total(kind=DailyCount.Kind.API_CALL, since=since, until=as_of)
    last_30 = selectors.daily_count_total(
        kind=DailyCount.Kind.API_CALL, since=as_of - timedelta(days=29), until=as_of
    )
    return {
        "value": float(total),
        "description": (
            f"{since.isoformat()}から{as_of.isoformat()}までの CKAN 互換 API"
            f"（/api/3/action/）の呼び出し回数です（エラーを含む。直近30日は{last_30}回）。"
        ),
    }
