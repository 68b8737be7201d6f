"""Load the Gifu City demo data (idempotent)."""

from __future__ import annotations

import base64
from typing import Any

from django.core.management.base import BaseCommand

from ukai.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, demo_load


class Command(BaseCommand):
    help = "岐阜市のデモデータを読み込みます（何度実行しても重複しません） / Load the Gifu City demo data."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        self.stdout.write(
            f"{summary.municipality.name}（{summary.municipality.code}）: "
            f"所属 {summary.departments} 件、デモ職員 {len(summary.staff)} 人"
        )
        if options["verbosity"] >= 2:
            secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
            self.stdout.write(f"デモ用ログイン / Demo logins (password: {DEMO_PASSWORD})")
            for staff in summary.staff:
                self.stdout.write(f"  {staff.username:<12} {staff.get_role_display()}")
            self.stdout.write(f"  admin の認証アプリ用シークレット / admin TOTP secret: {secret}")
