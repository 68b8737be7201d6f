"""Django admin: who may publish for which organisation, and a view of the catalog."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Dataset,
    DatastoreTable,
    Group,
    HarvestSource,
    Organization,
    Publisher,
    Resource,
    ResourceVersion,
)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("lgcode", "title", "name")
    search_fields = ("title", "name", "lgcode")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin[Group]):
    list_display = ("name", "title")


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin[Publisher]):
    list_display = ("staff", "organization", "role", "created")
    list_filter = ("role", "organization")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("staff",)


class _ReadOnly:
    """Catalog rows change only through the services (search text, versions, audit)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ResourceInline(_ReadOnly, admin.TabularInline[Resource, Dataset]):
    model = Resource
    fields = ("name", "format", "url_type", "url", "size", "state", "download_count")
    readonly_fields = ("url_type", "size", "download_count")
    extra = 0


@admin.register(Dataset)
class DatasetAdmin(_ReadOnly, admin.ModelAdmin[Dataset]):
    list_display = ("name", "title", "organization", "private", "state", "modified")
    list_filter = ("state", "private", "organization")
    search_fields = ("name", "title")
    readonly_fields = ("search_text",)
    inlines = (ResourceInline,)


@admin.register(ResourceVersion)
class ResourceVersionAdmin(_ReadOnly, admin.ModelAdmin[ResourceVersion]):
    list_display = ("resource", "number", "filename", "size", "encoding", "uploaded_by", "created")
    readonly_fields = (
        "resource",
        "number",
        "file",
        "filename",
        "size",
        "hash",
        "encoding",
        "uploaded_by",
    )


@admin.register(DatastoreTable)
class DatastoreTableAdmin(_ReadOnly, admin.ModelAdmin[DatastoreTable]):
    list_display = ("__str__", "resource", "version", "state", "rows_loaded", "created", "finished")
    list_filter = ("state",)
    readonly_fields = ("resource", "version", "fields", "message")


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin[HarvestSource]):
    list_display = (
        "name",
        "url",
        "organization",
        "interval_hours",
        "enabled",
        "last_run_at",
        "last_status",
    )
    readonly_fields = ("last_run_at", "last_status", "last_message")
    autocomplete_fields = ("organization",)
