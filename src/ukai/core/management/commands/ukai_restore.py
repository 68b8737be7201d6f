"""Restore a backup archive into this instance: all of it, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.backup import restore_archive
from ukai.core.errors import UkaiError


class Command(BaseCommand):
    help = (
        "ukai_backup のアーカイブをこのインスタンスに復元します / "
        "Restore an ukai_backup archive into this instance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="アーカイブ / The archive (.tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="空でないインスタンスのデータを置き換える（先に現在の状態をバックアップします） / "
            "Replace the data of a non-empty instance (its current state is backed up first)",
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="--force のときに置き換える前のバックアップを作らない / "
            "With --force, do not back up the current state first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_archive(
                archive=options["archive"],
                force=options["force"],
                safety_backup=not options["no_safety_backup"],
            )
        except UkaiError as exc:
            raise CommandError(str(exc)) from exc
        if result.safety_backup:
            self.stdout.write(
                f"置き換える前の状態 / State before the restore: {result.safety_backup}"
            )
        if result.migrated_first:
            self.stdout.write(
                "空のデータベースにマイグレーションを適用しました / Migrated the empty database"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"復元しました / Restored: {result.archive}"
                f"（{result.created_at} 作成 / created, {result.source_vendor}）"
            )
        )
        width = max((len(t.table) for t in result.tables), default=0)
        for table in sorted(result.tables, key=lambda t: t.table):
            if table.rows:
                self.stdout.write(f"  {table.table:<{width}} {table.rows:>8} 行 / rows")
        self.stdout.write(
            f"  合計 / total: {len(result.tables)} テーブル / tables、{result.rows} 行 / rows"
        )
        self.stdout.write(
            f"  ファイル / media files: {result.media_files}（{result.media_bytes} バイト / bytes）"
        )
