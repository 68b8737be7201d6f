from django.contrib import admin

from .models import (
    AnnualReview,
    CollectorRun,
    Indicator,
    IndicatorTarget,
    Measure,
    Milestone,
    Plan,
    Policy,
    ScheduleEntry,
)


class TargetInline(admin.TabularInline[IndicatorTarget, Indicator]):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "name", "unit", "direction", "weight", "collector_id")
    list_filter = ("measure__policy__plan", "direction")
    search_fields = ("code", "name")
    inlines = [TargetInline]


class ScheduleInline(admin.TabularInline[ScheduleEntry, Measure]):
    model = ScheduleEntry
    extra = 0


class MilestoneInline(admin.TabularInline[Milestone, Measure]):
    model = Milestone
    extra = 0


class ReviewInline(admin.StackedInline[AnnualReview, Measure]):
    model = AnnualReview
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin[Measure]):
    list_display = ("code", "title", "kind", "department_code")
    list_filter = ("policy__plan", "kind")
    inlines = [ScheduleInline, MilestoneInline, ReviewInline]


admin.site.register(Plan)
admin.site.register(Policy)


@admin.register(CollectorRun)
class CollectorRunAdmin(admin.ModelAdmin[CollectorRun]):
    list_display = ("started_at", "indicator", "collector_id", "status")
    list_filter = ("status", "collector_id")
