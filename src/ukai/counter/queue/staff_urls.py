from django.urls import path

from . import staff_views

app_name = "counter_queue_staff"

urlpatterns = [
    path("", staff_views.reception, name="reception"),
    path("tickets/<int:ticket_id>/", staff_views.ticket_print, name="ticket"),
    path("tickets/<int:ticket_id>/cancel/", staff_views.ticket_cancel, name="cancel"),
    path("desks/", staff_views.desk_list, name="desks"),
    path("desk/<int:desk_id>/", staff_views.desk, name="desk"),
    path("desk/<int:desk_id>/call/", staff_views.desk_call, name="desk_call"),
    path("desk/<int:desk_id>/<str:action>/", staff_views.desk_action, name="desk_action"),
]
