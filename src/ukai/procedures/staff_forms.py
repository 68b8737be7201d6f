"""Forms of the procedures module's staff pages (the department inbox and a case)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CaseStatus

STATUS_FILTER_CHOICES = [
    ("open", _("処理中（完了・却下以外）")),
    ("", _("すべて")),
    *CaseStatus.choices,
]


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("受付番号・申請者の氏名"), required=False, max_length=100, strip=True
    )
    status = forms.ChoiceField(label=_("状態"), choices=STATUS_FILTER_CHOICES, required=False)
    procedure = forms.ChoiceField(label=_("手続"), choices=[], required=False)
    overdue = forms.BooleanField(label=_("処理期限を過ぎたものだけ"), required=False)
    mine = forms.BooleanField(label=_("自分が担当のものだけ"), required=False)

    def __init__(self, *args: Any, procedures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("すべての手続")), *procedures]  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("新しい状態"), choices=[])
    message = forms.CharField(
        label=_("申請者へのメッセージ（状況のページとメールでお知らせします）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("内部メモ（職員だけが見ます）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]


class CorrectionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    paths = forms.MultipleChoiceField(
        label=_("補正してもらう項目"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("補正してもらう項目を1つ以上選んでください。")},
    )
    message = forms.CharField(
        label=_("申請者へのメッセージ（何をどう直すか）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("申請者へのメッセージを入力してください。")},
    )

    def __init__(self, *args: Any, fields: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paths"].choices = fields  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("内部メモ"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("メモを入力してください。")},
    )


class AssignForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    assign = forms.ChoiceField(choices=[("me", "me"), ("none", "none")])
