from django.urls import path

from . import views

app_name = "minutes_staff"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("baselines/", views.baselines, name="baselines"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary.csv", views.glossary_export, name="glossary_export"),
    path("glossary/import/", views.glossary_import_view, name="glossary_import"),
    path("glossary/<int:entry_id>/", views.glossary_entry_edit, name="glossary_entry"),
    path(
        "glossary/<int:entry_id>/delete/",
        views.glossary_entry_delete,
        name="glossary_entry_delete",
    ),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:meeting_id>/recordings/", views.recording_upload, name="recording_upload"),
    path(
        "<int:meeting_id>/recordings/<int:recording_id>/audio",
        views.recording_audio,
        name="recording_audio",
    ),
    path("<int:meeting_id>/status.json", views.recording_status, name="recording_status"),
    path("<int:meeting_id>/transcript/", views.transcript_edit, name="transcript"),
    path("<int:meeting_id>/channels/", views.channels_update, name="channels"),
    path(
        "<int:meeting_id>/segments/<int:segment_id>/split/",
        views.segment_split,
        name="segment_split",
    ),
    path(
        "<int:meeting_id>/segments/<int:segment_id>/merge/",
        views.segment_merge,
        name="segment_merge",
    ),
    path("<int:meeting_id>/minutes/", views.minutes_view, name="minutes"),
    path(
        "<int:meeting_id>/minutes.<str:kind>",
        views.minutes_download,
        name="minutes_download",
    ),
]
