"""Issue an API token for a staff member (printed once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.errors import UkaiError
from ukai.core.models import Staff
from ukai.core.services import api_token_create


class Command(BaseCommand):
    help = "職員のAPIトークンを発行します（表示は一度だけ） / Issue an API token (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="用途 / what the token is for, e.g. 'BI連携'")
        parser.add_argument("--expires-days", type=int, default=365)

    def handle(self, *args: Any, **options: Any) -> None:
        staff = Staff.objects.filter(username=options["username"]).first()
        if staff is None:
            raise CommandError(
                f"職員 {options['username']} が見つかりません / No staff member {options['username']}."
            )
        try:
            raw = api_token_create(
                staff=staff, name=options["name"], expires_in_days=options["expires_days"]
            )
        except UkaiError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
