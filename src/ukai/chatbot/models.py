"""The FAQ knowledge base, its collections, and the conversations the bot has had.

Answers are stored as plain text; links are made by the renderer (docs/adr/0030).
Conversations hold only what residents typed: no IP address, no account.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from ukai.core.service import PersonalData

PUBLIC_COLLECTION = "public"


class Field(models.TextChoices):
    """The administrative fields (分野) of plan measure 1-2 (at least 18)."""

    KOSEKI = "koseki", _("戸籍・住民票")
    TAX = "tax", _("税")
    KOKUHO = "kokuho", _("国保・年金")
    CHILDCARE = "childcare", _("子育て")
    EDUCATION = "education", _("教育")
    WELFARE = "welfare", _("福祉")
    KAIGO = "kaigo", _("介護")
    HEALTH = "health", _("健康・医療")
    GOMI = "gomi", _("ごみ・環境")
    WATER = "water", _("上下水道")
    ROADS = "roads", _("道路・交通")
    HOUSING = "housing", _("住まい")
    BOSAI = "bosai", _("防災")
    CULTURE = "culture", _("観光・文化")
    FACILITIES = "facilities", _("施設・予約")
    WORK = "work", _("仕事・産業")
    ELECTIONS = "elections", _("選挙")
    FOREIGN = "foreign", _("外国人向け")
    OTHER = "other", _("その他")


class Language(models.TextChoices):
    JA = "ja", _("日本語")
    EASY_JA = "easy-ja", _("やさしい日本語")
    EN = "en", _("英語")


class RemovalAction(models.TextChoices):
    UNPUBLISH = "unpublish", _("公開停止")
    DELETE = "delete", _("削除")


class Collection(models.Model):
    """A set of entries: the public one the bot answers from, or a named evaluation set."""

    name = models.SlugField(_("名前"), max_length=64, unique=True)
    title = models.CharField(_("表示名"), max_length=200, blank=True)
    # Bumped on every change to the collection's entries; each process rebuilds its
    # in-memory index when the number it holds is older.
    index_version = models.PositiveIntegerField(_("索引の版"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("FAQコレクション")
        verbose_name_plural = _("FAQコレクション")

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.name == PUBLIC_COLLECTION


class Entry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        REVIEW = "review", _("審査中")
        PUBLISHED = "published", _("公開")

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    # The entry's stable identifier inside its collection (seed and import files use it).
    key = models.CharField(_("識別子"), max_length=100)
    question = models.CharField(_("質問"), max_length=500)
    phrasings = models.JSONField(_("言い換え"), default=list, blank=True)
    answer = models.TextField(_("回答"), max_length=5000)
    field = models.CharField(_("分野"), max_length=20, choices=Field.choices, default=Field.OTHER)
    department = models.CharField(_("担当課のコード"), max_length=50, blank=True)
    # Slugs of the procedures catalog's entries (procedures module), linked under the answer.
    procedures = models.JSONField(_("関連する手続"), default=list, blank=True)
    language = models.CharField(
        _("言語"), max_length=8, choices=Language.choices, default=Language.JA
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    # A version of another entry in やさしい日本語 or English (same collection).
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("翻訳元"),
    )
    # A staff edit of a published entry waiting for review: the published text stays
    # live until it is approved (docs/adr/0032). Never indexed, never answered.
    revision_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pending_revision",
        verbose_name=_("改訂元"),
    )
    # Why the reviewer returned the draft; cleared when it is submitted again.
    review_comment = models.TextField(_("差し戻しの理由"), max_length=1000, blank=True)
    # Staff asked to stop publishing or to delete the entry; a reviewer decides (ADR 0034).
    requested_action = models.CharField(
        _("申請中の操作"), max_length=10, choices=RemovalAction.choices, blank=True
    )
    # Deleted entries stay (their history and the messages they answered keep them);
    # nothing lists, answers or imports them again.
    deleted_at = models.DateTimeField(_("削除日時"), null=True, blank=True)
    valid_from = models.DateField(_("掲載開始日"), null=True, blank=True)
    valid_until = models.DateField(_("掲載終了日"), null=True, blank=True)
    reviewed_on = models.DateField(_("最終確認日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["collection", "field", "key"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQ")
        constraints = [
            models.UniqueConstraint(fields=["collection", "key"], name="chatbot_entry_key_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="chatbot_entry_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.question[:40]}"

    def is_valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


class Conversation(models.Model):
    """One resident's exchange with the bot. Only the text they typed is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    channel = models.CharField(max_length=10, default="web")  # "web" page or "api"

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return str(self.pk)


class Message(models.Model):
    """A question, the answer the bot gave, and what the resident said about it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    asked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    question = models.CharField(_("質問"), max_length=1000)
    language = models.CharField(max_length=16, blank=True)
    answered = models.BooleanField(_("回答した"))
    confidence = models.FloatField(_("確信度"))
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    # The field and department of the entry given (or of the closest one): kept when
    # the entry is deleted; a hand-off goes to this department.
    field = models.CharField(max_length=20, choices=Field.choices, blank=True)
    department = models.CharField(max_length=50, blank=True)
    helpful = models.BooleanField(_("役に立った"), null=True, blank=True)
    handed_off = models.BooleanField(_("担当課へ引き継いだ"), default=False)

    class Meta:
        ordering = ["asked_at"]
        indexes = [models.Index(fields=["answered", "asked_at"])]

    def __str__(self) -> str:
        return self.question[:40]


class HandOff(PersonalData, models.Model):
    """A question passed to a department: a case in the procedures module's inbox.

    The resident's contact and details live in the case (its receipt number is kept
    here); ``details`` and ``contact`` hold only hand-offs made before the inbox existed.
    """

    personal_data_fields = ("details", "contact")

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="handoff")
    department = models.CharField(_("担当課のコード"), max_length=50)
    receipt_number = models.CharField(_("受付番号"), max_length=14, blank=True, db_index=True)
    details = models.TextField(_("補足"), max_length=2000, blank=True)
    contact = models.CharField(_("連絡先"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("担当課への引き継ぎ")
        verbose_name_plural = _("担当課への引き継ぎ")

    def __str__(self) -> str:
        return f"{self.department}: {self.message_id}"
