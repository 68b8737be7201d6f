"""Import the core resident system's CSV export (all or nothing, idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.errors import UkaiError
from ukai.residents.services import ENCODINGS, ImportReport, residents_import


def report_lines(report: ImportReport, *, dry_run: bool) -> list[str]:
    state = (
        "確認のみ（書き込みなし） / dry run, nothing written"
        if dry_run
        else (
            "書き込みました / written"
            if report.written
            else "書き込みませんでした / nothing written"
        )
    )
    return [
        f"文字コード / encoding: {report.encoding}",
        f"行数 / rows: {report.rows}、誤り / errors: {report.error_count}",
        f"世帯 / households: 新規 created {report.households_created}、更新 updated {report.households_updated}",
        f"住民 / residents: 新規 created {report.created}、更新 updated {report.updated}、"
        f"変更なし unchanged {report.unchanged}",
        f"異動履歴 / movements recorded: {report.movements}",
        state,
    ]


class Command(BaseCommand):
    help = (
        "基幹系の住民記録システムが書き出したCSVを取り込みます / "
        "Import the resident records CSV exported by the core resident system."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--encoding", choices=ENCODINGS, default="auto")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="誤りのある行を除いて取り込む / import the valid rows, skip the rest",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def progress(phase: str, rows: int) -> None:
            if verbosity >= 1:
                label = "確認" if phase == "check" else "書き込み"
                self.stderr.write(f"{label} / {phase}: {rows}行 rows")

        try:
            report = residents_import(
                path=options["file"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        except UkaiError as error:
            raise CommandError(str(error)) from error
        for row_error in report.errors:
            self.stderr.write(str(row_error))
        if report.error_count > len(report.errors):
            self.stderr.write(
                f"ほか {report.error_count - len(report.errors)} 件の誤り / "
                f"and {report.error_count - len(report.errors)} more errors"
            )
        if verbosity >= 1:
            for line in report_lines(report, dry_run=options["dry_run"]):
                self.stdout.write(line)
        if report.error_count and not options["skip_invalid"]:
            raise CommandError(
                f"{report.error_count}件の誤りがあるため、何も取り込みませんでした。"
                f" / {report.error_count} errors: nothing was imported."
            )
