from django.urls import path

from . import staff_views

app_name = "chatbot_staff"

urlpatterns = [
    path("", staff_views.staff_home, name="home"),
    path("entries/", staff_views.entry_list, name="entry_list"),
    path("entries/new/", staff_views.entry_create, name="entry_create"),
    path("entries/export.csv", staff_views.entry_export, name="entry_export"),
    path("entries/import/", staff_views.entry_import, name="entry_import"),
    path("entries/<int:entry_id>/", staff_views.entry_edit, name="entry_edit"),
    path("phrasings/new/", staff_views.phrasing_add, name="phrasing_add"),
]
