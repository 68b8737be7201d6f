"""Forms of the core pages: sign-in, the second factor, audit log and task filters.

Every message a user can see is a Japanese msgid (English in the catalogue), and
every text field has a length limit with a message that says what to do.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import message_for_language
from .japanese.errors import JapaneseInputError
from .japanese.wareki import MAX_INPUT_LENGTH, wareki_parse
from .models import AuditEvent
from .staff_auth import totp_token_normalize

_MAX_LENGTH_MESSAGE = _(
    "%(limit_value)d文字以内で入力してください（入力された文字数：%(show_value)d文字）。"
)
_DATE_HELP = _("例：2026-04-01、2026/4/1、令和8年4月1日、R8.4.1")
_TOKEN = re.compile(r"^[0-9]{6}$")


def _text_field(label: Any, *, max_length: int, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages={"max_length": _MAX_LENGTH_MESSAGE},
        **kwargs,
    )


class StaffLoginForm(AuthenticationForm):
    """Django's sign-in form with Ukai's wording and no autofocus."""

    error_messages = {
        "invalid_login": _(
            "ユーザー名またはパスワードが正しくありません。"
            "大文字と小文字の区別を含めて、もう一度入力してください。"
        ),
        "inactive": _("このアカウントは利用が停止されています。情報政策課にお問い合わせください。"),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("ユーザー名")
        username.error_messages = {
            "required": _("ユーザー名を入力してください。"),
            "max_length": _MAX_LENGTH_MESSAGE,
        }
        username.widget.attrs.pop("autofocus", None)
        username.widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        password = self.fields["password"]
        password.label = _("パスワード")
        password.error_messages = {"required": _("パスワードを入力してください。")}
        password.widget.attrs.update({"autocomplete": "current-password"})


class TotpTokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.CharField(
        label=_("確認コード（6桁の数字）"),
        help_text=_("認証アプリに表示されている6桁の数字を入力してください。"),
        max_length=20,
        error_messages={
            "required": _("確認コードを入力してください。"),
            "max_length": _("確認コードは6桁の数字です。"),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input--short",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = totp_token_normalize(self.cleaned_data["token"])
        if not _TOKEN.match(token):
            raise forms.ValidationError(
                _("確認コードは6桁の数字で入力してください。"), code="token_format"
            )
        return token


class JapaneseDateField(forms.Field):
    """A date typed as people write it, 西暦 or 和暦 (``core.japanese.wareki``, leniently).

    A text box rather than ``<input type="date">``: the native picker differs
    between browsers and screen readers, and cannot take 和暦.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "autocomplete": "off", "size": 20}

    def to_python(self, value: Any) -> date | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > MAX_INPUT_LENGTH:
            raise forms.ValidationError(
                _MAX_LENGTH_MESSAGE,
                code="max_length",
                params={"limit_value": MAX_INPUT_LENGTH, "show_value": len(text)},
            )
        try:
            return wareki_parse(text)
        except JapaneseInputError as exc:
            raise forms.ValidationError(
                message_for_language(exc.message_ja, exc.message_en), code=exc.code
            ) from exc


class AuditSearchForm(forms.Form):
    """Filters of the audit log page and its CSV export."""

    actor = _text_field(_("利用者（ユーザー名の一部）"), max_length=150)
    object_type = _text_field(
        _("対象の種類"), max_length=100, help_text=_("例：core.staff（完全一致）")
    )
    object_id = _text_field(_("対象ID"), max_length=100)
    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        choices=[("", _("すべて")), *AuditEvent.Action.choices],
        error_messages={"invalid_choice": _("操作は一覧から選んでください。")},
    )
    since = JapaneseDateField(label=_("期間（開始日）"), help_text=_DATE_HELP)
    until = JapaneseDateField(
        label=_("期間（終了日）"),
        help_text=_("この日を含みます。例：2026-04-30、2026/4/30、令和8年4月30日、R8.4.30"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error(
                "until",
                forms.ValidationError(
                    _("終了日は開始日と同じ日か、それより後の日付にしてください。"),
                    code="date_order",
                ),
            )
        return cleaned

    def search_filters(self) -> dict[str, Any]:
        """The cleaned filters as keyword arguments of ``selectors.audit_event_search``."""
        data = self.cleaned_data
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        return {
            "actor": data.get("actor", ""),
            "object_type": data.get("object_type", ""),
            "object_id": data.get("object_id", ""),
            "action": data.get("action", ""),
            "since": _start_of_day(since) if since else None,
            # The end date is inclusive: search up to the start of the next day.
            "until": _start_of_day(until + timedelta(days=1)) if until else None,
        }

    def has_filters(self) -> bool:
        return any(value not in ("", None) for value in self.cleaned_data.values())


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


TASK_STATUS_CHOICES = [
    ("READY", _("待機中")),
    ("RUNNING", _("実行中")),
    ("SUCCESSFUL", _("完了")),
    ("FAILED", _("失敗")),
]


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("", _("すべて")), *TASK_STATUS_CHOICES],
        error_messages={"invalid_choice": _("状態は一覧から選んでください。")},
    )
