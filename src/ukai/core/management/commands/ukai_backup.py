"""Back up the database and the uploaded files into one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.backup import backup_create
from ukai.core.errors import UkaiError


class Command(BaseCommand):
    help = (
        "データベースとアップロードされたファイルを一つのアーカイブにバックアップします / "
        "Back up the database and the uploaded files into one archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="書き出すファイル（既定: <データフォルダ>/backups/ukai-YYYYmmdd-HHMMSS.tar.gz） / "
            "Archive to write (default: <data folder>/backups/ukai-YYYYmmdd-HHMMSS.tar.gz)",
        )
        parser.add_argument(
            "--no-native",
            action="store_true",
            help="データベース固有の形式のコピー（SQLite ファイル、pg_dump）を含めない / "
            "Leave out the vendor's own copy (SQLite file, pg_dump)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output=options["output"], native=not options["no_native"])
        except UkaiError as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        native = result.native or "なし / none"
        self.stdout.write(
            self.style.SUCCESS(f"バックアップを作成しました / Backup written: {result.path}")
        )
        self.stdout.write(
            f"  データベース / database: {result.vendor}、"
            f"{len(result.tables)} テーブル / tables、{result.rows} 行 / rows"
            f"（ネイティブ形式 / native copy: {native}）"
        )
        self.stdout.write(
            f"  ファイル / media files: {result.media_files}（{result.media_bytes} バイト / bytes）"
        )
        self.stdout.write(f"  サイズ / size: {result.size} バイト / bytes")
        self.stdout.write(f"  SHA-256: {result.sha256}")
