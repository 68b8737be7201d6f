from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "ukai.opendata"
    label = "opendata"
    verbose_name = _("オープンデータ")
    # Open data is published to the internet; publishers work from the LGWAN zone.
    ukai_zones = ("internet", "lgwan")
