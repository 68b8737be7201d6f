from django.urls import path

from . import form_editor, handover_views, staff_views

app_name = "procedures_staff"

urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("handover/", handover_views.handover, name="handover"),
    path("cases/<str:receipt_number>/", staff_views.case_detail, name="case"),
    path("cases/<str:receipt_number>/status/", staff_views.case_status, name="case_status"),
    path(
        "cases/<str:receipt_number>/correction/",
        staff_views.case_correction,
        name="case_correction",
    ),
    path("cases/<str:receipt_number>/note/", staff_views.case_note, name="case_note"),
    path("cases/<str:receipt_number>/assign/", staff_views.case_assign, name="case_assign"),
    path("cases/<str:receipt_number>/rerun/", staff_views.case_steps_rerun, name="case_rerun"),
    path("cases/<str:receipt_number>/pdf/", staff_views.case_pdf, name="case_pdf"),
    path(
        "cases/<str:receipt_number>/attachments/<uuid:attachment_id>/",
        staff_views.case_attachment,
        name="case_attachment",
    ),
    path("forms/<slug:slug>/", form_editor.versions, name="form_versions"),
    path("forms/<slug:slug>/new/", form_editor.version_new, name="form_new"),
    path("forms/<slug:slug>/<int:version>/", form_editor.edit, name="form_edit"),
    path("forms/<slug:slug>/<int:version>/preview/", form_editor.preview, name="form_preview"),
    path("export/<slug:slug>.<str:fmt>", staff_views.export, name="export"),
]
