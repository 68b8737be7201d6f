from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterQueueConfig(AppConfig):
    name = "ukai.counter.queue"
    label = "counter_queue"
    verbose_name = _("窓口の受付番号")
    default_auto_field = "django.db.models.BigAutoField"
    # The queue runs where the counters are: the staff network and the board in the hall.
    ukai_zones = ("mynumber", "lgwan")
    ukai_staff_page = (
        "counter_queue_staff:reception",
        _("受付番号（窓口の呼び出し）"),
        _(
            "来庁者に番号札を発行し、窓口ごとに番号で呼び出します。呼び出し表示板は職員以外も見られます。"
        ),
    )
    # Reception and the desks are the counters' and departments' work (not ICT or the CIO).
    ukai_staff_roles = ("counter", "department", "manager")
