from django.urls import path

from . import pipeline_views, staff_views

app_name = "ocr_staff"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("jobs/<int:job_id>/", staff_views.job_detail, name="job"),
    path("jobs/<int:job_id>/status/", staff_views.job_status, name="job_status"),
    path("pages/<int:page_id>/", staff_views.page_verify, name="page"),
    path("pages/<int:page_id>/case/", staff_views.page_case, name="page_case"),
    path("pages/<int:page_id>/assign/", staff_views.page_assign, name="page_assign"),
    path("pages/<int:page_id>/image.jpg", staff_views.page_image, name="page_image"),
    path("pages/<int:page_id>/zones/<int:zone_id>.png", staff_views.zone_image, name="zone_image"),
    path("templates/new/", staff_views.template_edit, name="template_new"),
    path("templates/<slug:name>/", staff_views.template_detail, name="template"),
    path("templates/<slug:name>/edit/", staff_views.template_edit, name="template_edit"),
    path("templates/<slug:name>/blank.png", staff_views.template_blank, name="blank"),
    path("templates/<slug:name>/preview.png", staff_views.template_preview, name="preview"),
    path("templates/<slug:name>/export.csv", staff_views.template_export_csv, name="export"),
    path("pipelines/", pipeline_views.pipeline_home, name="pipelines"),
    path("pipelines/<slug:name>/", pipeline_views.pipeline_detail, name="pipeline"),
    path("pipelines/<slug:name>/run/", pipeline_views.pipeline_run_now, name="pipeline_run"),
    path("pipelines/<slug:name>/inbox/", pipeline_views.pipeline_inbox, name="pipeline_inbox"),
    path("pipeline-steps/<int:step_id>/retry/", pipeline_views.step_retry, name="step_retry"),
]
