from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.home, name="home"),
    path("resume/<str:secret>/", views.resume, name="resume"),
    path("status/<str:secret>/", views.status, name="status"),
    path("auth/<slug:method>/complete/", views.auth_complete, name="auth_complete"),
    path("status/<str:secret>/correct/", views.correct, name="correct"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/apply/", views.apply_start, name="apply"),
    path("<slug:slug>/apply/check/", views.apply_check, name="apply_check"),
    path("<slug:slug>/apply/resend/", views.apply_resend, name="apply_resend"),
    path("<slug:slug>/apply/auth/<slug:method>/", views.auth_start, name="auth_start"),
    path("<slug:slug>/apply/submitted/", views.submitted, name="submitted"),
    path("<slug:slug>/apply/<slug:step>/", views.apply_step, name="apply_step"),
]
