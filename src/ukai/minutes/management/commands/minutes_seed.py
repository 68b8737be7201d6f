"""``manage.py minutes_seed``: one demo committee meeting with attendees and agenda, and the
demo glossary (``data/glossary.json``) when the glossary is empty (idempotent).

No recording is attached: upload one of ``src/ukai/minutes/tests/fixtures/*.ogg`` on the
meeting's page to see the transcription run (the demo worker must be running).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ukai.minutes.models import AgendaItem, Attendee, Meeting
from ukai.minutes.services import glossary_seed

TITLE = "令和7年 第3回 総務委員会（デモ）"
# The demo manager's department (core's demo data), so signing in as ``manager`` can edit
# it; shared with all staff, as council minutes are (ADR 0094).
DEPARTMENT = "kaigo-hoken"
ATTENDEES = (
    ("委員長", "山田 太郎"),
    ("副委員長", "佐藤 花子"),
    ("委員", "鈴木 一郎"),
    ("委員", "高橋 恵子"),
    ("市長", "岐阜 次郎"),
    ("総務部長", "長良 三郎"),
)
AGENDA = (
    "議案第1号 岐阜市手数料条例の一部を改正する条例制定について",
    "請願第2号 防災行政無線の戸別受信機の配備について",
)


class Command(BaseCommand):
    help = "会議録のデモ用の会議（出席者・議題つき）を登録します（何度実行しても同じ結果）。"

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        meeting, created = Meeting.objects.get_or_create(
            title=TITLE,
            defaults={
                "body": Meeting.Body.COMMITTEE,
                "held_on": date(2025, 9, 12),
                "place": "岐阜市役所 第1委員会室",
                "department_code": DEPARTMENT,
                "shared": True,
            },
        )
        if not meeting.department_code:  # seeded before meetings had departments
            meeting.department_code = DEPARTMENT
            meeting.shared = True
            meeting.save(update_fields=["department_code", "shared"])
        if created:
            Attendee.objects.bulk_create(
                Attendee(meeting=meeting, order=i, role=role, name=name)
                for i, (role, name) in enumerate(ATTENDEES)
            )
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, order=i, title=title) for i, title in enumerate(AGENDA)
            )
        seeded = glossary_seed()
        self.stdout.write(
            f"会議録: 用語集に{seeded}件を登録しました / minutes: {seeded} glossary entries added"
        )
        self.stdout.write(
            f"会議録: デモの会議を{'登録しました' if created else '確認しました（変更なし）'} "
            f"/ minutes: demo meeting {'created' if created else 'unchanged'}"
        )
