"""The ICT plan and its PDCA: policies, measures, indicators, targets, schedule, reviews, values."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    code = models.SlugField(_("計画コード"), max_length=50, unique=True)
    name = models.CharField(_("計画名"), max_length=200)
    start_fy = models.PositiveSmallIntegerField(_("開始年度"))
    end_fy = models.PositiveSmallIntegerField(_("終了年度"))
    review_fy = models.PositiveSmallIntegerField(_("見直し年度"), null=True, blank=True)
    source = models.CharField(_("出典"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = _("計画")
        ordering = ["-start_fy", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_fy__gte=models.F("start_fy")), name="plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.start_fy, self.end_fy + 1))

    def contains_fy(self, fy: int) -> bool:
        return self.start_fy <= fy <= self.end_fy


class Policy(models.Model):
    """基本方針."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="policies")
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("基本方針"), max_length=200)
    description = models.TextField(_("説明"), blank=True)

    class Meta:
        verbose_name = _("基本方針")
        verbose_name_plural = _("基本方針")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_policy_number_unique")
        ]

    def __str__(self) -> str:
        return f"基本方針{self.number} {self.title}"


class Measure(models.Model):
    """実施施策."""

    class Kind(models.TextChoices):
        NEW = "new", _("新規")
        MAINTAIN = "maintain", _("維持・向上")

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("番号"))
    code = models.CharField(_("施策番号"), max_length=10)
    title = models.CharField(_("施策名"), max_length=200)
    kind = models.CharField(_("区分"), max_length=10, choices=Kind.choices)
    direction = models.TextField(_("方針"), blank=True)
    outcomes = models.JSONField(_("目指す成果"), default=list, blank=True)
    # The core department's code (core.Department.code); blank when the plan names none.
    department_code = models.SlugField(_("担当所属コード"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("実施施策")
        verbose_name_plural = _("実施施策")
        ordering = ["policy__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="plan_measure_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("大きいほど良い")
        LOWER = "lower", _("小さいほど良い")

    class ValueType(models.TextChoices):
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("小数")
        PERCENT = "percent", _("百分率（0〜100）")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("指標番号"), max_length=20)
    name = models.CharField(_("指標名"), max_length=200)
    unit = models.CharField(_("単位"), max_length=20)
    value_type = models.CharField(
        _("値の種類"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    direction = models.CharField(
        _("評価の向き"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = models.FloatField(_("基準値"), null=True, blank=True)
    baseline_note = models.CharField(_("基準値の説明"), max_length=300, blank=True)
    # Weight 0 marks a reference indicator: shown, never counted in the progress.
    weight = models.PositiveSmallIntegerField(_("重み"), default=1)
    # A registered collector id (see registry.py); blank means manual entry with evidence.
    collector_id = models.CharField(_("集計方法（コレクター）"), max_length=100, blank=True)
    plan_text = models.TextField(_("計画の記載"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["measure", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "code"], name="plan_indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_manual(self) -> bool:
        return not self.collector_id

    def clean(self) -> None:
        from .registry import collector_registry

        if self.collector_id and self.collector_id not in collector_registry:
            raise ValidationError(
                {"collector_id": _("登録されていないコレクターです。")}, code="unknown_collector"
            )


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.FloatField(_("目標値"))
    note = models.CharField(_("備考"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("目標値")
        verbose_name_plural = _("目標値")
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="plan_target_fy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} FY{self.fiscal_year}: {self.value}"

    def clean(self) -> None:
        plan = self.indicator.measure.policy.plan
        if not plan.contains_fy(self.fiscal_year):
            raise ValidationError(
                {"fiscal_year": _("計画期間外の年度です。")}, code="fy_outside_plan"
            )


class Phase(models.TextChoices):
    STUDY = "study", _("実施検討")
    PARTIAL = "partial", _("部分導入")
    INTRODUCE = "introduce", _("導入")
    EXPAND = "expand", _("範囲拡大")
    EVALUATE = "evaluate", _("評価・改善")
    REBUILD = "rebuild", _("再構築")


class ScheduleEntry(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="schedule")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    phase = models.CharField(_("段階"), max_length=10, choices=Phase.choices)

    class Meta:
        verbose_name = _("実施スケジュール")
        verbose_name_plural = _("実施スケジュール")
        ordering = ["measure", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year"], name="plan_schedule_fy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} FY{self.fiscal_year}: {self.get_phase_display()}"


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("マイルストーン"), max_length=300)
    due_fy = models.PositiveSmallIntegerField(_("期限年度"), null=True, blank=True)
    done_on = models.DateField(_("達成日"), null=True, blank=True)
    plan_text = models.TextField(_("計画の記載"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("マイルストーン")
        verbose_name_plural = _("マイルストーン")
        ordering = ["measure", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "title"], name="plan_milestone_unique")
        ]

    def __str__(self) -> str:
        return self.title


class AnnualReview(models.Model):
    class Rating(models.TextChoices):
        ACHIEVED = "achieved", _("達成")
        ON_TRACK = "on_track", _("順調")
        DELAYED = "delayed", _("遅れ")
        REVISE = "revise", _("要見直し")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reviews")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    rating = models.CharField(_("評価"), max_length=10, choices=Rating.choices)
    findings = models.TextField(_("評価の所見"), blank=True)
    next_actions = models.TextField(_("改善の方向性"), blank=True)
    approved_on = models.DateField(_("ICT推進委員会の承認日"), null=True, blank=True)

    class Meta:
        verbose_name = _("年次評価")
        verbose_name_plural = _("年次評価")
        ordering = ["measure", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "fiscal_year"], name="plan_review_fy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} FY{self.fiscal_year}: {self.get_rating_display()}"


class IndicatorValue(models.Model):
    class Source(models.TextChoices):
        COLLECTOR = "collector", _("自動集計")
        MANUAL = "manual", _("手入力")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField(_("実績値"))
    measured_at = models.DateTimeField(_("計測日時"), default=timezone.now)
    source = models.CharField(_("取得元"), max_length=10, choices=Source.choices)
    collector_id = models.CharField(_("コレクター"), max_length=100, blank=True)
    description = models.TextField(_("算出方法"))
    evidence = models.FileField(_("根拠資料"), upload_to="plan/evidence/%Y/%m/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("入力者"),
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("実績値")
        verbose_name_plural = _("実績値")
        ordering = ["indicator", "-measured_at"]
        indexes = [
            models.Index(fields=["indicator", "measured_at"], name="plan_value_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.measured_at:%Y-%m-%d}: {self.value}"


class CollectorRun(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("成功")
        NO_DATA = "no_data", _("未計測（モジュール未導入）")
        FAILED = "failed", _("失敗")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="runs")
    collector_id = models.CharField(_("コレクター"), max_length=100)
    started_at = models.DateTimeField(_("実行日時"), default=timezone.now, db_index=True)
    status = models.CharField(_("結果"), max_length=10, choices=Status.choices)
    message = models.TextField(_("メッセージ"), blank=True)
    value = models.ForeignKey(
        IndicatorValue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("集計の実行")
        verbose_name_plural = _("集計の実行")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.collector_id} {self.started_at:%Y-%m-%d %H:%M}: {self.status}"
