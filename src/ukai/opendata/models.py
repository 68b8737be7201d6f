"""The open data catalog: organisations, groups, data sets, resources and their versions.

The shapes follow CKAN's (ids are UUIDs, names are URL slugs) so that the
CKAN-compatible Action API is a thin translation of these rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ukai.core.service import PersonalData
from ukai.core.validators import validate_lgcode

# CKAN's rule for names: 2–100 characters, lowercase ASCII letters, digits, - and _.
NAME_PATTERN = r"^[a-z0-9_-]{2,100}$"
name_validator = RegexValidator(
    NAME_PATTERN,
    message=_("名前（URL）は2〜100文字の半角英小文字・数字・-・_で入力してください。"),
    code="name_format",
)


class Organization(models.Model):
    """A publisher: Gifu Prefecture or one of its municipalities."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("名前（URL）"), max_length=100, unique=True, validators=[name_validator]
    )
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    lgcode = models.CharField(
        _("全国地方公共団体コード"), max_length=6, unique=True, validators=[validate_lgcode]
    )
    description = models.TextField(_("説明"), blank=True)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["lgcode"]

    def __str__(self) -> str:
        return self.title


class Group(models.Model):
    """A category (分類) across organisations, e.g. 防災, 子育て."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("名前（URL）"), max_length=100, unique=True, validators=[name_validator]
    )
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("分類")
        verbose_name_plural = _("分類")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.CharField(_("タグ"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("タグ")
        verbose_name_plural = _("タグ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Publisher(models.Model):
    """A member of staff who may publish for an organisation."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("編集者")
        ADMIN = "admin", _("管理者")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opendata_publishers"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="publishers"
    )
    role = models.CharField(_("権限"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("公開担当者")
        verbose_name_plural = _("公開担当者")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "organization"], name="opendata_publisher_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} / {self.organization} ({self.role})"


class Dataset(PersonalData, models.Model):
    """A data set (CKAN: package)."""

    personal_data_fields = ("contact_name", "contact_email")

    class Frequency(models.TextChoices):
        IRREGULAR = "irregular", _("不定期")
        DAILY = "daily", _("毎日")
        WEEKLY = "weekly", _("毎週")
        MONTHLY = "monthly", _("毎月")
        QUARTERLY = "quarterly", _("四半期ごと")
        ANNUALLY = "annually", _("毎年")

    class State(models.TextChoices):
        ACTIVE = "active", _("公開中")
        DELETED = "deleted", _("削除済み")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("名前（URL）"), max_length=100, unique=True, validators=[name_validator]
    )
    title = models.CharField(_("タイトル"), max_length=300)
    notes = models.TextField(_("説明"), blank=True)
    license_id = models.CharField(_("ライセンス"), max_length=30)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="datasets"
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="datasets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets")
    update_frequency = models.CharField(
        _("更新頻度"), max_length=20, choices=Frequency.choices, default=Frequency.IRREGULAR
    )
    spatial = models.CharField(_("対象地域"), max_length=200, blank=True)
    temporal_start = models.DateField(_("対象期間（開始）"), null=True, blank=True)
    temporal_end = models.DateField(_("対象期間（終了）"), null=True, blank=True)
    contact_name = models.CharField(_("問い合わせ先"), max_length=200, blank=True)
    contact_email = models.EmailField(_("問い合わせ先メールアドレス"), blank=True)
    standard_dataset = models.CharField(_("標準データセット"), max_length=100, blank=True)
    version = models.CharField(_("版"), max_length=100, blank=True)
    private = models.BooleanField(_("非公開"), default=False)
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.ACTIVE)
    extras = models.JSONField(_("追加項目"), default=dict, blank=True)
    # NFKC-normalised, lower-cased title, notes, tags and organisation for search.
    search_text = models.TextField(default="", blank=True, editable=False)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)
    modified = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("データセット")
        verbose_name_plural = _("データセット")
        ordering = ["-modified"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temporal_start__isnull=True)
                | models.Q(temporal_end__isnull=True)
                | models.Q(temporal_start__lte=models.F("temporal_end")),
                name="opendata_dataset_temporal_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


def resource_upload_path(instance: ResourceVersion, filename: str) -> str:
    return f"opendata/{instance.resource_id}/{instance.number}/{filename}"


class Resource(models.Model):
    """A file or link of a data set; an uploaded file's history is in ``ResourceVersion``."""

    class State(models.TextChoices):
        ACTIVE = "active", _("公開中")
        DELETED = "deleted", _("削除済み")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("名前"), max_length=300)
    description = models.TextField(_("説明"), blank=True)
    format = models.CharField(_("形式"), max_length=30, blank=True)
    # "upload": the file is kept here (see ``versions``); "": a link to ``url``.
    url_type = models.CharField(max_length=10, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    mimetype = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"), null=True, blank=True)
    hash = models.CharField(_("SHA-256"), max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.ACTIVE)
    download_count = models.PositiveIntegerField(_("ダウンロード数"), default=0)
    # A harvested link whose file failed the upload checks: why (Japanese / English).
    check_message = models.TextField(_("取り込み時の検査"), blank=True)
    # CKAN's flag: the rows of the newest version are in the datastore (``DatastoreTable``).
    datastore_active = models.BooleanField(_("データストア"), default=False)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)
    modified = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("リソース")
        verbose_name_plural = _("リソース")
        ordering = ["position", "created"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only the datastore sets ``datastore_active`` (with an update); a full save of a
        # copy loaded before a load finished must not turn it back.
        if not self._state.adding and kwargs.get("update_fields") is None and not args:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "datastore_active"
            ]
        super().save(*args, **kwargs)

    @property
    def is_upload(self) -> bool:
        return self.url_type == "upload"


class ResourceVersion(models.Model):
    """One uploaded file of a resource; every upload is kept."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    file = models.FileField(_("ファイル"), upload_to=resource_upload_path, max_length=500)
    filename = models.CharField(_("ファイル名"), max_length=255)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"))
    hash = models.CharField(_("SHA-256"), max_length=64)
    encoding = models.CharField(_("文字コード"), max_length=20, blank=True)
    uploaded_by = models.CharField(_("登録者"), max_length=150, blank=True)
    # The standard data set check of this file (``validation.ValidationReport.as_dict``).
    validation = models.JSONField(_("検査結果"), default=dict, blank=True)
    compliance = models.FloatField(_("標準への適合度（%）"), null=True, blank=True)
    repaired_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repairs"
    )
    # Row-level changes from the previous version (``selectors.table_diff``).
    changes = models.JSONField(_("前の版からの変更"), default=dict, blank=True)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("リソースの版")
        verbose_name_plural = _("リソースの版")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="opendata_resource_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


class DatastoreTable(models.Model):
    """The rows of one resource version, loaded into a table of their own (ADR 0024).

    A resource has at most one ``active`` table: the one ``datastore_search`` reads.
    A new version is loaded into a new table beside it and made active in one
    transaction; the old one is retired and dropped a little later.
    """

    class State(models.TextChoices):
        LOADING = "loading", _("読み込み中")
        ACTIVE = "active", _("公開中")
        FAILED = "failed", _("失敗")
        RETIRED = "retired", _("置き換え済み")
        DROPPED = "dropped", _("削除済み")

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="datastore_tables"
    )
    version = models.ForeignKey(
        ResourceVersion, on_delete=models.CASCADE, related_name="datastore_tables"
    )
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.LOADING)
    # [{"id": header name, "column": "c1", "type": "int" | "numeric" | "text", ...}]
    fields = models.JSONField(_("列"), default=list, blank=True)
    rows_expected = models.PositiveBigIntegerField(_("行数"), null=True, blank=True)
    rows_loaded = models.PositiveBigIntegerField(_("読み込んだ行数"), default=0)
    message = models.TextField(_("結果の詳細"), blank=True)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)
    finished = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("データストアの表")
        verbose_name_plural = _("データストアの表")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource"],
                condition=models.Q(state="active"),
                name="opendata_datastore_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.table_name} ({self.state})"

    @property
    def table_name(self) -> str:
        return f"opendata_ds_{self.pk}"

    @property
    def progress_percent(self) -> int:
        if not self.rows_expected:
            return 0
        return min(100, int(self.rows_loaded * 100 / self.rows_expected))


class DailyCount(models.Model):
    """A cheap counter per day: API action calls and downloads (for the plan's KPIs)."""

    class Kind(models.TextChoices):
        API_CALL = "api", _("API呼び出し")
        DOWNLOAD = "download", _("ダウンロード")

    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=100)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("日次集計")
        verbose_name_plural = _("日次集計")
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "key"], name="opendata_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.key}: {self.count}"


class HarvestSource(models.Model):
    """Another CKAN-compatible catalog whose data sets are imported on a schedule."""

    name = models.CharField(
        _("名前（URL）"), max_length=100, unique=True, validators=[name_validator]
    )
    title = models.CharField(_("名称"), max_length=200)
    url = models.URLField(_("カタログのURL"), max_length=500)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="harvest_sources"
    )
    # Only data sets of this organisation of the remote catalog (its URL name); empty: all.
    remote_organization = models.CharField(_("取り込む組織（相手側）"), max_length=100, blank=True)
    interval_hours = models.PositiveIntegerField(_("取り込み間隔（時間）"), default=24)
    enabled = models.BooleanField(_("有効"), default=True)
    last_run_at = models.DateTimeField(_("最終取り込み"), null=True, blank=True)
    last_status = models.CharField(_("結果"), max_length=20, blank=True)
    last_message = models.TextField(_("結果の詳細"), blank=True)
    created = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("取り込み元")
        verbose_name_plural = _("取り込み元")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title
