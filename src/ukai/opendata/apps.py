from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "ukai.opendata"
    label = "opendata"
    verbose_name = _("オープンデータ")
    # Open data is published to the internet; publishers work from the LGWAN zone.
    ukai_zones = ("internet", "lgwan")
    # The core's staff navigation links here (see core.templatetags.ukai_tags).
    ukai_staff_page = (
        "opendata:staff_home",
        _("オープンデータの公開"),
        _("データセットの作成・更新と、ファイルの検査・公開を行います。"),
    )
