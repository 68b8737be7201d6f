from django.urls import path

from . import staff_views

app_name = "residents_staff"

urlpatterns = [
    path("", staff_views.search, name="search"),
    path("households/<str:household_number>/", staff_views.household, name="household"),
    path("<str:person_id>/", staff_views.detail, name="detail"),
]
