"""The staff search form: the purpose first (it is audited), then the criteria."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ukai.core.errors import message_for_language
from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.wareki import wareki_parse

from .models import ReadPurpose


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("照会の目的"),
        choices=[("", _("選んでください")), *ReadPurpose.choices],
        help_text=_("目的は監査ログに記録されます。"),
    )


class ResidentSearchForm(PurposeForm):
    q = forms.CharField(
        label=_("氏名またはフリガナ"),
        required=False,
        max_length=100,
        help_text=_(
            "氏名の先頭から（例：高橋 一郎、たかはし）。髙と高などの異体字も見つかります。"
        ),
    )
    birth_date = forms.CharField(
        label=_("生年月日"),
        required=False,
        max_length=40,
        help_text=_("和暦（昭和50年4月1日、S50.4.1）または西暦（1975-04-01）"),
    )
    address = forms.CharField(
        label=_("住所"),
        required=False,
        max_length=100,
        help_text=_("町名から（例：長良、司町40）"),
    )
    include_inactive = forms.BooleanField(label=_("転出・死亡した人も含める"), required=False)

    def clean_birth_date(self) -> date | None:
        text = self.cleaned_data.get("birth_date", "")
        if not text:
            return None
        try:
            return wareki_parse(text)
        except JapaneseInputError as error:
            raise ValidationError(
                message_for_language(error.message_ja, error.message_en), code=error.code
            ) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        empty = not (cleaned.get("q") or cleaned.get("birth_date") or cleaned.get("address"))
        if empty and not self.has_error("birth_date"):
            raise ValidationError(
                _("氏名・フリガナ、生年月日、住所のいずれかを入力してください。"),
                code="criteria_required",
            )
        return cleaned
