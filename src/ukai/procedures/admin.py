"""Django admin: the catalog, and form versions (a published version is read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import FormDefinition, Procedure, RetentionRule


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ("name", "slug", "category", "department_code", "fee_yen", "is_published")
    list_filter = ("category", "is_published", "department_code")
    search_fields = ("name", "name_kana", "name_en", "slug")
    filter_horizontal = ("related",)


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin[FormDefinition]):
    list_display = ("procedure", "version", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("procedure__name", "procedure__slug")
    # Versions are created and published through the services (validated JSON,
    # next version number); the admin only shows them.
    readonly_fields = ("procedure", "version", "status", "definition", "created_at", "published_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin[RetentionRule]):
    """How long finished applications are kept (applied daily at 03:00; docs/procedures.md)."""

    list_display = ("procedure", "status", "days", "action")
    list_filter = ("status", "action")
