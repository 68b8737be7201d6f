"""Forms of the staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    """Upload a new file: as a new resource, or as the next version of an existing one."""

    file = forms.FileField(label=_("ファイル（CSV など）"))
    resource = forms.ChoiceField(label=_("登録先"), required=False)
    name = forms.CharField(label=_("リソースの名前"), required=False, max_length=300)
    repair = forms.BooleanField(
        label=_("標準データセットの自動修正を行い、修正した版も公開する"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, resources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field = self.fields["resource"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [("", _("新しいリソースとして追加")), *resources]


class DatasetForm(forms.Form):
    """A data set's description; checked by the same service as the API."""

    owner_org = forms.ChoiceField(label=_("組織"))
    name = forms.CharField(
        label=_("名前（URL）"),
        max_length=100,
        help_text=_("半角英小文字・数字・-・_（例: gifu-city-aed）"),
    )
    title = forms.CharField(label=_("タイトル"), max_length=300)
    notes = forms.CharField(
        label=_("説明"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    license_id = forms.ChoiceField(label=_("ライセンス"))
    tags = forms.CharField(
        label=_("タグ"), required=False, help_text=_("読点（、）またはカンマで区切ります")
    )
    groups = forms.MultipleChoiceField(
        label=_("分類"), required=False, widget=forms.CheckboxSelectMultiple
    )
    update_frequency = forms.ChoiceField(label=_("更新頻度"))
    standard_dataset = forms.ChoiceField(label=_("標準データセット"), required=False)
    spatial = forms.CharField(label=_("対象地域"), max_length=200, required=False)
    temporal_start = forms.DateField(
        label=_("対象期間（開始）"), required=False, help_text="YYYY-MM-DD"
    )
    temporal_end = forms.DateField(
        label=_("対象期間（終了）"), required=False, help_text="YYYY-MM-DD"
    )
    contact_name = forms.CharField(label=_("問い合わせ先"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("問い合わせ先メールアドレス"), required=False)
    private = forms.BooleanField(label=_("非公開にする"), required=False)

    def __init__(
        self,
        *args: Any,
        organizations: list[tuple[str, str]],
        groups: list[tuple[str, str]],
        licenses: list[tuple[str, str]],
        frequencies: list[tuple[str, str]],
        standards: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "owner_org": list(organizations),
            "groups": list(groups),
            "license_id": list(licenses),
            "update_frequency": list(frequencies),
            "standard_dataset": [("", _("なし")), *[(s, s) for s in standards]],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def ckan_data(self) -> dict[str, Any]:
        """The cleaned form as a CKAN package dict for the services."""
        data = dict(self.cleaned_data)
        tags = str(data.pop("tags") or "").replace("、", ",")
        data["tags"] = [{"name": t.strip()} for t in tags.split(",") if t.strip()]
        data["groups"] = [{"name": g} for g in data["groups"]]
        for key in ("temporal_start", "temporal_end"):
            data[key] = data[key].isoformat() if data[key] else ""
        return data
