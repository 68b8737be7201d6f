"""The one-stop counter: life events as data, visits, and the baseline the KPIs compare with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ukai.core.service import PersonalData


class LifeEvent(models.Model):
    """転入, 出生, おくやみ …: an interview and the rules deciding the procedures (``lifeevents``)."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)
    description = models.TextField(_("説明"), blank=True)
    description_en = models.TextField(_("説明（英語）"), blank=True)
    spec = models.JSONField(_("定義"))
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("order", "code")
        verbose_name = _("ライフイベント")
        verbose_name_plural = _("ライフイベント")

    def __str__(self) -> str:
        return self.name


class VisitStep(models.TextChoices):
    IDENTIFY = "identify", _("本人確認")
    INTERVIEW = "interview", _("聞き取り")
    PROCEDURES = "procedures", _("手続の確認")
    FORMS = "forms", _("申請書の確認")
    # Short words get a context: other modules' catalogs translate them otherwise.
    SIGN = "sign", pgettext_lazy("visit step", "署名")
    DONE = "done", pgettext_lazy("visit step", "完了")


class VisitStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("visit status", "対応中")
    FINISHED = "finished", pgettext_lazy("visit status", "完了")
    CANCELLED = "cancelled", _("取消")


class Visit(PersonalData, models.Model):
    """One resident's visit to the counter, from reception to the cases in every inbox.

    Nothing reaches a department until ``services.visit_finish``: an interview
    abandoned halfway leaves an open visit and no case.
    """

    personal_data_fields = ("persons", "contact", "answers", "forms", "signature")

    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="visits")
    # The life event's definition when the visit started: editing rules never changes a visit under way.
    life_event_spec = models.JSONField()
    status = models.CharField(
        _("状態"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.OPEN
    )
    step = models.CharField(
        _("段階"), max_length=20, choices=VisitStep.choices, default=VisitStep.IDENTIFY
    )
    ticket_id = models.PositiveIntegerField(_("整理券"), null=True, blank=True)
    ticket_number = models.CharField(_("整理券番号"), max_length=20, blank=True)
    household_number = models.CharField(_("世帯番号"), max_length=20, blank=True)
    # A digest of the household's records as read at identification (a change is caught at the end).
    household_digest = models.CharField(max_length=64, blank=True)
    persons = models.JSONField(default=list)
    contact = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    procedures = models.JSONField(default=list)
    prefilled = models.JSONField(default=dict)
    forms = models.JSONField(default=dict)
    signature = models.TextField(blank=True)
    receipts = models.JSONField(default=list)
    routed_departments = models.JSONField(default=list)
    revision = models.PositiveIntegerField(default=1)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("開始日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    fields_prefilled = models.PositiveIntegerField(default=0)
    fields_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("来庁")
        verbose_name_plural = _("来庁")
        indexes = [models.Index(fields=("status", "finished_at"))]

    def __str__(self) -> str:
        return f"来庁 {self.pk}"

    @property
    def finished_at_one_counter(self) -> bool:
        return self.status == VisitStatus.FINISHED and not self.routed_departments


class Baseline(models.Model):
    """Figures the city measured before the counter (the KPIs compare against them)."""

    life_event = models.ForeignKey(
        LifeEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="baselines",
        help_text=_("空欄なら全てのライフイベント"),
    )
    period_start = models.DateField(_("計測期間の開始"))
    period_end = models.DateField(_("計測期間の終了"))
    median_wait_minutes = models.DecimalField(
        _("待ち時間の中央値（分）"), max_digits=6, decimal_places=1
    )
    median_handling_minutes = models.DecimalField(
        _("手続時間の中央値（分）"), max_digits=6, decimal_places=1
    )
    note = models.CharField(_("備考"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-period_end",)
        verbose_name = _("基準値")
        verbose_name_plural = _("基準値")

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"
