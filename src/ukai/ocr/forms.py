"""Forms of the OCR staff pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import FormTemplate, ReadingJob
from .services import CSV_ENCODINGS, upload_limits


class UploadForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("様式"),
        queryset=FormTemplate.objects.filter(is_active=True),
        required=False,
        empty_label=_("様式を自動で判別する"),
        help_text=_(
            "自動で判別すると、ページごとに使用中の様式から一致するものを探します。"
            "様式の違うページが混ざっていても読み取れます。"
        ),
    )
    mode = forms.ChoiceField(
        label=_("入力方法"),
        choices=ReadingJob.Mode.choices,
        initial=ReadingJob.Mode.OCR,
        widget=forms.RadioSelect,
        help_text=_("手入力は、AI-OCRとの作業時間の比較（基準値）に使います。"),
    )
    upload = forms.FileField(label=_("スキャンしたファイル"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = upload_limits()
        self.fields["upload"].help_text = gettext(
            "PDF（複数ページ可）、TIFF、JPEG、PNG、またはそれらのZIP。%(pages)sページ、%(size)sMBまで。"
        ) % {"pages": limits.max_pages, "size": limits.max_bytes // (1024 * 1024)}
        self.fields["upload"].widget.attrs["accept"] = ".pdf,.tif,.tiff,.jpg,.jpeg,.png,.zip"


class AssignForm(forms.Form):
    """Staff choose the form of a page that automatic matching could not identify."""

    template = forms.ModelChoiceField(
        label=_("このページの様式"),
        queryset=FormTemplate.objects.filter(is_active=True),
        empty_label=None,
    )


class ExportForm(forms.Form):
    encoding = forms.ChoiceField(label=_("文字コード"), choices=list(CSV_ENCODINGS.items()))


class TemplateEditForm(forms.Form):
    """The browser's template editor: the zones travel as the import format's JSON list."""

    title = forms.CharField(label=_("様式名"), max_length=200)
    name = forms.SlugField(
        label=_("識別名"),
        max_length=80,
        help_text=_("英小文字・数字・ハイフン（例：juminhyo-request）。後から変更できません。"),
    )
    dpi = forms.IntegerField(
        label=_("白紙の様式画像の解像度（dpi）"), min_value=72, max_value=1200, initial=200
    )
    image = forms.ImageField(
        label=_("白紙の様式画像"),
        required=False,
        help_text=_("PNG・JPEG・TIFF。新しい様式では必須、編集では差し替えるときだけ選びます。"),
    )
    zones = forms.CharField(
        label=_("読取項目（JSON）"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "画像の上をドラッグすると項目が追加されます。JSONで直接編集することもできます："
            '[{"name": "applicant_name", "label": "氏名", "type": "name", "box": [x, y, 幅, 高さ]}]'
        ),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["name"].disabled = True

    def clean_zones(self) -> Any:
        try:
            return json.loads(self.cleaned_data["zones"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                gettext("JSONとして読めません（%(line)s行目）。") % {"line": exc.lineno}
            ) from exc


class PipelineForm(forms.Form):
    """A pipeline's definition in the import format (the editor and the import are one check)."""

    definition = forms.CharField(
        label=_("自動処理の定義（JSON）"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "code"}),
        help_text=_(
            'name, title, template, source（"inbox" または {"folder": "/パス"}）, schedule'
            '（"on_demand" または {"every_minutes": 分}）, after_verification'
            "（file_cases, export_csv）, notify（メールアドレスの一覧）, department。"
        ),
    )

    def clean_definition(self) -> Any:
        try:
            return json.loads(self.cleaned_data["definition"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                gettext("JSONとして読めません（%(line)s行目）。") % {"line": exc.lineno}
            ) from exc


class InboxForm(forms.Form):
    upload = forms.FileField(
        label=_("受付箱に入れるファイル"),
        help_text=_("PDF、TIFF、JPEG、PNG、またはそれらのZIP。次の実行で読み取ります。"),
    )
