"""OCR pipelines (RPA): take files from a source, read them, and after verification file them
as cases, export CSV and notify; every run and step is recorded (docs/adr/0085).

A run is two halves. ``pipeline_run`` (a background task) collects the new files of the source
(moving each to ``processed/`` or ``failed/``, so that a file is never read twice, and leaving a
file still being written for the next run) and reads them as reading jobs. Staff verify the
pages; when no page of the run is left to verify, ``run_finish`` performs the after-verification
steps. A failed step is retried with ``step_retry``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.service import Role, audit_log

from . import services
from .engine import OcrEngine
from .models import FormTemplate, Pipeline, PipelineRun, PipelineStep, ReadingJob, ScanPage
from .scans import scan_check

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
DONE_FOLDER = "processed"
FAILED_FOLDER = "failed"
MAX_NOTIFY = 20
MAX_EVERY_MINUTES = 7 * 24 * 60


# --- the definition ----------------------------------------------------------------------


class PipelineInvalid(UkaiError):
    """A pipeline definition with problems; ``problems`` lists each with its location."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            code="ocr_pipeline_invalid",
            message_ja=f"自動処理の定義に{len(problems)}件の誤りがあります。",
            message_en=f"The pipeline definition has {len(problems)} problem(s).",
            status=422,
            extra={"problems": problems},
        )
        self.problems = problems


def pipeline_roots() -> list[Path]:
    """The folders under which a pipeline may watch or export (``UKAI_OCR_PIPELINE_ROOTS``)."""
    roots = getattr(settings, "UKAI_OCR_PIPELINE_ROOTS", None) or [
        Path(settings.DATA_DIR) / "ocr" / "pipelines"
    ]
    return [Path(root).resolve() for root in roots]


def _inside_roots(path: str) -> Path | None:
    resolved = Path(path).resolve()
    if not Path(path).is_absolute():
        return None
    return resolved if any(resolved.is_relative_to(root) for root in pipeline_roots()) else None


def inbox_folder(name: str) -> Path:
    """Where the staff page drops uploads for a pipeline whose source is the inbox."""
    return pipeline_roots()[0] / "inbox" / name


def source_folder(pipeline: Pipeline) -> Path:
    if pipeline.source == Pipeline.Source.INBOX:
        return inbox_folder(pipeline.name)
    return Path(pipeline.folder).resolve()


def pipeline_check(definition: Any) -> dict[str, Any]:
    """Check a definition (the import format) fully; raise ``PipelineInvalid`` listing every problem.

    Returns the model's field values.
    """
    if not isinstance(definition, dict):
        raise PipelineInvalid(
            ["(file): JSONのオブジェクトではありません / the file is not a JSON object"]
        )
    problems: list[str] = []
    known = {"name", "title", "template", "source", "schedule", "after_verification", "notify"}
    known |= {"department", "active"}
    unknown = sorted(set(definition) - known)
    if unknown:
        problems.append(f"{', '.join(unknown)}: 使えない項目です / unknown keys")
    values: dict[str, Any] = {}
    name = definition.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        problems.append(
            "name: 英小文字・数字・-・_ の識別名が必要です / a slug (a-z, 0-9, -, _) is required"
        )
    values["name"] = name
    title = definition.get("title", name)
    if not isinstance(title, str) or not title.strip():
        problems.append("title: 名称が必要です / a title is required")
    values["title"] = str(title or "").strip()[:200]
    template = None
    template_name = definition.get("template")
    if isinstance(template_name, str):
        template = FormTemplate.objects.filter(name=template_name).first()
    if template is None:
        problems.append(
            f"template: 様式テンプレート「{template_name}」がありません / no form template “{template_name}”"
        )
    values["template"] = template
    source = definition.get("source")
    values["folder"] = ""
    if source == "inbox":
        values["source"] = Pipeline.Source.INBOX
    elif (
        isinstance(source, dict) and set(source) == {"folder"} and isinstance(source["folder"], str)
    ):
        values["source"] = Pipeline.Source.FOLDER
        folder = _inside_roots(source["folder"])
        if folder is None:
            roots = ", ".join(str(root) for root in pipeline_roots())
            problems.append(
                f"source.folder: 絶対パスで、許可されたフォルダ（{roots}）の中が必要です"
                f" / an absolute path inside an allowed folder ({roots})"
            )
        values["folder"] = str(folder or "")
    else:
        problems.append(
            'source: "inbox" か {"folder": "/パス"} が必要です / "inbox" or {"folder": "/path"}'
        )
    schedule = definition.get("schedule", "on_demand")
    every = 0
    if isinstance(schedule, dict) and set(schedule) == {"every_minutes"}:
        every = schedule["every_minutes"]
        if (
            not isinstance(every, int)
            or isinstance(every, bool)
            or not 1 <= every <= MAX_EVERY_MINUTES
        ):
            problems.append(
                f"schedule.every_minutes: 1〜{MAX_EVERY_MINUTES}の整数が必要です"
                f" / an integer between 1 and {MAX_EVERY_MINUTES}"
            )
            every = 0
    elif schedule != "on_demand":
        problems.append(
            'schedule: "on_demand" か {"every_minutes": 分} が必要です / "on_demand" or {"every_minutes": N}'
        )
    values["every_minutes"] = every
    after = definition.get("after_verification", {})
    values["file_cases"] = False
    values["export_folder"] = ""
    values["export_encoding"] = "utf-8-sig"
    if not isinstance(after, dict) or not set(after) <= {"file_cases", "export_csv"}:
        problems.append(
            'after_verification: {"file_cases": true/false, "export_csv": {...}} が必要です'
            " / an object with file_cases and/or export_csv"
        )
    else:
        file_cases = after.get("file_cases", False)
        if not isinstance(file_cases, bool):
            problems.append("after_verification.file_cases: true か false / true or false")
        elif (
            file_cases
            and template is not None
            and not template.zones.exclude(procedure_slug="").exists()
        ):
            problems.append(
                "after_verification.file_cases: この様式の項目は手続に対応付けられていません"
                " / the template's zones are not mapped to a procedure"
            )
        values["file_cases"] = file_cases is True
        export = after.get("export_csv")
        if export is not None:
            if not isinstance(export, dict) or not isinstance(export.get("folder"), str):
                problems.append(
                    'after_verification.export_csv: {"folder": "/パス", "encoding": ...} が必要です'
                    ' / {"folder": "/path", "encoding": ...}'
                )
            else:
                folder = _inside_roots(export["folder"])
                if folder is None:
                    problems.append(
                        "after_verification.export_csv.folder: 絶対パスで、許可されたフォルダの中が必要です"
                        " / an absolute path inside an allowed folder"
                    )
                values["export_folder"] = str(folder or "")
                encoding = export.get("encoding", "utf-8-sig")
                if encoding not in services.CSV_ENCODINGS:
                    problems.append(
                        f"after_verification.export_csv.encoding: {', '.join(services.CSV_ENCODINGS)}"
                        " のどれか / one of these encodings"
                    )
                values["export_encoding"] = encoding
    notify = definition.get("notify", [])
    if not isinstance(notify, list) or len(notify) > MAX_NOTIFY:
        problems.append(f"notify: メールアドレスの一覧（{MAX_NOTIFY}件まで） / a list of addresses")
        notify = []
    for index, address in enumerate(notify):
        try:
            validate_email(address)
        except (ValidationError, TypeError):
            problems.append(
                f"notify[{index}]: メールアドレスではありません / not an e-mail address"
            )
    values["notify"] = [str(address) for address in notify]
    department = definition.get("department", "")
    if not isinstance(department, str) or (department and not NAME_PATTERN.match(department)):
        problems.append("department: 所属コードが必要です / a department code")
        department = ""
    values["department_code"] = department
    active = definition.get("active", True)
    if not isinstance(active, bool):
        problems.append("active: true か false / true or false")
    values["is_active"] = active is not False
    if problems:
        raise PipelineInvalid(problems)
    return values


def pipeline_definition(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline in the import format (what the editor shows and the import reads)."""
    after: dict[str, Any] = {"file_cases": pipeline.file_cases}
    if pipeline.export_folder:
        after["export_csv"] = {
            "folder": pipeline.export_folder,
            "encoding": pipeline.export_encoding,
        }
    definition: dict[str, Any] = {
        "name": pipeline.name,
        "title": pipeline.title,
        "template": pipeline.template.name,
        "source": "inbox"
        if pipeline.source == Pipeline.Source.INBOX
        else {"folder": pipeline.folder},
        "schedule": {"every_minutes": pipeline.every_minutes}
        if pipeline.every_minutes
        else "on_demand",
        "after_verification": after,
        "notify": pipeline.notify,
    }
    if pipeline.department_code:
        definition["department"] = pipeline.department_code
    if not pipeline.is_active:
        definition["active"] = False
    return definition


def staff_can_edit_pipeline(*, staff: Any, department_code: str) -> bool:
    """ICT staff and administrators edit every pipeline; a 所属長 those of their departments."""
    if not getattr(staff, "is_active", False):
        return False
    if staff.is_superuser or staff.role in (Role.ICT, Role.ADMIN):
        return True
    if staff.role != Role.MANAGER or not department_code:
        return False
    codes = set(staff.departments.values_list("code", flat=True))
    codes |= set(
        staff.departments.model.objects.filter(parent__in=staff.departments.all()).values_list(
            "code", flat=True
        )
    )
    return department_code in codes


def staff_can_create_pipelines(*, staff: Any) -> bool:
    return bool(getattr(staff, "is_active", False)) and (
        staff.is_superuser or staff.role in (Role.ICT, Role.ADMIN, Role.MANAGER)
    )


def _forbidden() -> UkaiError:
    return UkaiError(
        code="ocr_pipeline_forbidden",
        message_ja="自動処理を編集できるのは情報政策課の職員と、その所属の所属長です。",
        message_en="Only ICT staff and the department's manager can edit a pipeline.",
        status=403,
    )


@transaction.atomic
def pipeline_import(*, definition: Any, staff: Any = None) -> tuple[Pipeline, bool]:
    """Create or replace a pipeline from its definition; ``staff`` None means the command line."""
    values = pipeline_check(definition)
    existing = Pipeline.objects.filter(name=values["name"]).first()
    if staff is not None:
        codes = {values["department_code"]} | ({existing.department_code} if existing else set())
        if not all(staff_can_edit_pipeline(staff=staff, department_code=code) for code in codes):
            raise _forbidden()
    pipeline = existing or Pipeline(name=values["name"])
    created = existing is None
    schedule_changed = created or pipeline.every_minutes != values["every_minutes"]
    for key, value in values.items():
        setattr(pipeline, key, value)
    if not pipeline.every_minutes or not pipeline.is_active:
        pipeline.next_run_at = None
    elif schedule_changed or pipeline.next_run_at is None:
        pipeline.next_run_at = timezone.now()
    pipeline.save()
    if pipeline.source == Pipeline.Source.INBOX:
        inbox_folder(pipeline.name).mkdir(parents=True, exist_ok=True)
    audit_log(
        action="create" if created else "update", obj=pipeline, purpose="自動処理（RPA）の定義"
    )
    return pipeline, created


def inbox_add(*, pipeline: Pipeline, data: bytes, filename: str) -> Path:
    """Drop an uploaded file into the pipeline's inbox (checked like any upload first)."""
    if pipeline.source != Pipeline.Source.INBOX:
        raise UkaiError(
            code="ocr_pipeline_not_inbox",
            message_ja="この自動処理は監視フォルダから取り込みます。",
            message_en="This pipeline takes its files from a watched folder.",
        )
    scan_check(data, filename, limits=services.upload_limits())
    folder = inbox_folder(pipeline.name)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, Path(filename).name or "upload")
    partial = folder / f".{target.name}.part"
    partial.write_bytes(data)
    # Hidden while written; the rename makes it whole at once, and old enough to be taken.
    os.replace(partial, target)
    past = time.time() - _settle_seconds() - 1
    os.utime(target, (past, past))
    return target


# --- runs --------------------------------------------------------------------------------


def _settle_seconds() -> float:
    return float(getattr(settings, "UKAI_OCR_PIPELINE_SETTLE_SECONDS", 10))


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 2
    while target.exists():
        target = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return target


def _move(path: Path, subfolder: str) -> Path:
    folder = path.parent / subfolder
    folder.mkdir(exist_ok=True)
    target = _free_name(folder, path.name)
    os.replace(path, target)
    return target


class StepFailed(Exception):
    def __init__(self, message_ja: str, message_en: str, detail: str = "") -> None:
        super().__init__(message_en)
        self.message_ja = message_ja
        self.message_en = message_en
        self.detail = detail


@dataclass
class StepOutcome:
    detail: list[str] = field(default_factory=list)


@contextmanager
def _step(run: PipelineRun, kind: str) -> Iterator[StepOutcome]:
    """Time one step and record its outcome (a retry updates the same row)."""
    started = timezone.now()
    clock = time.perf_counter()
    outcome = StepOutcome()
    step, created = PipelineStep.objects.get_or_create(
        run=run, kind=kind, defaults={"status": PipelineStep.Status.RETRYING, "started_at": started}
    )
    if not created:
        step.attempts += 1
    step.started_at = started
    try:
        yield outcome
    except StepFailed as exc:
        step.status = PipelineStep.Status.FAILED
        step.error_ja, step.error_en = exc.message_ja, exc.message_en
        outcome.detail.append(exc.detail)
    except Exception as exc:  # a bug or the disk: recorded on the step, retried from the page
        logger.exception("OCR pipeline step %s of run %s failed", kind, run.pk)
        step.status = PipelineStep.Status.FAILED
        step.error_ja = f"予期しないエラー：{type(exc).__name__}"
        step.error_en = f"Unexpected error: {type(exc).__name__}: {exc}"[:1000]
    else:
        step.status = PipelineStep.Status.OK
        step.error_ja = step.error_en = ""
    step.seconds = round(time.perf_counter() - clock, 3)
    step.detail = "\n".join(line for line in outcome.detail if line)
    step.save()


def _collect(run: PipelineRun, outcome: StepOutcome) -> list[ReadingJob]:
    pipeline = run.pipeline
    folder = source_folder(pipeline)
    if not folder.is_dir():
        raise StepFailed(
            f"取込元のフォルダ {folder} がありません。",
            f"The source folder {folder} does not exist.",
        )
    settle = _settle_seconds()
    jobs: list[ReadingJob] = []
    left = 0
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue  # processed/, failed/, hidden partial files
        first = path.stat()
        if time.time() - first.st_mtime < settle:
            left += 1  # still being written (or just written): the next run takes it
            continue
        data = path.read_bytes()
        second = path.stat()
        if (second.st_size, second.st_mtime_ns) != (first.st_size, first.st_mtime_ns) or len(
            data
        ) != second.st_size:
            left += 1
            continue
        try:
            job = services.job_create(template=pipeline.template, data=data, filename=path.name)
        except UkaiError as exc:
            moved = _move(path, FAILED_FOLDER)
            moved.with_name(moved.name + ".error.txt").write_text(
                f"{exc.message_ja}\n{exc.message_en}\n", encoding="utf-8"
            )
            outcome.detail.append(f"✗ {path.name}: {exc.message_ja} / {exc.message_en}")
            continue
        ReadingJob.objects.filter(pk=job.pk).update(pipeline_run=run)
        _move(path, DONE_FOLDER)
        jobs.append(job)
        outcome.detail.append(f"✓ {path.name} ({job.pages_total}p)")
    if left:
        outcome.detail.append(
            f"… {left}件は書き込み中のため次回に取り込みます / {left} still being written"
        )
    return jobs


def _read(run: PipelineRun, outcome: StepOutcome, engine: OcrEngine | None) -> None:
    failed = []
    for job in run.jobs.exclude(status=ReadingJob.Status.DONE).order_by("pk"):
        read = services.job_read(job_id=job.pk, engine=engine)
        if read.status == ReadingJob.Status.FAILED:
            failed.append(f"{read.original_name}: {read.error_ja} / {read.error_en}")
    for job in run.jobs.order_by("pk"):
        pages = job.pages.values_list("status", flat=True)
        outcome.detail.append(
            f"{job.original_name}: {sum(1 for s in pages if s == ScanPage.Status.READ)}p 確認待ち, "
            f"{sum(1 for s in pages if s == ScanPage.Status.REJECTED)}p 読取不可"
        )
    if failed:
        raise StepFailed(
            f"{len(failed)}件のファイルを読み取れませんでした。",
            f"{len(failed)} file(s) could not be read.",
            "\n".join(failed),
        )


def pipeline_run(
    *,
    pipeline: Pipeline,
    trigger: str = PipelineRun.Trigger.MANUAL,
    engine: OcrEngine | None = None,
) -> PipelineRun | None:
    """Collect and read the source's new files (the worker's task). A scheduled run that found
    nothing leaves no record; a manual one is kept as 「新しいファイルなし」."""
    run = PipelineRun.objects.create(pipeline=pipeline, trigger=trigger)
    with _step(run, PipelineStep.Kind.COLLECT) as outcome:
        jobs = _collect(run, outcome)
    collect = run.steps.get(kind=PipelineStep.Kind.COLLECT)
    if collect.status == PipelineStep.Status.OK and not jobs:
        if trigger == PipelineRun.Trigger.SCHEDULE and not collect.detail:
            run.delete()
            return None
        return _run_status(run, PipelineRun.Status.EMPTY)
    if collect.status == PipelineStep.Status.FAILED and not jobs:
        return _run_status(run, PipelineRun.Status.FAILED)
    return _run_read(run, engine=engine)


def _run_read(run: PipelineRun, *, engine: OcrEngine | None = None) -> PipelineRun:
    with _step(run, PipelineStep.Kind.READ) as outcome:
        _read(run, outcome, engine)
    _run_status(run, PipelineRun.Status.WAITING)
    if run.steps.filter(status=PipelineStep.Status.FAILED).exists():
        return _run_status(run, PipelineRun.Status.FAILED)
    return run_finish(run=run) if run_ready(run=run) else run


def _run_status(run: PipelineRun, status: str) -> PipelineRun:
    run.status = status
    run.finished_at = (
        None
        if status in (PipelineRun.Status.RUNNING, PipelineRun.Status.WAITING)
        else timezone.now()
    )
    run.save(update_fields=["status", "finished_at"])
    return run


def run_ready(*, run: PipelineRun) -> bool:
    """Whether every file of the run is read and no page is left to verify."""
    if run.jobs.exclude(status=ReadingJob.Status.DONE).exists():
        return False
    return not ScanPage.objects.filter(job__pipeline_run=run, status=ScanPage.Status.READ).exists()


def run_finish(*, run: PipelineRun) -> PipelineRun:
    """Perform the after-verification steps once (the run must be waiting and ready)."""
    claimed = PipelineRun.objects.filter(pk=run.pk, status=PipelineRun.Status.WAITING).update(
        status=PipelineRun.Status.RUNNING
    )
    run.refresh_from_db()
    if not claimed:
        return run
    if not run_ready(run=run):
        return _run_status(run, PipelineRun.Status.WAITING)
    for kind, action in _after_steps(run.pipeline):
        with _step(run, kind) as outcome:
            action(run, outcome)
    return _run_settle(run)


def _run_settle(run: PipelineRun) -> PipelineRun:
    failed = run.steps.filter(status=PipelineStep.Status.FAILED).exists()
    return _run_status(run, PipelineRun.Status.FAILED if failed else PipelineRun.Status.DONE)


def _verified_pages(run: PipelineRun) -> Any:
    return ScanPage.objects.filter(
        job__pipeline_run=run, status=ScanPage.Status.VERIFIED
    ).select_related("job", "verified_by")


def _file_cases(run: PipelineRun, outcome: StepOutcome) -> None:
    errors = []
    for page in _verified_pages(run).filter(case_receipt="").order_by("job_id", "number"):
        try:
            receipt = services.page_case_create(page=page, staff=page.verified_by)
        except UkaiError as exc:
            errors.append(
                f"{page.job.original_name} p.{page.number}: {exc.message_ja} / {exc.message_en}"
            )
            continue
        outcome.detail.append(f"{page.job.original_name} p.{page.number} → {receipt}")
    if errors:
        outcome.detail.extend(errors)
        raise StepFailed(
            f"{len(errors)}ページを申請として登録できませんでした。",
            f"{len(errors)} page(s) could not be filed.",
        )


def export_path(run: PipelineRun) -> Path:
    return Path(run.pipeline.export_folder) / f"{run.pipeline.name}-run{run.pk}.csv"


def _export_csv(run: PipelineRun, outcome: StepOutcome) -> None:
    pipeline = run.pipeline
    try:
        data = services.template_csv_export(
            template=pipeline.template, encoding=pipeline.export_encoding, run_id=run.pk
        )
    except UkaiError as exc:
        raise StepFailed(exc.message_ja, exc.message_en) from exc
    target = export_path(run)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(data)
        os.replace(partial, target)  # a core system never sees half a file
    except OSError as exc:
        raise StepFailed(
            f"CSVを {target} に書き込めません（{exc.strerror}）。",
            f"Cannot write the CSV to {target} ({exc.strerror}).",
        ) from exc
    outcome.detail.append(f"{target} ({_verified_pages(run).count()}件)")


def _notify(run: PipelineRun, outcome: StepOutcome) -> None:
    pipeline = run.pipeline
    pages = ScanPage.objects.filter(job__pipeline_run=run)
    verified = pages.filter(status=ScanPage.Status.VERIFIED)
    lines = [
        f"自動処理「{pipeline.title}」の実行 #{run.pk} の結果です。",
        f"Result of run #{run.pk} of the pipeline “{pipeline.title}”.",
        "",
        f"ファイル / files: {run.jobs.count()}",
        f"確認済みページ / verified pages: {verified.count()}",
        f"読取不可ページ / pages not read: {pages.filter(status=ScanPage.Status.REJECTED).count()}",
        f"申請として登録 / filed as cases: {verified.exclude(case_receipt='').count()}",
    ]
    if (
        pipeline.export_folder
        and run.steps.filter(
            kind=PipelineStep.Kind.EXPORT_CSV, status=PipelineStep.Status.OK
        ).exists()
    ):
        lines.append(f"CSV: {export_path(run)}")
    for step in run.steps.filter(status=PipelineStep.Status.FAILED):
        lines.append(f"✗ {step.get_kind_display()}: {step.error_ja} / {step.error_en}")
    lines += ["", f"/staff/ocr/pipelines/{pipeline.name}/"]
    failed = run.steps.filter(status=PipelineStep.Status.FAILED).exists()
    subject = f"[Ukai] {'要対応 ' if failed else ''}{pipeline.title} #{run.pk}"
    try:
        send_mail(subject, "\n".join(lines), None, pipeline.notify)
    except OSError as exc:
        raise StepFailed(
            f"通知メールを送れませんでした（{exc}）。",
            f"The notification could not be sent ({exc}).",
        ) from exc
    outcome.detail.append(", ".join(pipeline.notify))


def _after_steps(
    pipeline: Pipeline,
) -> list[tuple[str, Callable[[PipelineRun, StepOutcome], None]]]:
    steps: list[tuple[str, Callable[[PipelineRun, StepOutcome], None]]] = []
    if pipeline.file_cases:
        steps.append((PipelineStep.Kind.FILE_CASES, _file_cases))
    if pipeline.export_folder:
        steps.append((PipelineStep.Kind.EXPORT_CSV, _export_csv))
    if pipeline.notify:
        steps.append((PipelineStep.Kind.NOTIFY, _notify))
    return steps


def step_retry(*, step: PipelineStep, engine: OcrEngine | None = None) -> PipelineStep:
    """Run a failed step again (the reading retries the failed files; the collection looks again)."""
    run = step.run
    if step.status == PipelineStep.Status.OK:
        return step
    if step.kind == PipelineStep.Kind.COLLECT:
        with _step(run, PipelineStep.Kind.COLLECT) as outcome:
            jobs = _collect(run, outcome)
        if jobs or run.jobs.exists():
            _run_read(run, engine=engine)
        else:
            _run_settle(run)
    elif step.kind == PipelineStep.Kind.READ:
        _run_read(run, engine=engine)
    else:
        actions = dict(_after_steps(run.pipeline))
        action = actions.get(step.kind)
        if action is not None:
            with _step(run, step.kind) as outcome:
                action(run, outcome)
        _run_settle(run)
    step.refresh_from_db()
    return step


def step_retry_mark(*, step: PipelineStep, staff: Any) -> None:
    """Mark a failed step for retry (the page's button; the worker runs it)."""
    if step.status != PipelineStep.Status.FAILED:
        raise UkaiError(
            code="ocr_step_not_failed",
            message_ja="失敗した手順だけを再試行できます。",
            message_en="Only a failed step can be retried.",
            status=409,
        )
    PipelineStep.objects.filter(pk=step.pk).update(status=PipelineStep.Status.RETRYING)
    audit_log(
        action="update",
        obj=step.run.pipeline,
        purpose=f"自動処理の手順の再試行（#{step.run_id} {step.kind}）",
    )


def pipelines_claim_due(*, now: Any = None) -> list[Pipeline]:
    """The scheduled pipelines due now, each claimed (its next time moved on) so that two workers
    never run one twice."""
    now = now or timezone.now()
    claimed = []
    due = Pipeline.objects.filter(is_active=True, every_minutes__gt=0, next_run_at__lte=now)
    for pipeline in due.select_related("template"):
        following = now + dt.timedelta(minutes=pipeline.every_minutes)
        if Pipeline.objects.filter(pk=pipeline.pk, next_run_at=pipeline.next_run_at).update(
            next_run_at=following
        ):
            pipeline.next_run_at = following
            claimed.append(pipeline)
    return claimed


def next_due_at() -> Any:
    """When the next scheduled pipeline is due (None: none is scheduled)."""
    first = (
        Pipeline.objects.filter(is_active=True, every_minutes__gt=0, next_run_at__isnull=False)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    return first


def runs_waiting_ready() -> list[PipelineRun]:
    """Runs whose pages are all verified but whose after-steps have not run (a missed signal)."""
    waiting = PipelineRun.objects.filter(status=PipelineRun.Status.WAITING).select_related(
        "pipeline"
    )
    return [run for run in waiting if run_ready(run=run)]


def pipeline_list() -> Any:
    return Pipeline.objects.select_related("template").order_by("title")


def run_history(*, pipeline: Pipeline, limit: int = 30) -> list[PipelineRun]:
    return list(pipeline.runs.prefetch_related("steps", "jobs")[:limit])
