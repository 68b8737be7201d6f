from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinutesConfig(AppConfig):
    name = "ukai.minutes"
    label = "minutes"
    verbose_name = _("AI会議録")
    # Staff work on recordings of council and internal meetings: the LGWAN zone.
    ukai_zones = ("lgwan",)
    ukai_staff_page = (
        "minutes_staff:meeting_list",
        _("会議録の作成"),
        _("会議の録音を文字にし、ケバ取りと整文をして会議録を作ります。"),
    )
