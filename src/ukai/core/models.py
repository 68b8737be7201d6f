"""Core domain: the municipality, its departments, staff, audit log and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_lgcode


class PersonalData:
    """Mixin marking the fields of a model that hold personal data.

    The audit log records which of these fields a read or write touched, and
    retention rules find them through ``personal_data_fields``.
    """

    personal_data_fields: ClassVar[tuple[str, ...]] = ()


class Municipality(models.Model):
    code = models.CharField(
        _("全国地方公共団体コード"), max_length=6, unique=True, validators=[validate_lgcode]
    )
    name = models.CharField(_("名称"), max_length=100)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=10)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("代表電話"), max_length=20, blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)

    class Meta:
        verbose_name = _("地方公共団体")
        verbose_name_plural = _("地方公共団体")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        BU = "bu", _("部・局")
        KA = "ka", _("課・室")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="departments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("種別"), max_length=2, choices=Kind.choices)
    code = models.SlugField(_("所属コード"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200, blank=True)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    counter_location = models.CharField(_("窓口の場所"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="core_department_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="bu", parent__isnull=True)
                | models.Q(kind="ka", parent__isnull=False),
                name="core_department_bu_is_root_ka_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNTER = "counter", _("窓口職員")
    DEPARTMENT = "department", _("担当課職員")
    MANAGER = "manager", _("所属長")
    ICT = "ict", _("情報政策課・PMO")
    CIO = "cio", _("CIO（閲覧）")
    ADMIN = "admin", _("システム管理者")


class Staff(PersonalData, AbstractUser):
    """A member of staff who signs in to Ukai; residents never have accounts here."""

    personal_data_fields = ("first_name", "last_name", "email", "display_name")

    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, default=Role.DEPARTMENT)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="staff", verbose_name=_("所属")
    )

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def requires_second_factor(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("監査ログは変更できません。 / The audit log cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("監査ログは削除できません。 / The audit log cannot be deleted.")


class AuditEvent(models.Model):
    """One read or write of personal data; append-only.

    The application refuses updates and deletes, and database triggers (see the
    migration) refuse them too, so not even a bug in Ukai can rewrite history.
    """

    class Action(models.TextChoices):
        READ = "read", _("閲覧")
        CREATE = "create", _("作成")
        UPDATE = "update", _("更新")
        DELETE = "delete", _("削除")
        EXPORT = "export", _("出力")
        LOGIN = "login", _("ログイン")
        LOGIN_FAILED = "login_failed", _("ログイン失敗")
        LOGOUT = "logout", _("ログアウト")

    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        Staff,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("利用者"), max_length=150, blank=True)
    actor_role = models.CharField(_("役割"), max_length=20, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("対象の種類"), max_length=100, db_index=True)
    object_id = models.CharField(_("対象ID"), max_length=100, blank=True, db_index=True)
    object_repr = models.CharField(_("対象"), max_length=200, blank=True)
    fields = models.JSONField(_("項目"), default=list, blank=True)
    purpose = models.CharField(_("目的"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    request_id = models.CharField(_("リクエストID"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("監査ログは変更できません。 / The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("監査ログは削除できません。 / The audit log cannot be deleted.")


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名前"), max_length=100)
    prefix = models.CharField(_("先頭"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最終利用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有効期限"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class WorkerHeartbeat(models.Model):
    """The last time each background worker reported it was alive."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ワーカー")
        verbose_name_plural = _("ワーカー")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return self.worker_id
