"""The queue: desks (counter positions), numbered tickets and the segments of their visit.

A ticket is a resident's visit; each department the visit passes through is a
segment with its own timestamps (queued, called, started, ended). The first
segment is the one-stop counter's; routing to another counter adds a segment.
No personal data is stored: a ticket knows its number and category only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    WAITING = "waiting", _("お待ち")
    CALLED = "called", _("呼出中")
    SERVING = "serving", _("対応中")
    DONE = "done", _("終了")
    ABSENT = "absent", _("不在")
    CANCELLED = "cancelled", _("取消")


class Desk(models.Model):
    """One counter position, e.g. 「総合窓口 1番」, called on the board by its number."""

    label = models.CharField(_("窓口名"), max_length=50)
    label_en = models.CharField(_("窓口名（英語）"), max_length=100, blank=True)
    number = models.CharField(_("表示板の窓口番号"), max_length=10)
    department_code = models.SlugField(_("所属コード"), max_length=50)
    is_active = models.BooleanField(_("使用中"), default=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("窓口")
        verbose_name_plural = _("窓口")
        ordering = ["sort_order", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="counter_queue_desk_number_unique"),
        ]
        indexes = [models.Index(fields=["department_code", "is_active"])]

    def __str__(self) -> str:
        return self.label


class DailyCounter(models.Model):
    """The last number issued per day and prefix; locked while a ticket is numbered."""

    day = models.DateField()
    prefix = models.CharField(max_length=2)
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "prefix"], name="counter_queue_dailycounter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.prefix} {self.last_sequence}"


class Ticket(models.Model):
    """A numbered ticket: one resident's visit, from arrival to the last department."""

    day = models.DateField(_("受付日"))
    prefix = models.CharField(_("記号"), max_length=2)
    sequence = models.PositiveIntegerField(_("連番"))
    number = models.CharField(_("受付番号"), max_length=12)
    category = models.CharField(_("区分コード"), max_length=50)
    category_label = models.CharField(_("区分"), max_length=100)
    issued_at = models.DateTimeField(_("発行（来庁）日時"), default=timezone.now)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("受付番号")
        verbose_name_plural = _("受付番号")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "prefix", "sequence"], name="counter_queue_ticket_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["day", "status"]), models.Index(fields=["issued_at"])]

    def __str__(self) -> str:
        return self.number


class TicketSegmentQuerySet(models.QuerySet["TicketSegment"]):
    def queued_on(self, day: date) -> TicketSegmentQuerySet:
        """Segments queued on ``day`` (local time): a range on the segment's own indexed column,
        so the queue is read without joining the tickets."""
        start = timezone.make_aware(datetime.combine(day, time.min))
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return self.filter(queued_at__gte=start, queued_at__lt=end)


class TicketSegment(models.Model):
    """The part of a visit spent with one department: queued, called, served."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveSmallIntegerField(_("順番"))
    department_code = models.SlugField(_("所属コード"), max_length=50)
    desk = models.ForeignKey(
        Desk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
        verbose_name=_("窓口"),
    )
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    queued_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    called_at = models.DateTimeField(_("呼出日時"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("最終呼出日時"), null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("呼出し直し回数"), default=0)
    started_at = models.DateTimeField(_("対応開始日時"), null=True, blank=True)
    ended_at = models.DateTimeField(_("対応終了日時"), null=True, blank=True)
    # Staff are referred to by id: the core's Staff table belongs to another module.
    called_by_id = models.PositiveBigIntegerField(_("呼び出した職員"), null=True, blank=True)
    started_by_id = models.PositiveBigIntegerField(_("対応した職員"), null=True, blank=True)
    ended_by_id = models.PositiveBigIntegerField(_("終了した職員"), null=True, blank=True)

    objects = TicketSegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("窓口ごとの記録")
        verbose_name_plural = _("窓口ごとの記録")
        ordering = ["ticket_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "position"], name="counter_queue_segment_position_unique"
            ),
        ]
        indexes = [models.Index(fields=["department_code", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.position} {self.department_code}"
