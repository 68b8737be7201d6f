from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ukai.core"
    label = "core"
    verbose_name = _("基盤")
    # Zone (三層分離) this module belongs to: every zone needs the core.
    ukai_zones = ("internet", "lgwan", "mynumber")
