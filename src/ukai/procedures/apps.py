from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "ukai.procedures"
    label = "procedures"
    verbose_name = _("電子申請")
    # Residents apply on the internet zone; departments process on the LGWAN zone.
    ukai_zones = ("internet", "lgwan")
