from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AnnualReview
from .services import EVIDENCE_TYPES


class ManualValueForm(forms.Form):
    value = forms.CharField(
        label=_("実績値"),
        max_length=40,
        help_text=_(
            "数値で入力してください（例：12,550）。単位を付ける場合は指標の単位と同じものにしてください。"
        ),
    )
    measured_on = forms.DateField(
        label=_("計測日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("値を数えた日（未来の日付は不可）"),
    )
    description = forms.CharField(
        label=_("算出方法"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "どのデータをどのように数えたかを書いてください（例：アクセス解析の月間ページビュー）。"
        ),
    )
    evidence = forms.FileField(
        label=_("根拠資料"),
        help_text=_("PDF・画像・Excel・Word・CSV、10MBまで"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(EVIDENCE_TYPES))}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].initial = timezone.localdate()


class TargetForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("年度（西暦）"), min_value=1900, max_value=9999)
    value = forms.FloatField(label=_("目標値"))
    note = forms.CharField(label=_("備考"), max_length=300, required=False)


class ReviewForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("年度（西暦）"), min_value=1900, max_value=9999)
    rating = forms.ChoiceField(label=_("評価"), choices=AnnualReview.Rating.choices)
    findings = forms.CharField(
        label=_("評価の所見"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_actions = forms.CharField(
        label=_("改善の方向性"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approved_on = forms.DateField(
        label=_("ICT推進委員会の承認日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
