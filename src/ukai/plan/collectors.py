"""The collectors this module ships: each reads one KPI from another module's service.py.

A module that is not installed yet makes its collectors return ``None`` (「未計測」).
The functions they call are the interface other modules provide:
``ukai.<module>.service.kpi_<name>(*, as_of: date) -> {"value": float, "description": str}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import ModuleKpiCollector
from .registry import collector_registry


def _module_kpi(identifier: str, module: str, function: str, name: object) -> None:
    cls = type(
        f"Collector_{identifier.replace('-', '_')}",
        (ModuleKpiCollector,),
        {"source_module": module, "function": function, "verbose_name": name},
    )
    collector_registry.register(identifier)(cls)


# (id, module, function in the module's service.py, name)
MODULE_KPIS = (
    ("opendata-datasets-published", "opendata", "kpi_datasets_published", _("公開データセット数")),
    (
        "opendata-standard-compliance",
        "opendata",
        "kpi_standard_compliance",
        _("推奨データセット準拠率"),
    ),
    ("opendata-downloads", "opendata", "kpi_downloads", _("ダウンロード数")),
    ("opendata-api-calls", "opendata", "kpi_api_calls", _("API呼び出し数")),
    ("chatbot-fields-covered", "chatbot", "kpi_fields_covered", _("チャットボット対応分野数")),
    ("chatbot-questions-per-month", "chatbot", "kpi_questions_per_month", _("月間質問数")),
    ("chatbot-answer-rate", "chatbot", "kpi_answer_rate", _("回答率")),
    ("chatbot-helpful-rate", "chatbot", "kpi_helpful_rate", _("役に立った率")),
    ("chatbot-handoffs", "chatbot", "kpi_handoffs", _("職員への引き継ぎ数")),
    ("counter-one-stop-rate", "counter", "kpi_one_stop_rate", _("移動せず手続きを終えた割合")),
    (
        "counter-procedure-time-reduction",
        "counter",
        "kpi_procedure_time_reduction",
        _("手続き時間の削減率"),
    ),
    ("counter-wait-time-reduction", "counter", "kpi_wait_time_reduction", _("待ち時間の削減率")),
    (
        "counter-form-writing-reduction",
        "counter",
        "kpi_form_writing_reduction",
        _("記入量の削減率"),
    ),
    (
        "translation-departments",
        "translation",
        "kpi_departments_using",
        _("多言語翻訳の利用部署数"),
    ),
    ("procedures-online-count", "procedures", "kpi_online_procedures", _("電子申請事務数")),
    ("procedures-online-share", "procedures", "kpi_online_share", _("オンライン申請の割合")),
    (
        "procedures-median-days",
        "procedures",
        "kpi_median_days_to_completion",
        _("受付から完了までの日数（中央値）"),
    ),
    (
        "procedures-fields-captured",
        "procedures",
        "kpi_fields_captured",
        _("電子的に受け取った入力項目数"),
    ),
    ("payments-methods", "payments", "kpi_payment_methods", _("キャッシュレス支払方法数")),
    ("minutes-time-ratio", "minutes", "kpi_minutes_time_ratio", _("会議録作成時間の比")),
    ("ocr-time-reduction", "ocr", "kpi_input_time_reduction", _("入力作業時間の削減率")),
)

for _identifier, _module, _function, _name in MODULE_KPIS:
    _module_kpi(_identifier, _module, _function, _name)
