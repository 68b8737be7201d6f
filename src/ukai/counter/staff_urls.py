from django.urls import path

from . import staff_views

app_name = "counter"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("visits/<int:visit_id>/", staff_views.visit, name="visit"),
    path("visits/<int:visit_id>/identify/", staff_views.identify, name="identify"),
    path("visits/<int:visit_id>/interview/", staff_views.interview, name="interview"),
    path("visits/<int:visit_id>/procedures/", staff_views.procedures_view, name="procedures"),
    path("visits/<int:visit_id>/forms/", staff_views.forms, name="forms"),
    path("visits/<int:visit_id>/sign/", staff_views.sign, name="sign"),
    path("visits/<int:visit_id>/preview.pdf", staff_views.preview_pdf, name="preview_pdf"),
    path("visits/<int:visit_id>/done/", staff_views.done, name="done"),
    path("visits/<int:visit_id>/forms.pdf", staff_views.batch_pdf, name="batch_pdf"),
    path("visits/<int:visit_id>/route/", staff_views.route, name="route"),
    path("visits/<int:visit_id>/cancel/", staff_views.cancel, name="cancel"),
    path("events/", staff_views.events, name="events"),
    path("events/<slug:code>/", staff_views.event_edit, name="event"),
    path("dashboard/", staff_views.dashboard, name="dashboard"),
]
