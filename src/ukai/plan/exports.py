"""The dashboard as CSV, XLSX and the committee's printable annual report (PDF)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .selectors import Dashboard

HEADER = [
    "基本方針",
    "施策番号",
    "施策名",
    "区分",
    "施策の進捗(%)",
    "期待進捗(%)",
    "施策の状況",
    "指標番号",
    "指標名",
    "単位",
    "評価の向き",
    "基準値",
    "目標年度",
    "目標値",
    "実績値",
    "計測日",
    "取得元",
    "達成度(%)",
    "指標の状況",
]


def dashboard_rows(dashboard: Dashboard) -> Iterator[list[object]]:
    """One row per indicator (a measure without indicators gets one row of its own)."""
    yield [*HEADER, *(f"{year}年度の目標" for year in dashboard.fiscal_years)]
    for policy in dashboard.policies:
        for row in policy.measures:
            measure = row.measure
            head: list[object] = [
                f"{policy.policy.number} {policy.policy.title}",
                measure.code,
                measure.title,
                measure.get_kind_display(),
                row.progress.percent if row.progress.percent is not None else "",
                row.progress.expected_percent if row.progress.expected_percent is not None else "",
                row.progress.status.label,
            ]
            if not row.indicators:
                yield head + [""] * (len(HEADER) - len(head) + len(dashboard.fiscal_years))
                continue
            for item in row.indicators:
                indicator = item.indicator
                latest = item.latest
                yield (
                    head
                    + [
                        indicator.code,
                        indicator.name,
                        indicator.unit,
                        indicator.get_direction_display(),
                        "" if indicator.baseline is None else indicator.baseline,
                        item.target[0] if item.target else "",
                        item.target[1] if item.target else "",
                        latest.value if latest else "未計測",
                        latest.measured_at.date().isoformat() if latest else "",
                        (
                            ("自動集計" if latest.source == "collector" else "手入力")
                            if latest
                            else ""
                        ),
                        "" if item.attainment_percent is None else item.attainment_percent,
                        item.status.label if item.status else "参考",
                    ]
                    + [item.targets.get(year, "") for year in dashboard.fiscal_years]
                )


def dashboard_csv(dashboard: Dashboard) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in dashboard_rows(dashboard):
        writer.writerow(row)
    # BOM so that Excel opens the Japanese text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{dashboard.fy}年度"
    for index, row in enumerate(dashboard_rows(dashboard)):
        sheet.append(row)
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    schedule = workbook.create_sheet("実施スケジュール")
    schedule.append(["施策番号", "施策名"] + [f"{year}年度" for year in dashboard.fiscal_years])
    from .models import Phase

    labels = dict(Phase.choices)
    for measure_row in dashboard.measures:
        schedule.append(
            [measure_row.measure.code, measure_row.measure.title]
            + [
                str(labels.get(measure_row.schedule.get(year, ""), ""))
                for year in dashboard.fiscal_years
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def annual_report_pdf(html: str, *, base_url: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf
