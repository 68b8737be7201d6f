from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "ukai.plan"
    label = "plan"
    verbose_name = _("計画の進捗管理")
    # The committee's dashboard is an internal (LGWAN) page; the residents' progress
    # page holds no personal data and may be served from the internet zone too.
    ukai_zones = ("internet", "lgwan")
    # The core's staff navigation links here (see core.templatetags.ukai_tags).
    ukai_staff_page = (
        "plan:dashboard",
        _("計画の進捗管理"),
        _("ICT活用推進計画の施策ごとの目標と実績、スケジュールを確認します。"),
    )
    ukai_staff_roles = ("cio", "ict", "admin", "manager")

    def ready(self) -> None:
        # Registers the collectors this module ships (one per indicator source).
        from . import collectors  # noqa: F401
