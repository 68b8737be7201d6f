from django.urls import path

from . import api, views

app_name = "opendata"

urlpatterns = [
    path("api/3/action/<str:name>", api.action, name="api_action"),
    path("api/action/<str:name>", api.action, name="api_action_unversioned"),
    path("catalog.<str:fmt>", views.catalog_dcat, name="catalog_dcat"),
    path("dataset/<str:name>.<str:fmt>", views.dataset_dcat, name="dataset_dcat"),
    path("opendata/", views.home, name="home"),
    path("staff/opendata/", views.staff_home, name="staff_home"),
    path("staff/opendata/dataset/new/", views.staff_dataset_new, name="staff_dataset_new"),
    path("staff/opendata/publishers/", views.staff_publishers, name="staff_publishers"),
    path(
        "staff/opendata/dataset/<str:name>/edit/",
        views.staff_dataset_edit,
        name="staff_dataset_edit",
    ),
    path("staff/opendata/dataset/<str:name>/upload/", views.staff_upload, name="staff_upload"),
    path("opendata/api/", views.api_guide, name="api_guide"),
    path(
        "opendata/organization/<str:organization>/opendata-list.csv",
        views.opendata_list_csv,
        name="opendata_list_csv",
    ),
    path("opendata/dataset/<str:name>/", views.dataset_page, name="dataset"),
    path(
        "opendata/dataset/<str:name>/datastore-status.json",
        views.datastore_status,
        name="datastore_status",
    ),
    path(
        "opendata/dataset/<uuid:dataset_id>/resource/<uuid:resource_id>/download/<str:filename>",
        views.resource_download,
        name="resource_download",
    ),
]
