from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcrConfig(AppConfig):
    name = "ukai.ocr"
    label = "ocr"
    verbose_name = _("AI-OCR・入力の自動化")
    # Paper forms are read and verified by staff on the LGWAN zone.
    ukai_zones = ("lgwan",)
    ukai_staff_page = (
        "ocr_staff:home",
        _("AI-OCR（帳票の読取）"),
        _("紙の申請書をスキャンして読み取り、確認してから業務システム向けに出力します。"),
    )
