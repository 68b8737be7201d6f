from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatbotConfig(AppConfig):
    name = "ukai.chatbot"
    label = "chatbot"
    verbose_name = _("AIチャットボット")
    # The public bot answers on the internet zone; staff edit entries on the LGWAN zone.
    ukai_zones = ("internet", "lgwan")
    # A question box on every public page (the core includes it; see ukai_tags).
    ukai_public_widget = "chatbot/includes/ask_widget.html"
    # The core's staff navigation links here (see core.templatetags.ukai_tags).
    ukai_staff_page = (
        "chatbot_staff:home",
        _("チャットボットの運用"),
        _("担当課への問い合わせ、答えられなかった質問、見直し時期を過ぎたFAQを確認します。"),
    )
