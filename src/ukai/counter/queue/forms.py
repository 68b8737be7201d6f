"""Forms of the staff pages: which ticket an action is for, where to route it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .categories import category_list


class IssueForm(forms.Form):
    category = forms.ChoiceField(
        label=_("来庁の目的"),
        error_messages={
            "required": _("来庁の目的を選んでください。"),
            "invalid_choice": _("来庁の目的を一覧から選んでください。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.code, c.label) for c in category_list()]


class TicketForm(forms.Form):
    ticket_id = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("操作する番号が指定されていません。"),
            "invalid": _("操作する番号が正しくありません。"),
            "min_value": _("操作する番号が正しくありません。"),
        },
    )


class RouteForm(TicketForm):
    department_code = forms.ChoiceField(
        label=_("案内先の担当課"),
        error_messages={
            "required": _("案内先の担当課を選んでください。"),
            "invalid_choice": _("案内先の担当課を一覧から選んでください。"),
        },
    )

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("選んでください")), *departments]
