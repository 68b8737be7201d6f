from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("plan/", views.home, name="home"),
    path("staff/plan/", views.dashboard, name="dashboard"),
    path("staff/plan/measures/<str:code>/", views.measure_detail, name="measure"),
    path("staff/plan/measures/<str:code>/reviews/", views.review_record, name="review_record"),
    path("staff/plan/milestones/<int:milestone_id>/", views.milestone_mark, name="milestone_mark"),
    path(
        "staff/plan/indicators/<int:indicator_id>/values/new/",
        views.value_enter,
        name="value_enter",
    ),
    path("staff/plan/indicators/<int:indicator_id>/targets/", views.target_set, name="target_set"),
    path("staff/plan/collect/", views.collect, name="collect"),
    path("staff/plan/values/<int:value_id>/evidence/", views.evidence_download, name="evidence"),
    path("staff/plan/export.csv", views.export_csv, name="export_csv"),
    path("staff/plan/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("staff/plan/report.pdf", views.report_pdf, name="report_pdf"),
]
