from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/apply/", views.apply_start, name="apply"),
    path("<slug:slug>/apply/check/", views.apply_check, name="apply_check"),
    path("<slug:slug>/apply/<slug:step>/", views.apply_step, name="apply_step"),
]
