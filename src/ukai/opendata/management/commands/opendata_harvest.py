"""Harvest other CKAN-compatible catalogs now, or start the hourly schedule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.errors import UkaiError
from ukai.opendata import harvest
from ukai.opendata.models import HarvestSource, Organization
from ukai.opendata.tasks import datastore_load_on_commit, harvest_schedule


class Command(BaseCommand):
    help = (
        "他の CKAN 互換カタログからデータセットを取り込みます / "
        "Harvest data sets from other CKAN-compatible catalogs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", help="取り込み元の名前 / the source's name (default: all due)"
        )
        parser.add_argument(
            "--all", action="store_true", help="期限前のものも / also sources not yet due"
        )
        parser.add_argument(
            "--add",
            nargs=3,
            metavar=("NAME", "URL", "ORGANIZATION"),
            help="取り込み元を登録 / register a source (local organisation name or code)",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="1時間ごとの自動取り込みを開始 / start the hourly schedule",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["add"]:
            name, url, organization_key = options["add"]
            organization = (
                Organization.objects.filter(name=organization_key).first()
                or Organization.objects.filter(lgcode=organization_key).first()
            )
            if organization is None:
                raise CommandError(
                    f"組織 {organization_key} がありません / no organisation {organization_key}"
                )
            HarvestSource.objects.update_or_create(
                name=name, defaults={"title": name, "url": url, "organization": organization}
            )
        if options["schedule"]:
            queued = harvest_schedule()
            self.stdout.write(
                "自動取り込みを開始しました / schedule started"
                if queued
                else "既に予定されています / already scheduled"
            )
        sources = HarvestSource.objects.select_related("organization")
        if options["source"]:
            sources = sources.filter(name=options["source"])
            if not sources.exists():
                raise CommandError(
                    f"取り込み元 {options['source']} がありません / no source {options['source']}"
                )
            chosen = list(sources)
        elif options["all"]:
            chosen = list(sources.filter(enabled=True))
        else:
            chosen = harvest.harvest_sources_due()
        for source in chosen:
            try:
                result = harvest.harvest_run(source=source)
            except UkaiError as exc:
                self.stderr.write(f"{source.name}: {exc}")
                continue
            for resource_id in result.checked_resource_ids:
                datastore_load_on_commit(resource_id)
            self.stdout.write(f"{source.name}: {result.summary()}")
