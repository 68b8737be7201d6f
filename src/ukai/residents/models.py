"""Read-only copies of the core resident system's records (住民記録システム).

Ukai never edits these rows: no page or API writes them; only the import
(``services.residents_import``) does, from the core system's CSV export. Item
names follow the 住民記録システム標準仕様書 where they are known (世帯番号, 住民票コード,
氏名, 氏名フリガナ, 生年月日, 性別, 続柄, 住所, 住民となった年月日, 異動事由, 異動日, 届出日);
see docs/residents.md for what is kept general.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ukai.core.service import PersonalData


class Household(PersonalData, models.Model):
    """A 世帯: one address, its members and its head (世帯主)."""

    personal_data_fields = ("head_name", "postal_code", "address", "banchi", "katagaki")

    household_number = models.CharField(_("世帯番号"), max_length=20, unique=True)
    head_name = models.CharField(_("世帯主氏名"), max_length=100, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=7, blank=True)
    # 住所 up to 町字 as the core system exports it (e.g. 岐阜県岐阜市司町).
    address = models.CharField(_("住所（町字まで）"), max_length=200)
    banchi = models.CharField(_("番地"), max_length=100, blank=True)
    katagaki = models.CharField(_("方書"), max_length=200, blank=True)
    # Search key of 町字 + 番地 (keys.address_key): indexed for prefix search.
    address_key = models.CharField(max_length=300, db_index=True, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(_("取込日時"))

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = _("世帯")

    def __str__(self) -> str:
        return f"世帯 {self.household_number}"

    @property
    def full_address(self) -> str:
        return f"{self.address}{self.banchi}{(' ' + self.katagaki) if self.katagaki else ''}"


class Sex(models.TextChoices):
    # Codes of the standard specification: 1 男, 2 女.
    MALE = "1", _("男")
    FEMALE = "2", _("女")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("在籍")
    MOVED_OUT = "moved_out", _("転出")
    DECEASED = "deceased", _("死亡")


class Resident(PersonalData, models.Model):
    """A person in the resident register, with the name exactly as recorded."""

    personal_data_fields = (
        "resident_code",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "birth_date",
        "sex",
        "relationship",
    )

    # The core system's person id (宛名番号 or similar): the import's key.
    person_id = models.CharField(_("個人番号（基幹系）"), max_length=20, unique=True)
    resident_code = models.CharField(_("住民票コード"), max_length=11, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("世帯")
    )
    family_name = models.CharField(_("氏"), max_length=100)
    given_name = models.CharField(_("名"), max_length=100, blank=True)
    family_name_kana = models.CharField(_("氏フリガナ"), max_length=100, blank=True)
    given_name_kana = models.CharField(_("名フリガナ"), max_length=100, blank=True)
    birth_date = models.DateField(_("生年月日"), db_index=True)
    sex = models.CharField(_("性別"), max_length=1, choices=Sex.choices)
    relationship = models.CharField(_("続柄"), max_length=30)
    became_resident_on = models.DateField(_("住民となった年月日"), null=True, blank=True)
    status = models.CharField(
        _("住民状態"), max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.ACTIVE
    )
    # Search keys (keys.py): variant-folded name and folded reading, without spaces.
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    kana_key = models.CharField(max_length=200, db_index=True, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(_("取込日時"))

    class Meta:
        verbose_name = _("住民")
        verbose_name_plural = _("住民")

    def __str__(self) -> str:
        return f"住民 {self.person_id}"

    @property
    def name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()

    @property
    def name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}".strip()


class MovementReason(models.TextChoices):
    MOVE_IN = "tennyu", _("転入")
    MOVE_WITHIN = "tenkyo", _("転居")
    BIRTH = "shussei", _("出生")
    MOVE_OUT = "tenshutsu", _("転出")
    DEATH = "shibou", _("死亡")
    HOUSEHOLD_CHANGE = "setai_henko", _("世帯変更")
    NAME_CHANGE = "shimei_henko", _("氏名変更")
    OTHER = "other", _("その他")


class Movement(models.Model):
    """One entry of a resident's 異動履歴, as the core system reported it."""

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="movements", verbose_name=_("住民")
    )
    reason = models.CharField(_("異動事由"), max_length=20, choices=MovementReason.choices)
    occurred_on = models.DateField(_("異動日"))
    notified_on = models.DateField(_("届出日"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("取込日時"))

    class Meta:
        verbose_name = _("異動履歴")
        verbose_name_plural = _("異動履歴")
        ordering = ("occurred_on", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("resident", "reason", "occurred_on"), name="residents_movement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.occurred_on}"


class ReadPurpose(models.TextChoices):
    """Why staff read a record; the staff pages offer these, the audit log keeps them."""

    IDENTITY = "identity", _("窓口での本人確認")
    EXAMINATION = "examination", _("手続の審査")
    PREFILL = "prefill", _("申請書の記入支援（書かない窓口）")
    INQUIRY = "inquiry", _("住民からの問い合わせへの回答")
    CERTIFICATE = "certificate", _("証明書の交付")
