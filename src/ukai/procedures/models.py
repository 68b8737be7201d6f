"""The procedure catalog and its versioned form definitions.

A published form definition never changes: submissions name the version they
were made against, so the counter, OCR and payments modules can read any old
submission with the exact questions it answered (docs/adr/0040).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ukai.core.errors import UkaiError
from ukai.core.service import PersonalData


class Channel(models.TextChoices):
    ONLINE = "online", _("オンライン")
    COUNTER = "counter", _("窓口")
    POST = "post", _("郵送")


class LifeEvent(models.TextChoices):
    MOVING = "moving", _("引っ越し")
    PREGNANCY = "pregnancy", _("妊娠・出産")
    MARRIAGE = "marriage", _("結婚")
    DIVORCE = "divorce", _("離婚")
    BEREAVEMENT = "bereavement", _("おくやみ")
    CHILDCARE = "childcare", _("子育て")
    LONG_TERM_CARE = "long-term-care", _("介護")
    SCHOOL = "school", _("入学")
    EMPLOYMENT = "employment", _("就職・退職")
    DISASTER = "disaster", _("災害")
    HOUSEHOLD = "household", _("暮らし")


class Category(models.TextChoices):
    RESIDENT_REGISTRY = "resident-registry", _("住民票・届出")
    CHILD_ALLOWANCE = "child-allowance", _("手当・助成")
    CHILDCARE = "childcare", _("保育")
    MATERNAL_HEALTH = "maternal-health", _("妊娠・母子保健")
    LONG_TERM_CARE = "long-term-care", _("介護保険")
    EDUCATION = "education", _("教育")
    WASTE = "waste", _("ごみ・リサイクル")
    ANIMALS = "animals", _("ペット・動物")
    DISASTER = "disaster", _("防災・災害")


CHANNEL_LABELS_EN = {"online": "Online", "counter": "At the counter", "post": "By post"}
LIFE_EVENT_LABELS_EN = {
    "moving": "Moving",
    "pregnancy": "Pregnancy and birth",
    "marriage": "Marriage",
    "divorce": "Divorce",
    "bereavement": "Bereavement",
    "childcare": "Raising children",
    "long-term-care": "Long-term care",
    "school": "Starting school",
    "employment": "Starting or leaving a job",
    "disaster": "Disaster",
    "household": "Daily life",
}
CATEGORY_LABELS_EN = {
    "resident-registry": "Resident register and notifications",
    "child-allowance": "Allowances and support",
    "childcare": "Daycare",
    "maternal-health": "Pregnancy and maternal health",
    "long-term-care": "Long-term care insurance",
    "education": "Education",
    "waste": "Waste and recycling",
    "animals": "Pets and animals",
    "disaster": "Disaster",
}


class Procedure(models.Model):
    """One procedure a resident can carry out (手続), whatever the channel."""

    slug = models.SlugField(_("識別子"), max_length=100, unique=True)
    name = models.CharField(_("手続名"), max_length=200)
    name_kana = models.CharField(_("手続名（カナ）"), max_length=400, blank=True)
    name_en = models.CharField(_("手続名（英語）"), max_length=300, blank=True)
    description = models.TextField(_("説明"), blank=True)
    description_easy = models.TextField(_("説明（やさしい日本語）"), blank=True)
    description_en = models.TextField(_("説明（英語）"), blank=True)
    # A core department code (Department.code), not a foreign key: the catalog
    # is seeded before and independently of a municipality's departments, and
    # other modules read departments only through core.service.
    department_code = models.SlugField(_("担当課コード"), max_length=50)
    legal_basis = models.CharField(_("根拠法令"), max_length=300, blank=True)
    eligibility = models.TextField(_("申請できる人"), blank=True)
    eligibility_en = models.TextField(_("申請できる人（英語）"), blank=True)
    # [{"ja": "...", "en": "..."}]
    required_documents = models.JSONField(_("必要なもの"), default=list, blank=True)
    # None means the fee is not known here: the page says to ask the department.
    fee_yen = models.PositiveIntegerField(_("手数料（円）"), null=True, blank=True)
    fee_note = models.CharField(_("手数料の注記"), max_length=300, blank=True)
    fee_note_en = models.CharField(_("手数料の注記（英語）"), max_length=300, blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("標準処理期間（開庁日）"), null=True, blank=True
    )
    processing_note = models.CharField(_("処理期間の注記"), max_length=300, blank=True)
    processing_note_en = models.CharField(_("処理期間の注記（英語）"), max_length=300, blank=True)
    # Lists of Channel / LifeEvent values. The catalog is small (hundreds of
    # rows), so filtering by membership happens in Python on every database.
    channels = models.JSONField(_("手続の方法"), default=list, blank=True)
    life_events = models.JSONField(_("ライフイベント"), default=list, blank=True)
    category = models.CharField(_("分類"), max_length=40, choices=Category.choices)
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("関連する手続")
    )
    is_published = models.BooleanField(_("公開"), default=False)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("手続")
        verbose_name_plural = _("手続")
        ordering = ["sort_order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values),
                name="procedures_procedure_category_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_online(self) -> bool:
        return Channel.ONLINE in self.channels

    def channel_labels(self) -> list[tuple[str, str]]:
        return [(c, str(Channel(c).label)) for c in self.channels if c in Channel.values]

    def life_event_labels(self) -> list[tuple[str, str]]:
        return [(e, str(LifeEvent(e).label)) for e in self.life_events if e in LifeEvent.values]

    def category_en(self) -> str:
        return CATEGORY_LABELS_EN.get(self.category, self.category)


class PublishedFormDefinitionError(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="form_definition_published",
            message_ja="公開済みの様式は変更できません。新しい版を作成してください。",
            message_en="A published form definition cannot be changed; create a new version.",
            status=409,
        )


class FormDefinition(models.Model):
    """One version of a procedure's application form, as data (see ``formspec``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        PUBLISHED = "published", _("公開済み")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="form_definitions"
    )
    version = models.PositiveIntegerField(_("版"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    definition = models.JSONField(_("様式の定義"))
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("申請様式")
        verbose_name_plural = _("申請様式")
        ordering = ["procedure", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "version"], name="procedures_formdefinition_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="procedures_formdefinition_version_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", published_at__isnull=True)
                | models.Q(status="published", published_at__isnull=False),
                name="procedures_formdefinition_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} v{self.version} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last line of defence: services check first, but no code path may
        # rewrite a version that residents may already have answered.
        if self.pk is not None:
            stored = FormDefinition.objects.filter(pk=self.pk).values("status").first()
            if stored is not None and stored["status"] == self.Status.PUBLISHED:
                raise PublishedFormDefinitionError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status == self.Status.PUBLISHED:
            raise PublishedFormDefinitionError()
        return super().delete(*args, **kwargs)


# --- applications: drafts, cases and their history -------------------------------------------


class Assurance(models.TextChoices):
    """How sure the city is of who applied (recorded on every case; docs/procedures.md)."""

    EMAIL = "email", _("メールアドレスの確認")
    JPKI = "jpki", _("マイナンバーカード（公的個人認証）")
    COUNTER = "counter", _("窓口での本人確認")
    PAPER = "paper", _("書面（郵送・窓口提出）")


class Draft(PersonalData, models.Model):
    """A resident's unfinished application, resumed by the secret link sent by e-mail.

    Only a hash of the link's secret is stored: reading the database does not
    give anyone the link. Answers are kept exactly as typed (validated on submit).
    """

    personal_data_fields = ("email", "answers")

    token_hash = models.CharField(max_length=64, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="drafts")
    form_definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="drafts"
    )
    email = models.EmailField(_("メールアドレス"), max_length=254)
    assurance = models.CharField(
        _("本人確認の方法"), max_length=10, choices=Assurance.choices, default=Assurance.EMAIL
    )
    verified_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    answers = models.JSONField(_("入力内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    expires_at = models.DateTimeField(_("有効期限"))
    # The counter hand-over code the resident shows (a QR code and 9 digits; ADR 0045): only
    # its keyed hash is kept, and a new code replaces the old one.
    handover_code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    handover_expires_at = models.DateTimeField(_("引き継ぎ番号の有効期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("申請の下書き")
        verbose_name_plural = _("申請の下書き")
        indexes = [models.Index(fields=["expires_at"], name="procedures_draft_expires")]

    def __str__(self) -> str:
        return f"draft {self.pk} ({self.procedure_id})"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("受付")
    REVIEWING = "reviewing", _("審査中")
    CORRECTION = "correction", _("補正依頼")
    COMPLETED = "completed", _("完了")
    REJECTED = "rejected", _("却下")


CASE_STATUS_LABELS_EN = {
    "received": "Received",
    "reviewing": "Under review",
    "correction": "Correction requested",
    "completed": "Completed",
    "rejected": "Rejected",
}
FINAL_STATUSES = frozenset({CaseStatus.COMPLETED, CaseStatus.REJECTED})
# Which status staff may set from which; a resident's correction moves 補正依頼 → 審査中.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.RECEIVED: frozenset(
        {CaseStatus.REVIEWING, CaseStatus.CORRECTION, CaseStatus.COMPLETED, CaseStatus.REJECTED}
    ),
    CaseStatus.REVIEWING: frozenset(
        {CaseStatus.CORRECTION, CaseStatus.COMPLETED, CaseStatus.REJECTED}
    ),
    CaseStatus.CORRECTION: frozenset({CaseStatus.REVIEWING, CaseStatus.REJECTED}),
    CaseStatus.COMPLETED: frozenset(),
    CaseStatus.REJECTED: frozenset(),
}


class Case(PersonalData, models.Model):
    """One application, whatever its channel (online, counter, paper): the unit a department works on."""

    personal_data_fields = ("applicant_email", "applicant_name", "answers")

    receipt_number = models.CharField(_("受付番号"), max_length=14, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="cases")
    # The exact version answered: the form may have changed since (ADR 0040).
    form_definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="cases"
    )
    department_code = models.SlugField(_("担当課コード"), max_length=50, db_index=True)
    channel = models.CharField(_("受付の方法"), max_length=10, choices=Channel.choices)
    assurance = models.CharField(_("本人確認の方法"), max_length=10, choices=Assurance.choices)
    applicant_email = models.EmailField(_("申請者のメールアドレス"), max_length=254, blank=True)
    # The first name field of the form, for the inbox's list and search.
    applicant_name = models.CharField(_("申請者の氏名"), max_length=200, blank=True)
    answers = models.JSONField(_("申請内容"))
    status = models.CharField(
        _("状態"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    status_token_hash = models.CharField(max_length=64, unique=True)
    # Field paths a correction request (補正) reopened, and the message to the resident.
    correction_paths = models.JSONField(_("補正する項目"), default=list, blank=True)
    correction_message = models.TextField(_("補正の内容"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procedure_cases",
        verbose_name=_("担当者"),
    )
    submitted_at = models.DateTimeField(_("受付日時"), db_index=True)
    due_date = models.DateField(_("処理期限"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    # Optimistic locking: every change increments it; a stale form gets 409.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("申請")
        verbose_name_plural = _("申請")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["department_code", "status"], name="procedures_case_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values),
                name="procedures_case_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def status_en(self) -> str:
        return CASE_STATUS_LABELS_EN.get(self.status, self.status)


class CaseEvent(models.Model):
    """One entry of a case's history: what happened, who did it, what the resident was told."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("受付")
        STATUS = "status", _("状態の変更")
        CORRECTION_REQUESTED = "correction_requested", _("補正の依頼")
        CORRECTED = "corrected", _("申請者による補正")
        ASSIGNED = "assigned", _("担当者の変更")
        NOTE = "note", _("内部メモ")
        STEP = "step", _("受付後の処理")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("種類"), max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    # Shown to the resident on the status page (and in the e-mail).
    message = models.TextField(_("申請者へのメッセージ"), blank=True)
    # Seen by staff only.
    note = models.TextField(_("内部メモ"), blank=True)
    paths = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)
    # When the resident was told of this event by e-mail (state changes, 補正 requests).
    notified_at = models.DateTimeField(_("通知日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("申請の履歴")
        verbose_name_plural = _("申請の履歴")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseStep(models.Model):
    """One background step after submission (e-mail, hand-over …): retried, shown, re-runnable."""

    class State(models.TextChoices):
        PENDING = "pending", _("待機中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("処理"), max_length=40)
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("試行回数"), default=0)
    error = models.TextField(_("エラー"), blank=True)
    # What the step needs that only the submitting request knew (e.g. the e-mail's
    # text with the status link); emptied once the step is done.
    payload = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("受付後の処理")
        verbose_name_plural = _("受付後の処理")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "name"], name="procedures_casestep_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name} ({self.state})"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The resident's file name never reaches the storage: it may hold anything.
    return f"procedures/attachments/{instance.created_at:%Y/%m}/{instance.pk}"


class Attachment(PersonalData, models.Model):
    """A file a resident attached to an application, checked by its content (attachments.py)."""

    personal_data_fields = ("name", "file")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(
        Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    field_key = models.CharField(_("項目"), max_length=63)
    name = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(_("種類"), max_length=100)
    size = models.PositiveBigIntegerField(_("大きさ（バイト）"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(_("ファイル"), upload_to=_attachment_path, max_length=200)
    # The antivirus plugin that checked it ("" when none is configured).
    scanned_by = models.CharField(_("ウイルス検査"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("添付日時"), default=timezone.now)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.field_key}: {self.name}"


class RetentionRule(models.Model):
    """How long a finished application is kept: delete it, or keep only what statistics need.

    ``procedure`` empty means every procedure; a procedure's own rule for the same status wins.
    """

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", _("匿名化（統計に必要な項目だけ残す）")
        DELETE = "delete", _("削除")

    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retention_rules",
        verbose_name=_("手続（空欄はすべての手続）"),
    )
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=[(s.value, s.label) for s in (CaseStatus.COMPLETED, CaseStatus.REJECTED)],
    )
    days = models.PositiveIntegerField(_("完了・却下からの日数"))
    action = models.CharField(_("処理"), max_length=10, choices=Action.choices)

    class Meta:
        verbose_name = _("保存期間")
        verbose_name_plural = _("保存期間")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "status"], name="procedures_retention_unique"
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(procedure__isnull=True),
                name="procedures_retention_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id or '*'} {self.status} {self.days}d {self.action}"
