"""``manage.py chatbot_import_csv --staff USERNAME FILE.csv [--apply]``: the staff page's CSV import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.chatbot.entries_csv import csv_import_apply, csv_import_plan, csv_text_decode
from ukai.core.errors import UkaiError

ACTION_LABELS = {"new": "新規 / new", "change": "変更 / changed", "same": "変更なし / unchanged"}


class Command(BaseCommand):
    help = (
        "書き出したCSVの形式でFAQを公開コレクションに取り込みます（変更は審査に回ります）。"
        " --apply がなければ確認だけです。"
        " / Import FAQ entries from the exported CSV format; changes go to review."
        " Without --apply, only shows what would change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--staff",
            required=True,
            help="取り込む職員のユーザー名（その課のFAQだけ） / the importing staff member",
        )
        parser.add_argument("--apply", action="store_true", help="取り込む / import")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        staff = get_user_model().objects.filter(username=options["staff"], is_active=True).first()
        if staff is None:
            raise CommandError(
                f"職員「{options['staff']}」がいません / no active staff {options['staff']!r}"
            )
        try:
            text = csv_text_decode(Path(options["file"]).read_bytes())
        except OSError as exc:
            raise CommandError(f"ファイルを読めません / cannot read the file: {exc}") from exc
        except UkaiError as exc:
            raise CommandError(f"{exc.message_ja} / {exc.message_en}") from exc
        apply = bool(options["apply"])
        plan = (csv_import_apply if apply else csv_import_plan)(staff=staff, text=text)
        if plan.errors:
            raise CommandError(
                "何も取り込んでいません / nothing imported\n" + "\n".join(plan.errors[:50])
            )
        for row in plan.rows:
            if row.action != "same":
                self.stdout.write(
                    f"{row.row}行目 {row.key or '（新規）'}: {ACTION_LABELS[row.action]}"
                )
        summary = (
            f"新規 {plan.new} 件、変更 {plan.changed} 件、変更なし {plan.unchanged} 件"
            f" / {plan.new} new, {plan.changed} changed, {plan.unchanged} unchanged"
        )
        if apply:
            self.stdout.write(f"審査に回しました / sent to review: {summary}")
        else:
            self.stdout.write(f"確認のみ（--apply で取り込み） / preview only: {summary}")
