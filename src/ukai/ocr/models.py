"""Form templates, reading jobs, scanned pages and their fields."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ukai.core.service import PersonalData

from .fieldtypes import ALWAYS_REVIEW_TYPES, FIELD_TYPES


class FormTemplate(models.Model):
    name = models.SlugField(_("識別名"), max_length=80, unique=True)
    title = models.CharField(_("様式名"), max_length=200)
    blank_image = models.FileField(_("白紙の様式画像"), upload_to="ocr/templates/")
    dpi = models.PositiveIntegerField(_("解像度（dpi）"))
    width = models.PositiveIntegerField(_("幅（px）"))
    height = models.PositiveIntegerField(_("高さ（px）"))
    is_active = models.BooleanField(_("使用中"), default=True)
    # Answers of the procedure's form that this paper form does not ask (e.g. how the
    # certificate is delivered when the paper request came by post).
    procedure_defaults = models.JSONField(_("様式にない項目の回答"), default=dict, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("様式テンプレート")
        verbose_name_plural = _("様式テンプレート")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TemplateZone(models.Model):
    template = models.ForeignKey(FormTemplate, on_delete=models.CASCADE, related_name="zones")
    order = models.PositiveIntegerField(_("順序"))
    name = models.SlugField(_("項目の識別名"), max_length=80)
    label = models.CharField(_("項目名"), max_length=200)
    field_type = models.CharField(
        _("種類"), max_length=20, choices=[(key, label) for key, label in FIELD_TYPES.items()]
    )
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    validation = models.JSONField(_("検証ルール"), default=dict, blank=True)
    always_review = models.BooleanField(_("常に確認する"), default=False)
    # Critical fields: the verification page asks for the value a second time, blind.
    double_entry = models.BooleanField(_("二重入力"), default=False)
    # Where a verified value goes: a field of a procedure's form (procedures module).
    procedure_slug = models.SlugField(_("手続"), max_length=80, blank=True)
    # A key of the procedure's form, or "name_field.name" / "name_field.kana" for a part of a name.
    procedure_field = models.CharField(_("手続の項目"), max_length=80, blank=True)
    # For a checkbox or seal: the answer when it is marked (a choice's value, or true).
    procedure_value = models.JSONField(_("印があるときの回答"), null=True, blank=True)

    class Meta:
        verbose_name = _("読取項目")
        verbose_name_plural = _("読取項目")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="ocr_zone_name_unique"),
            models.CheckConstraint(
                condition=models.Q(width__gt=0) & models.Q(height__gt=0), name="ocr_zone_nonempty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.name}:{self.name}"

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.width, self.height)

    @property
    def needs_review_always(self) -> bool:
        return self.always_review or self.field_type in ALWAYS_REVIEW_TYPES


class ReadingJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("読取中")
        DONE = "done", _("読取済み")
        FAILED = "failed", _("失敗")

    class Mode(models.TextChoices):
        OCR = "ocr", _("AI-OCRで読み取る")
        MANUAL = "manual", _("手入力（比較用）")

    # None: each page is matched to its template (「様式を自動で判別する」, docs/adr/0089).
    template = models.ForeignKey(
        FormTemplate, on_delete=models.PROTECT, related_name="jobs", null=True, blank=True
    )
    mode = models.CharField(_("入力方法"), max_length=10, choices=Mode.choices, default=Mode.OCR)
    upload = models.FileField(_("アップロードしたファイル"), upload_to="ocr/uploads/%Y/%m/")
    original_name = models.CharField(_("ファイル名"), max_length=255)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    pages_total = models.PositiveIntegerField(_("ページ数"), default=0)
    pages_done = models.PositiveIntegerField(_("処理済みページ数"), default=0)
    error_code = models.CharField(max_length=60, blank=True)
    error_ja = models.TextField(blank=True)
    error_en = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The pipeline run that took this file from its source (none for a staff upload).
    pipeline_run = models.ForeignKey(
        "PipelineRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The upload and the page images were deleted when the retention period ended (the
    # verified values stay).
    files_deleted_at = models.DateTimeField(_("画像の削除日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("読取ジョブ")
        verbose_name_plural = _("読取ジョブ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.template.name if self.template else 'auto'})"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.pages_done / self.pages_total) if self.pages_total else 0


class ScanPage(models.Model):
    class Status(models.TextChoices):
        READ = "read", _("確認待ち")
        REJECTED = "rejected", _("読取不可")
        VERIFIED = "verified", _("確認済み")
        UNMATCHED = "unmatched", _("様式を判別できません")

    job = models.ForeignKey(ReadingJob, on_delete=models.CASCADE, related_name="pages")
    # The form this page was read against: the job's, or the one matched (or assigned) for it.
    template = models.ForeignKey(
        FormTemplate,
        on_delete=models.PROTECT,
        related_name="pages",
        null=True,
        blank=True,
        verbose_name=_("様式"),
    )
    # Automatic matching: each candidate template's score, best first
    # ([{"template": name, "title": title, "score": 0.23}, ...]).
    match_scores = models.JSONField(_("様式の判別スコア"), default=list, blank=True)
    number = models.PositiveIntegerField(_("ページ"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices)
    image = models.FileField(_("位置合わせ後の画像"), upload_to="ocr/pages/%Y/%m/", blank=True)
    rejection_code = models.CharField(max_length=60, blank=True)
    rejection_ja = models.TextField(blank=True)
    rejection_en = models.TextField(blank=True)
    rotation = models.PositiveSmallIntegerField(default=0)
    inliers = models.PositiveIntegerField(default=0)
    read_seconds = models.FloatField(default=0.0)
    # Staff time on the verification (or manual entry) page, from the page's heartbeat.
    active_seconds = models.FloatField(_("作業時間（秒）"), default=0.0)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    # The procedures case this verified page became (its receipt number).
    case_receipt = models.CharField(_("受付番号"), max_length=14, blank=True)

    class Meta:
        verbose_name = _("読取ページ")
        verbose_name_plural = _("読取ページ")
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="ocr_page_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job.original_name} p.{self.number}"


class PageField(PersonalData, models.Model):
    personal_data_fields = ("read_value", "value")

    page = models.ForeignKey(ScanPage, on_delete=models.CASCADE, related_name="fields")
    zone = models.ForeignKey(TemplateZone, on_delete=models.CASCADE, related_name="+")
    read_value = models.TextField(_("読取結果"), blank=True)
    confidence = models.FloatField(_("確信度"), default=0.0)
    method = models.CharField(max_length=20, blank=True)
    value = models.TextField(_("値"), blank=True)
    valid = models.BooleanField(_("検証結果"), default=True)
    error_ja = models.CharField(max_length=300, blank=True)
    error_en = models.CharField(max_length=300, blank=True)
    needs_review = models.BooleanField(_("要確認"), default=False)
    corrected = models.BooleanField(_("修正あり"), default=False)

    class Meta:
        verbose_name = _("読取項目の値")
        verbose_name_plural = _("読取項目の値")
        ordering = ["page", "zone__order"]
        constraints = [
            models.UniqueConstraint(fields=["page", "zone"], name="ocr_field_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page}: {self.zone.name}"

    def as_row(self) -> dict[str, Any]:
        return {"name": self.zone.name, "value": self.value}


class Pipeline(models.Model):
    """A declarative RPA pipeline: take files from a source, read them, and once staff have
    verified the pages, file them as cases and/or export CSV, then notify (docs/adr/0085)."""

    class Source(models.TextChoices):
        INBOX = "inbox", _("アップロード受付箱")
        FOLDER = "folder", _("監視フォルダ")

    name = models.SlugField(_("識別名"), max_length=80, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    template = models.ForeignKey(FormTemplate, on_delete=models.PROTECT, related_name="pipelines")
    source = models.CharField(_("取込元"), max_length=10, choices=Source.choices)
    folder = models.CharField(_("監視フォルダ"), max_length=500, blank=True)
    # 0: on demand only.
    every_minutes = models.PositiveIntegerField(_("実行間隔（分）"), default=0)
    file_cases = models.BooleanField(_("手続の申請として登録"), default=False)
    export_folder = models.CharField(_("CSVの出力先フォルダ"), max_length=500, blank=True)
    export_encoding = models.CharField(_("CSVの文字コード"), max_length=10, default="utf-8-sig")
    notify = models.JSONField(_("通知先メールアドレス"), default=list, blank=True)
    # The department whose 所属長 may edit it (ICT staff edit every pipeline).
    department_code = models.SlugField(_("所属コード"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    next_run_at = models.DateTimeField(_("次回実行"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("自動処理（RPA）")
        verbose_name_plural = _("自動処理（RPA）")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PipelineRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("実行中")
        WAITING = "waiting", _("確認待ち")
        DONE = "done", _("完了")
        EMPTY = "empty", _("新しいファイルなし")
        FAILED = "failed", _("失敗あり")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("定期実行")
        MANUAL = "manual", _("手動実行")

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(_("契機"), max_length=10, choices=Trigger.choices)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("開始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("終了"), null=True, blank=True)

    class Meta:
        verbose_name = _("自動処理の実行")
        verbose_name_plural = _("自動処理の実行")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pipeline.name} #{self.pk}"


class PipelineStep(models.Model):
    class Kind(models.TextChoices):
        COLLECT = "collect", _("ファイルの取込")
        READ = "read", _("読取")
        FILE_CASES = "file_cases", _("申請として登録")
        EXPORT_CSV = "export_csv", _("CSV出力")
        NOTIFY = "notify", _("メール通知")

    class Status(models.TextChoices):
        OK = "ok", _("成功")
        FAILED = "failed", _("失敗")
        RETRYING = "retrying", _("再試行待ち")

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("手順"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("結果"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("開始"))
    seconds = models.FloatField(_("所要時間（秒）"), default=0.0)
    detail = models.TextField(_("内容"), blank=True)
    error_ja = models.TextField(blank=True)
    error_en = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(_("試行回数"), default=1)

    class Meta:
        verbose_name = _("自動処理の手順")
        verbose_name_plural = _("自動処理の手順")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind"], name="ocr_step_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.kind}"
