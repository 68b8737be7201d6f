from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Entry, Field, Language
from .services import (
    ENTRY_ANSWER_MAX_CHARS,
    ENTRY_PHRASING_MAX_CHARS,
    ENTRY_PHRASINGS_MAX,
    ENTRY_QUESTION_MAX_CHARS,
    QUESTION_MAX_CHARS,
)


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("ご質問"),
        help_text=_("例：粗大ごみの出し方を知りたい（1,000文字以内）"),
        strip=True,
        required=False,  # the service gives the message, the same as the API's
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": QUESTION_MAX_CHARS, "autocomplete": "off"}
        ),
    )
    conversation_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    furigana = forms.BooleanField(label=_("回答にふりがなをつける"), required=False)


class FeedbackForm(forms.Form):
    message_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    helpful = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda value: value == "yes"
    )


class HandOffForm(forms.Form):
    message_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    details = forms.CharField(
        label=_("補足（任意）"),
        help_text=_("お知りになりたいことを詳しくお書きください（2,000文字以内）。"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )
    name = forms.CharField(
        label=_("お名前（任意）"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": 100, "autocomplete": "name"}),
    )
    contact = forms.CharField(
        label=_("ご連絡先（メールアドレスまたは電話番号）"),
        help_text=_(
            "担当課からの回答に使います。ほかの目的には使いません。"
            "メールアドレスには受付の確認をお送りします。"
        ),
        required=False,  # the service gives the message
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "email"}),
    )


def _limit_message(label: str, limit: int) -> str:
    return str(_("%(label)sは%(limit)s文字以内で入力してください。")) % {
        "label": label,
        "limit": f"{limit:,}",
    }


class EntryForm(forms.Form):
    """A staff member's FAQ entry: the values of ``services.ENTRY_EDITABLE_FIELDS``."""

    question = forms.CharField(
        label=_("質問"),
        help_text=_("住民の方が尋ねる形で書いてください（500文字以内）。"),
        max_length=ENTRY_QUESTION_MAX_CHARS,
        error_messages={"required": _("質問を入力してください。")},
        widget=forms.TextInput(attrs={"maxlength": ENTRY_QUESTION_MAX_CHARS}),
    )
    phrasings = forms.CharField(
        label=_("言い換え"),
        help_text=_("同じ意味の別の聞き方を1行に1つ（各500文字以内、50行まで）。"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer = forms.CharField(
        label=_("回答"),
        help_text=_(
            "書式のない文章です。https:// で始まるURLはリンクになります（5,000文字以内）。"
        ),
        max_length=ENTRY_ANSWER_MAX_CHARS,
        error_messages={"required": _("回答を入力してください。")},
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": ENTRY_ANSWER_MAX_CHARS}),
    )
    field = forms.ChoiceField(
        label=_("分野"),
        choices=Field.choices,
        error_messages={
            "required": _("分野を選んでください。"),
            "invalid_choice": _("分野「%(value)s」はありません。一覧から選んでください。"),
        },
    )
    department = forms.ChoiceField(
        label=_("担当課"),
        error_messages={
            "required": _("担当課を選んでください。"),
            "invalid_choice": _(
                "担当課「%(value)s」のFAQは作成・編集できません。あなたの課から選んでください。"
            ),
        },
    )
    procedures = forms.MultipleChoiceField(
        label=_("関連する手続"),
        help_text=_("回答の下に、手続の案内（電子申請の手続一覧）へのリンクを表示します。"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("手続「%(value)s」は手続一覧にありません。")},
    )
    language = forms.ChoiceField(
        label=_("言語"),
        choices=Language.choices,
        initial=Language.JA,
        error_messages={"invalid_choice": _("言語「%(value)s」はありません。")},
    )
    valid_from = forms.DateField(
        label=_("掲載開始日"),
        help_text=_("例：2026-04-01（空欄なら今すぐ）"),
        required=False,
        error_messages={"invalid": _("日付は 2026-04-01 の形で入力してください。")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=_("掲載終了日"),
        help_text=_("例：2027-03-31（空欄なら期限なし）"),
        required=False,
        error_messages={"invalid": _("日付は 2026-04-01 の形で入力してください。")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[str, str]],
        procedures: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        related = self.fields["procedures"]
        assert isinstance(related, forms.MultipleChoiceField)
        related.choices = procedures or []
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [("", _("選んでください")), *departments]
        for name in ("question", "answer"):
            self.fields[name].error_messages["max_length"] = _limit_message(
                str(self.fields[name].label),
                ENTRY_QUESTION_MAX_CHARS if name == "question" else ENTRY_ANSWER_MAX_CHARS,
            )

    def clean_phrasings(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["phrasings"].splitlines()]
        phrasings = list(dict.fromkeys(line for line in lines if line))
        if len(phrasings) > ENTRY_PHRASINGS_MAX:
            raise forms.ValidationError(
                _("言い換えは%(limit)s行までです（%(count)s行あります）。"),
                code="too_many",
                params={"limit": ENTRY_PHRASINGS_MAX, "count": len(phrasings)},
            )
        for number, line in enumerate(phrasings, start=1):
            if len(line) > ENTRY_PHRASING_MAX_CHARS:
                raise forms.ValidationError(
                    _("%(number)s行目の言い換えが長すぎます（500文字以内）。"),
                    code="too_long",
                    params={"number": number},
                )
        return phrasings

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("掲載終了日は掲載開始日より後の日にしてください。"))
        return cleaned

    @staticmethod
    def initial_from(entry: Entry) -> dict[str, Any]:
        return {
            "question": entry.question,
            "phrasings": "\n".join(str(p) for p in entry.phrasings or []),
            "answer": entry.answer,
            "field": entry.field,
            "department": entry.department,
            "procedures": [str(p) for p in entry.procedures or []],
            "language": entry.language,
            "valid_from": entry.valid_from,
            "valid_until": entry.valid_until,
        }


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("キーワード"), required=False, max_length=200)
    field = forms.ChoiceField(
        label=_("分野"), required=False, choices=[("", _("すべて")), *Field.choices]
    )
    status = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[
            ("", _("すべて")),
            ("draft", _("下書き")),
            ("review", _("審査中")),
            ("published", _("公開")),
        ],
    )
    stale = forms.ChoiceField(
        label=_("確認の要否"),
        required=False,
        choices=[("", _("すべて")), ("1", _("確認が必要なもの（1年以上未確認・掲載終了）"))],
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("差し戻しの理由"),
        help_text=_("担当課が直すべき点を書いてください（1,000文字以内）。"),
        max_length=1000,
        error_messages={"required": _("差し戻しの理由を入力してください。")},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class EntryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_(
            "「CSVで書き出す」で作ったファイルと同じ列のCSV（UTF-8 または Shift_JIS）。"
            "識別子が空の行は新しいFAQになります。状態と最終確認日の列は読みません。"
        ),
        error_messages={"required": _("CSVファイルを選んでください。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
