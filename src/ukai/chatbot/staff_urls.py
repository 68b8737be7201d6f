from django.urls import path

from . import staff_views

app_name = "chatbot_staff"

urlpatterns = [
    path("", staff_views.staff_home, name="home"),
]
