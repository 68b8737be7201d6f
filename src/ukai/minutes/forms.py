from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgendaItem, Attendee, GlossaryEntry, Meeting


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("会議名"),
        max_length=200,
        help_text=_("例：令和7年 第3回 総務委員会"),
        error_messages={"required": _("会議名を入力してください。")},
    )
    body = forms.ChoiceField(
        label=_("会議の種類"),
        choices=Meeting.Body.choices,
        error_messages={"required": _("会議の種類を選んでください。")},
    )
    held_on = forms.DateField(
        label=_("開催日"),
        help_text=_("例：2025-09-12"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("開催日を入力してください。"),
            "invalid": _("開催日は 2025-09-12 の形で入力してください。"),
        },
    )
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    department = forms.ChoiceField(
        label=_("担当の所属"),
        help_text=_("この所属の職員（部の場合はその課の職員も）が見て編集できます。"),
        error_messages={
            "required": _("担当の所属を選んでください。"),
            "invalid_choice": _("担当の所属は、あなたの所属から選んでください。"),
        },
    )
    shared = forms.BooleanField(
        label=_("市役所内に公開する（議会の会議のみ）"),
        help_text=_(
            "市役所の職員全員が会議録を読めるようにします。編集できるのは担当の所属だけです。"
        ),
        required=False,
    )
    attendees = forms.CharField(
        label=_("出席者"),
        required=False,
        help_text=_("1行に1人、「役職 氏名」の形で書きます（例：委員長 山田太郎）。"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    agenda = forms.CharField(
        label=_("議題"),
        required=False,
        help_text=_("1行に1件書きます（例：議案第1号 岐阜市手数料条例の一部改正について）。"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department: Any = self.fields["department"]
        department.choices = departments

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("shared") and cleaned.get("body") == Meeting.Body.INTERNAL:
            self.add_error(
                "shared", _("市役所内に公開できるのは議会の会議（本会議・委員会）だけです。")
            )
        return cleaned


class RecordingForm(forms.Form):
    file = forms.FileField(
        label=_("録音・録画ファイル"),
        help_text=_("WAV・MP3・M4A・MP4・OGG・FLAC。ファイルの中身を確かめてから受け付けます。"),
        error_messages={
            "required": _("録音ファイルを選んでください。"),
            "empty": _("ファイルが空です。録音ファイルを選び直してください。"),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": "audio/*,video/mp4,.wav,.mp3,.m4a,.mp4,.ogg,.flac"}
        ),
    )


class SegmentForm(forms.Form):
    text = forms.CharField(
        label=_("発言"),
        max_length=5000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("発言を入力してください。")},
    )
    speaker = forms.TypedChoiceField(
        label=_("発言者"), required=False, coerce=int, empty_value=None
    )
    agenda_item = forms.TypedChoiceField(
        label=_("議題"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        attendees: list[Attendee],
        agenda_items: list[AgendaItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        speaker: Any = self.fields["speaker"]
        speaker.choices = [("", _("（未設定）"))] + [
            (a.pk, f"{a.role} {a.name}") for a in attendees
        ]
        agenda: Any = self.fields["agenda_item"]
        agenda.choices = [("", _("（前の発言と同じ）"))] + [(i.pk, i.title) for i in agenda_items]


class ChannelsForm(forms.Form):
    """Which attendee speaks on each recording channel (channel 1 = left, 2 = right …)."""

    def __init__(self, *args: Any, channels: int, attendees: list[Attendee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("（割り当てない）"))] + [(a.pk, f"{a.role} {a.name}") for a in attendees]
        names = {1: _("左"), 2: _("右")} if channels == 2 else {}
        for channel in range(1, channels + 1):
            label = _("チャンネル%(n)d") % {"n": channel}
            if channel in names:
                label = f"{label}（{names[channel]}）"
            self.fields[f"channel_{channel}"] = forms.TypedChoiceField(
                label=label, required=False, coerce=int, empty_value=None, choices=choices
            )
            self.initial.setdefault(
                f"channel_{channel}",
                next((a.pk for a in attendees if a.channel == channel), None),
            )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Meeting.Status.choices)
    minutes_format = forms.ChoiceField(
        label=_("会議録の形式"), choices=Meeting.Format.choices, widget=forms.RadioSelect
    )


class BaselineForm(forms.Form):
    """One meeting type's manual baseline (the service checks 0 < factor ≤ 20)."""

    factor = forms.FloatField(
        label=_("録音1分あたりの手作業の時間（分）"),
        help_text=_("0より大きく20以下。例：4.5（1時間の録音の書き起こしに4時間30分）"),
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.1", "max": "20"}),
        error_messages={
            "required": _("録音1分あたりの手作業の時間を入力してください。"),
            "invalid": _("録音1分あたりの手作業の時間は数で入力してください（例：4.5）。"),
        },
    )
    note = forms.CharField(
        label=_("測り方"),
        required=False,
        max_length=2000,
        help_text=_("例：令和6年度の委員会3回分（計5時間）を職員が書き起こした時間の平均"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GlossaryEntryForm(forms.Form):
    wrong = forms.CharField(
        label=_("誤認識の形"),
        required=False,
        max_length=100,
        help_text=_(
            "音声認識が誤って書く形（例：意義なし）。空にすると、直さずに用語として登録します。"
        ),
    )
    right = forms.CharField(
        label=_("正しい形"),
        max_length=100,
        help_text=_("例：異議なし"),
        error_messages={"required": _("正しい形を入力してください。")},
    )
    category = forms.ChoiceField(label=_("分類"), choices=GlossaryEntry.Category.choices)
    enabled = forms.BooleanField(label=_("有効（会議録の作成に使う）"), required=False)


class GlossaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_(
            "見出しは「誤認識の形,正しい形,分類,有効」。UTF-8（BOM付きも可）またはShift_JIS（CP932）。"
        ),
        error_messages={
            "required": _("CSVファイルを選んでください。"),
            "empty": _("ファイルが空です。"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
