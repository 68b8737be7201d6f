from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("staff/login/", views.login, name="login"),
    path("staff/logout/", views.logout, name="logout"),
    path("staff/", views.staff_home, name="staff_home"),
]
