from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatbotConfig(AppConfig):
    name = "ukai.chatbot"
    label = "chatbot"
    verbose_name = _("AIチャットボット")
    # The public bot answers on the internet zone; staff edit entries on the LGWAN zone.
    ukai_zones = ("internet", "lgwan")
