from django.urls import path

from . import views

app_name = "chatbot"

urlpatterns = [
    path("", views.home, name="home"),
    path("feedback/", views.feedback, name="feedback"),
    path("handoff/", views.hand_off, name="handoff"),
    path("faq/<int:entry_id>/", views.entry_detail, name="entry"),
]
