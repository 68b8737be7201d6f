from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import QUESTION_MAX_CHARS


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
    contact = forms.CharField(
        label=_("ご連絡先（メールアドレスまたは電話番号）"),
        help_text=_("担当課からの回答に使います。ほかの目的には使いません。"),
        required=False,  # the service gives the message
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "email"}),
    )
