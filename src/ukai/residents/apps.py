from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "ukai.residents"
    label = "residents"
    verbose_name = _("住民記録")
    # Copies of the core resident system's records live in the My Number zone
    # with the counters, never on the public instance.
    ukai_zones = ("mynumber", "lgwan")
    ukai_staff_page = (
        "residents_staff:search",
        _("住民記録の照会"),
        _(
            "基幹系の住民記録システムから取り込んだ住民・世帯の記録を、目的を記録したうえで検索・照会します。"
        ),
    )
    # Residents' data stays with the counters and departments (not ICT, CIO or admins).
    ukai_staff_roles = ("counter", "department", "manager")
