from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterConfig(AppConfig):
    name = "ukai.counter"
    label = "counter"
    verbose_name = _("書かない窓口")
    default_auto_field = "django.db.models.BigAutoField"
    # The counter reads the resident records: it runs with them, in the My Number zone.
    ukai_zones = ("mynumber", "lgwan")
    ukai_staff_page = (
        "counter:home",
        _("書かない窓口"),
        _(
            "ライフイベントの聞き取りから、必要な手続の判定、記入済みの申請書、一度の署名、"
            "各課への受付までを一つの窓口で行います。"
        ),
    )
    ukai_staff_roles = ("counter", "department", "manager", "ict", "cio")
