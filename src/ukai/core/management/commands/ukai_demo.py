"""Load the Gifu City demo data (idempotent), the core's and every module's."""

from __future__ import annotations

import base64
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from ukai.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, demo_load


def module_seed_commands() -> list[str]:
    """Every installed module's ``<module>_seed`` command, in name order.

    Modules join the demo by shipping such a command; the core needs no
    knowledge of them (and may not import them).
    """
    return sorted(
        name
        for name, app in get_commands().items()
        if name.endswith("_seed") and str(app).startswith("ukai.")
    )


class Command(BaseCommand):
    help = "岐阜市のデモデータを読み込みます（何度実行しても重複しません） / Load the Gifu City demo data."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        self.stdout.write(
            f"{summary.municipality.name}（{summary.municipality.code}）: "
            f"所属 {summary.departments} 件、デモ職員 {len(summary.staff)} 人"
        )
        for name in module_seed_commands():
            call_command(name, verbosity=options["verbosity"], stdout=self.stdout)
        if options["verbosity"] >= 2:
            secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
            self.stdout.write(f"デモ用ログイン / Demo logins (password: {DEMO_PASSWORD})")
            for staff in summary.staff:
                self.stdout.write(f"  {staff.username:<12} {staff.get_role_display()}")
            self.stdout.write(f"  admin の認証アプリ用シークレット / admin TOTP secret: {secret}")
