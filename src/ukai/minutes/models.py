"""Meetings, their recordings and transcripts, and the minutes' versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    class Body(models.TextChoices):
        PLENARY = "plenary", _("議会（本会議）")
        COMMITTEE = "committee", _("議会（委員会）")
        INTERNAL = "internal", _("庁内会議")

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        REVIEWED = "reviewed", _("確認済み")
        APPROVED = "approved", _("承認済み")

    class Format(models.TextChoices):
        VERBATIM = "verbatim", _("全文記録")
        SUMMARY = "summary", _("要点記録")

    title = models.CharField(_("会議名"), max_length=200)
    body = models.CharField(_("会議の種類"), max_length=20, choices=Body.choices)
    held_on = models.DateField(_("開催日"))
    place = models.CharField(_("場所"), max_length=200, blank=True)
    # The owning department (core Department.code): its staff (and a 部's staff for its 課)
    # see and edit the meeting. Blank on meetings made before departments were required:
    # only their creator sees those (ADR 0094).
    department_code = models.SlugField(_("担当の所属"), max_length=50, blank=True, db_index=True)
    # Council meetings only: every member of staff may read; only the department edits.
    shared = models.BooleanField(_("市役所内に公開"), default=False)
    status = models.CharField(
        _("会議録の状態"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    minutes_format = models.CharField(
        _("会議録の形式"), max_length=20, choices=Format.choices, default=Format.VERBATIM
    )
    # Active editing time on the transcript and minutes pages (see services.editing_record).
    editing_seconds = models.FloatField(_("編集時間（秒）"), default=0.0)
    last_edit_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(editing_seconds__gte=0),
                name="minutes_meeting_editing_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(shared=False) | ~models.Q(body="internal"),
                name="minutes_meeting_shared_council_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    order = models.PositiveIntegerField(default=0)
    role = models.CharField(_("役職"), max_length=50)
    name = models.CharField(_("氏名"), max_length=100)
    # The recording channel (1 = left …) of this attendee's microphone, for speaker
    # suggestions on multi-channel recordings (ADR 0095).
    channel = models.PositiveSmallIntegerField(_("録音のチャンネル"), null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.name}{self.role}"
            if self.role.endswith(("委員", "議員"))
            else f"{self.role} {self.name}"
        )

    @property
    def heading(self) -> str:
        """The speaker heading in the minutes: ○議長（山田太郎）, ○田中委員."""
        if self.role in ("委員", "議員", "委員長", "副委員長") or self.role.endswith("委員"):
            family = self.name.split()[0] if " " in self.name else self.name
            return f"○{family}{self.role}"
        return f"○{self.role}（{self.name}）"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(_("議題"), max_length=300)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Recording(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("文字起こし中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recordings")
    file = models.FileField(_("録音ファイル"), upload_to="minutes/recordings/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(default=0.0)
    has_video = models.BooleanField(default=False)
    channels = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # Seconds of audio transcribed and saved: a retried task resumes from here.
    processed_seconds = models.FloatField(default=0.0)
    # Seconds of audio the engine has reached (for the progress bar; ahead of what is saved).
    progress_seconds = models.FloatField(default=0.0)
    engine = models.CharField(max_length=50, blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    elapsed_seconds = models.FloatField(default=0.0)
    warnings = models.JSONField(default=list, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_ja = models.TextField(blank=True)
    error_en = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress(self) -> float:
        if self.status == self.Status.DONE:
            return 1.0
        if not self.duration_seconds:
            return 0.0
        done = max(self.processed_seconds, self.progress_seconds)
        return min(done / self.duration_seconds, 1.0)

    @property
    def real_time_factor(self) -> float:
        return self.elapsed_seconds / self.duration_seconds if self.duration_seconds else 0.0


class Segment(models.Model):
    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start = models.FloatField()
    end = models.FloatField()
    text = models.TextField(_("発言"))
    asr_text = models.TextField(blank=True)
    words = models.JSONField(default=list, blank=True)
    probability = models.FloatField(default=1.0)
    speaker = models.ForeignKey(
        Attendee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="segments",
        verbose_name=_("発言者"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="segments",
        verbose_name=_("議題"),
    )
    edited = models.BooleanField(default=False)
    # Mean energy of each channel during the segment (multi-channel recordings only).
    channel_energy = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["recording_id", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["recording", "index"], name="minutes_segment_unique_index"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="minutes_segment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class MinutesVersion(models.Model):
    """A snapshot of the minutes each time their status changes (draft → reviewed → approved)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Meeting.Status.choices)
    minutes_format = models.CharField(max_length=20, choices=Meeting.Format.choices)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="minutes_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} v{self.number} ({self.status})"


class ManualBaseline(models.Model):
    """Minutes of manual work per minute of recording for one meeting type (the KPI's
    denominator; ADR 0098). A type without a row uses ``UKAI_MINUTES_MANUAL_FACTOR``."""

    body = models.CharField(
        _("会議の種類"), max_length=20, choices=Meeting.Body.choices, unique=True
    )
    factor = models.FloatField(_("録音1分あたりの手作業の時間（分）"))
    note = models.TextField(_("測り方"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("設定日時"), auto_now=True)

    class Meta:
        ordering = ["body"]
        verbose_name = _("手作業の基準")
        verbose_name_plural = _("手作業の基準")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(factor__gt=0) & models.Q(factor__lte=20),
                name="minutes_baseline_factor_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()}: {self.factor:g}"


class GlossaryEntry(models.Model):
    """A name or council term, and the recognition error corrected into it (ADR 0099).

    ``wrong`` blank: a term only (the summary weighs it); otherwise every ``wrong`` in a
    transcript becomes ``right`` when the minutes are built.
    """

    class Category(models.TextChoices):
        PERSON = "person", _("人名")
        COUNCIL = "council", _("議会用語")
        PLACE = "place", _("地名")
        ORGANISATION = "organisation", _("組織名")
        OTHER = "other", _("その他")

    wrong = models.CharField(_("誤認識の形"), max_length=100, blank=True)
    right = models.CharField(_("正しい形"), max_length=100)
    category = models.CharField(
        _("分類"), max_length=20, choices=Category.choices, default=Category.COUNCIL
    )
    enabled = models.BooleanField(_("有効"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "right", "wrong"]
        verbose_name = _("用語集の項目")
        verbose_name_plural = _("用語集")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(right=""), name="minutes_glossary_right_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(wrong=models.F("right")),
                name="minutes_glossary_not_identical",
            ),
            # One right form per wrong form; a term once.
            models.UniqueConstraint(
                fields=["wrong"],
                condition=~models.Q(wrong=""),
                name="minutes_glossary_unique_wrong",
            ),
            models.UniqueConstraint(
                fields=["right"],
                condition=models.Q(wrong=""),
                name="minutes_glossary_unique_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wrong} → {self.right}" if self.wrong else self.right
