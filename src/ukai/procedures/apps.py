from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "ukai.procedures"
    label = "procedures"
    verbose_name = _("電子申請")
    # Residents apply on the internet zone; departments process on the LGWAN zone.
    ukai_zones = ("internet", "lgwan")
    # The core's staff navigation links here (see core.templatetags.ukai_tags).
    ukai_staff_page = (
        "procedures_staff:inbox",
        _("電子申請の受付箱"),
        _(
            "担当課に届いた申請の確認、補正の依頼、状態の変更、基幹系システム向けの書き出しを行います。"
        ),
    )
