from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("staff/login/", views.login, name="login"),
    path("staff/login/otp/", views.login_otp, name="login_otp"),
    path("staff/logout/", views.logout, name="logout"),
    path("staff/security/totp/", views.totp_enrol, name="totp_enrol"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/people/<int:staff_id>/", views.staff_profile, name="staff_profile"),
    path("staff/audit/", views.audit_log_page, name="audit_log"),
    path("staff/audit/export.csv", views.audit_log_export, name="audit_log_export"),
    path("staff/tasks/", views.tasks_page, name="tasks"),
]
