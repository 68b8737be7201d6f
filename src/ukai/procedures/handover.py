"""Hand-over of accepted applications to back-office systems, as plugins.

``UKAI_PROCEDURES_HANDOVER`` lists the plugins every case goes through after
submission, e.g. ``[{"engine": "inbox"}, {"engine": "file-export", "options":
{"directory": "/srv/ukai/handover"}}]``. ``inbox`` (the department's inbox in
Ukai) needs nothing more. ``file-export`` writes each case as a JSON file that
a core system's batch job picks up. Every plugin must be idempotent: the step
is retried after a failure and can be re-run by staff.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from ukai.core.plugins import Plugin, PluginConfigError, Registry

if TYPE_CHECKING:
    from .models import Case


class Handover(Plugin):
    def handover(self, case: Case) -> None:
        raise NotImplementedError


handover_registry: Registry[Handover] = Registry("procedures_handover")


@handover_registry.register("inbox")
class InboxHandover(Handover):
    verbose_name = "Ukai の担当課の受付箱"

    def handover(self, case: Case) -> None:
        """The case is already in its department's inbox."""


@handover_registry.register("file-export")
class FileExportHandover(Handover):
    verbose_name = "JSON ファイルの書き出し（基幹系システムの取り込み用）"

    def check_config(self) -> None:
        if not self.options.get("directory"):
            raise PluginConfigError("file-export needs options.directory")

    def handover(self, case: Case) -> None:
        self.check_config()
        folder = Path(self.options["directory"]) / case.procedure.slug
        folder.mkdir(parents=True, exist_ok=True)
        document = case_export_record(case)
        target = folder / f"{case.receipt_number}.json"
        # Write beside the target and rename: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)


def case_export_record(case: Case) -> dict[str, Any]:
    """A case as the JSON that exports and hand-overs share."""
    return {
        "receipt_number": case.receipt_number,
        "procedure": case.procedure.slug,
        "form_version": case.form_definition.version,
        "department": case.department_code,
        "channel": case.channel,
        "assurance": case.assurance,
        "status": case.status,
        "submitted_at": case.submitted_at.isoformat(),
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "completed_at": case.completed_at.isoformat() if case.completed_at else None,
        "applicant_email": case.applicant_email,
        "answers": case.answers,
    }


def handover_plugins() -> list[Handover]:
    configured = getattr(settings, "UKAI_PROCEDURES_HANDOVER", None) or [{"engine": "inbox"}]
    plugins: list[Handover] = []
    for entry in configured:
        cls = handover_registry.plugin_class(entry["engine"])
        plugins.append(cls(**entry.get("options", {})))
    return plugins
