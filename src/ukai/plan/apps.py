from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "ukai.plan"
    label = "plan"
    verbose_name = _("計画の進捗管理")
    # The committee's dashboard is an internal (LGWAN) page; the residents' progress
    # page holds no personal data and may be served from the internet zone too.
    ukai_zones = ("internet", "lgwan")

    def ready(self) -> None:
        # Registers the collectors this module ships (one per indicator source).
        from . import collectors  # noqa: F401
