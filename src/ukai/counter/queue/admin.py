"""Django admin: desks are set up here; tickets are only shown (the services write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Desk, Ticket, TicketSegment


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin[Desk]):
    list_display = ("label", "number", "department_code", "is_active", "sort_order")
    list_filter = ("is_active", "department_code")
    list_editable = ("is_active", "sort_order")
    search_fields = ("label", "label_en", "number", "department_code")


class TicketSegmentInline(admin.TabularInline[TicketSegment, Ticket]):
    model = TicketSegment
    extra = 0
    can_delete = False
    fields = (
        "position",
        "department_code",
        "desk",
        "status",
        "queued_at",
        "called_at",
        "recall_count",
        "started_at",
        "ended_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ("number", "day", "category_label", "status", "issued_at")
    list_filter = ("day", "status", "category")
    search_fields = ("number",)
    inlines = [TicketSegmentInline]
    readonly_fields = (
        "day",
        "prefix",
        "sequence",
        "number",
        "category",
        "category_label",
        "issued_at",
        "status",
        "note",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
