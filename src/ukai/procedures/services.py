"""Writes of the procedures module: form versions, residents' drafts and applications, staff actions."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.japanese.calendar import business_day_add
from ukai.core.service import audit_log, rate_limit_count

from .attachments import AttachmentRejected, check_content, sniff
from .attachments import scan as antivirus_scan
from .formspec import FieldSpec, FormSpec, form_spec_of, form_spec_parse
from .handover import handover_plugins
from .models import (
    CASE_TRANSITIONS,
    FINAL_STATUSES,
    Assurance,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    CaseStep,
    Draft,
    FormDefinition,
    Procedure,
    PublishedFormDefinitionError,
    RetentionRule,
)
from .receipts import receipt_number_new, secret_hash, secret_new
from .validation import FieldError, form_answers_to_json, form_validate


def form_definition_create(*, procedure: Procedure, definition: dict[str, Any]) -> FormDefinition:
    """Create the next version of a procedure's form as a draft (the definition is checked)."""
    form_spec_parse(definition)
    with transaction.atomic():
        # Lock the procedure row so that two drafts never get the same number.
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        latest = procedure.form_definitions.aggregate(v=Max("version"))["v"] or 0
        return FormDefinition.objects.create(
            procedure=procedure, version=latest + 1, definition=definition
        )


def form_definition_update(
    *, form_definition: FormDefinition, definition: dict[str, Any]
) -> FormDefinition:
    """Replace a draft's definition; a published version is refused (409)."""
    form_spec_parse(definition)
    with transaction.atomic():
        locked = FormDefinition.objects.select_for_update().get(pk=form_definition.pk)
        if locked.status == FormDefinition.Status.PUBLISHED:
            raise PublishedFormDefinitionError()
        locked.definition = definition
        locked.save(update_fields=["definition"])
    return locked


def form_definition_publish(*, form_definition: FormDefinition) -> FormDefinition:
    """Publish a draft: from now on it never changes and new submissions use it."""
    with transaction.atomic():
        locked = FormDefinition.objects.select_for_update().get(pk=form_definition.pk)
        if locked.status == FormDefinition.Status.PUBLISHED:
            raise UkaiError(
                code="form_definition_already_published",
                message_ja="この版はすでに公開されています。",
                message_en="This version is already published.",
                status=409,
            )
        form_spec_parse(locked.definition)
        locked.status = FormDefinition.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
    return locked


# --- residents' drafts and applications --------------------------------------------------------

DRAFT_LIFETIME = timedelta(days=30)
# The largest attachment accepted, whatever a form allows (settings can lower it).
DEFAULT_MAX_ATTACHMENT = 10_000_000
# Steps run after a submission, in order (tasks.case_steps_run); each is idempotent.
CASE_STEPS = ("pdf", "confirmation_email", "handover")
# The application as received, printed like the paper form and kept with the case.
RECEIPT_PDF_KEY = "_received_pdf"


class DraftLinkInvalid(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="draft_link_invalid",
            message_ja=(
                "このリンクは無効か、有効期限（30日）が切れています。"
                "お手数ですが、もう一度メールアドレスを入力して申請を始めてください。"
            ),
            message_en=(
                "This link is invalid or has expired (after 30 days). "
                "Please enter your e-mail address again to start the application."
            ),
            status=404,
        )


class CaseConflict(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="case_conflict",
            message_ja=(
                "この申請は、画面を開いた後にほかの職員が更新しました。"
                "最新の内容を確認してから、もう一度操作してください。"
            ),
            message_en=(
                "Someone else updated this application after you opened it. "
                "Check the latest state and try again."
            ),
            status=409,
        )


def draft_create(
    *,
    procedure: Procedure,
    form_definition: FormDefinition,
    email: str,
    assurance: str = Assurance.EMAIL,
) -> tuple[Draft, str]:
    """Start an application; returns the draft and the secret of its link (never stored)."""
    secret, digest = secret_new()
    draft = Draft.objects.create(
        token_hash=digest,
        procedure=procedure,
        form_definition=form_definition,
        email=email,
        assurance=assurance,
        expires_at=timezone.now() + DRAFT_LIFETIME,
    )
    return draft, secret


def draft_link_send(*, draft: Draft, link: str) -> None:
    """Send the link that confirms the address and resumes the application."""
    subject = f"【岐阜市 電子申請】{draft.procedure.name}：申請を始めるためのリンク"
    body = render_to_string(
        "procedures/email/draft_link.txt",
        {"procedure": draft.procedure, "link": link, "expires_at": draft.expires_at},
    )
    send_mail(subject, body, None, [draft.email])


def draft_open(*, secret: str) -> Draft:
    """The draft a link opens; the first use confirms the e-mail address."""
    draft = (
        Draft.objects.select_related("procedure", "form_definition")
        .filter(token_hash=secret_hash(secret), expires_at__gt=timezone.now())
        .first()
    )
    if draft is None:
        raise DraftLinkInvalid()
    if draft.verified_at is None:
        draft.verified_at = timezone.now()
        draft.save(update_fields=["verified_at", "updated_at"])
    return draft


def draft_open_verified(*, draft: Draft) -> None:
    """A draft whose applicant an authentication platform has verified (no e-mail link needed)."""
    draft.verified_at = timezone.now()
    draft.save(update_fields=["verified_at", "updated_at"])


def draft_answers_save(*, draft: Draft, answers: dict[str, Any]) -> None:
    draft.answers = answers
    draft.save(update_fields=["answers", "updated_at"])


def _applicant_name(spec: FormSpec, cleaned: dict[str, Any]) -> str:
    for field in spec.fields():
        if field.type == "name" and field.key in cleaned:
            value = cleaned[field.key]
            return str(value.get("name", "") if isinstance(value, dict) else value)[:200]
    return ""


class _ReceiptTaken(Exception):
    pass


@dataclass(frozen=True)
class Submitted:
    case: Case
    status_secret: str


def case_submit(
    *,
    procedure: Procedure,
    form_definition: FormDefinition,
    answers: dict[str, Any],
    channel: str,
    assurance: str,
    email: str = "",
    status_link: Callable[[str], str] | None = None,
    draft: Draft | None = None,
    queue_steps: Callable[[int], object] | None = None,
    department_code: str = "",
    at_counter: bool = False,
    staff: Any | None = None,
) -> Submitted:
    """Accept an application: validate, store it with a receipt number, queue the steps after it.

    ``department_code``, when given, routes the case to that department's inbox
    instead of the procedure's (the chatbot hands an inquiry to the entry's owner).
    ``at_counter`` validates as the counter does (``form_validate``); ``staff`` (a user) is
    recorded in the first history entry as who filed the case.

    The case, its first history entry and its pending steps are written in one
    transaction: a resident who sees a receipt number has an application that
    is complete in the database (the reliability test kills the server to check).
    Raises ``FormAnswersInvalid`` (422, with every field error) and writes nothing
    when the answers do not pass the form's rules.
    """
    spec = form_spec_of(form_definition)
    cleaned, errors = form_validate(spec, answers, at_counter=at_counter)
    if errors:
        raise FormAnswersInvalid(errors)
    stored = form_answers_to_json(spec, cleaned)
    today = timezone.localdate()
    due = (
        business_day_add(business_day_add(today, 0), procedure.processing_days)
        if procedure.processing_days
        else None
    )
    secret, digest = secret_new()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    receipt_number=receipt_number_new(),
                    procedure=procedure,
                    form_definition=form_definition,
                    department_code=department_code or procedure.department_code,
                    channel=channel,
                    assurance=assurance,
                    applicant_email=email,
                    applicant_name=_applicant_name(spec, cleaned),
                    answers=stored,
                    status_token_hash=digest,
                    submitted_at=timezone.now(),
                    due_date=due,
                )
                CaseEvent.objects.create(
                    case=case,
                    kind=CaseEvent.Kind.SUBMITTED,
                    to_status=CaseStatus.RECEIVED,
                    actor=staff,  # who filed it at the counter
                )
                payload: dict[str, Any] = {}
                if email:
                    payload = _confirmation_email(
                        case, link=status_link(secret) if status_link else ""
                    )
                CaseStep.objects.bulk_create(
                    [
                        CaseStep(case=case, name="pdf"),
                        CaseStep(case=case, name="confirmation_email", payload=payload),
                        CaseStep(case=case, name="handover"),
                    ]
                )
                if draft is not None:
                    _bind_attachments(draft=draft, case=case, stored=stored)
                    draft.delete()
                if queue_steps is not None:
                    # In the same transaction: the steps are queued if and only if the case exists.
                    queue_steps(case.pk)
            return Submitted(case=case, status_secret=secret)
        except IntegrityError:
            # A receipt number drawn twice (one chance in ~10^10 per pair): draw again.
            if Case.objects.filter(status_token_hash=digest).exists():
                raise
            continue
    raise RuntimeError("could not draw a unique receipt number")


def _confirmation_email(case: Case, *, link: str) -> dict[str, Any]:
    return {
        "to": case.applicant_email,
        "subject": f"【岐阜市 電子申請】受付番号 {case.receipt_number}：{case.procedure.name}",
        "body": render_to_string("procedures/email/received.txt", {"case": case, "link": link}),
    }


class FormAnswersInvalid(UkaiError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(
            code="answers_invalid",
            message_ja=f"入力内容に{len(errors)}件の誤りがあります。",
            message_en=f"The answers have {len(errors)} error(s).",
            status=422,
            extra={
                "errors": [
                    {
                        "field": e.path,
                        "code": e.code,
                        "detail": e.message_ja,
                        "detail_en": e.message_en,
                    }
                    for e in errors
                ]
            },
        )
        self.errors = errors


def _step_work(step: CaseStep) -> Attachment | None:
    """Do one step's work without writing to the database (a new attachment is returned unsaved)."""
    if step.name == "confirmation_email":
        if step.payload.get("to"):
            send_mail(step.payload["subject"], step.payload["body"], None, [step.payload["to"]])
        return None
    if step.name == "handover":
        handover_run(case=step.case)
        return None
    if step.name == "pdf":
        return case_pdf_archive(case=step.case, save=False)
    raise ValueError(f"unknown step {step.name!r}")


def handover_run(*, case: Case) -> None:
    """Hand the case to the configured back-office plugins (the built-in inbox needs nothing)."""
    for plugin in handover_plugins():
        plugin.handover(case)


def case_steps_run(*, case_id: int) -> list[str]:
    """Run the case's pending or failed steps in order; returns the names still not done.

    The work (PDF, e-mail, hand-over) runs outside any transaction; the outcome of every step
    is then written in one short transaction, so a busy worker takes the database's write
    lock once per case (under SQLite, web requests wait for that lock).
    """
    not_done: list[str] = []
    changed: list[CaseStep] = []
    created: list[Attachment] = []
    now = timezone.now()
    for step in CaseStep.objects.select_related("case__procedure").filter(case_id=case_id):
        if step.state == CaseStep.State.DONE:
            continue
        step.attempts += 1
        changed.append(step)
        try:
            attachment = _step_work(step)
        except Exception as exc:
            step.state = CaseStep.State.FAILED
            step.error = f"{type(exc).__name__}: {exc}"[:2000]
            not_done.append(step.name)
            continue
        if attachment is not None:
            created.append(attachment)
        step.state = CaseStep.State.DONE
        step.error = ""
        step.payload = {}  # the e-mail held the status link: do not keep it
        step.done_at = now
    for step in changed:
        step.updated_at = now
    if changed:
        with transaction.atomic():
            for attachment in created:
                attachment.save()
            CaseStep.objects.bulk_update(
                changed, ["state", "error", "attempts", "payload", "done_at", "updated_at"]
            )
    return not_done


# --- staff actions on a case ----------------------------------------------------------------


def _locked(case: Case, revision: int) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.revision != revision:
        raise CaseConflict()
    return locked


def _save(case: Case, *fields: str) -> None:
    case.revision += 1
    case.save(update_fields=[*fields, "revision", "updated_at"])


def case_status_change(
    *, case: Case, revision: int, status: str, message: str = "", note: str = "", staff: Any
) -> CaseEvent:
    """Move a case to another status (with a message to the resident and/or an internal note).

    Returns the history entry (its ``case`` is the updated case)."""
    with transaction.atomic():
        locked = _locked(case, revision)
        if status not in CASE_TRANSITIONS.get(locked.status, frozenset()):
            raise UkaiError(
                code="case_transition_invalid",
                message_ja=(
                    f"「{CaseStatus(locked.status).label}」の申請を"
                    f"「{CaseStatus(status).label if status in CaseStatus.values else status}」にはできません。"
                ),
                message_en=f"A case that is {locked.status} cannot become {status}.",
                status=409,
            )
        if status == CaseStatus.CORRECTION:
            raise UkaiError(
                code="case_correction_needs_fields",
                message_ja="補正を依頼するときは、補正する項目を選んでください。",
                message_en="Choose the fields to correct when requesting a correction.",
                status=422,
            )
        previous = locked.status
        locked.status = status
        fields = ["status"]
        if status in FINAL_STATUSES:
            locked.completed_at = timezone.now()
            fields.append("completed_at")
        if previous == CaseStatus.CORRECTION:
            locked.correction_paths = []
            fields.append("correction_paths")
        _save(locked, *fields)
        event = CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.STATUS,
            from_status=previous,
            to_status=status,
            message=message,
            note=note,
            actor=staff,
        )
        audit_log(action="update", obj=locked, fields=["status"], purpose="申請の状態の変更")
    return event


def case_correction_request(
    *, case: Case, revision: int, paths: list[str], message: str, staff: Any
) -> CaseEvent:
    """Ask the resident to correct the named fields (補正依頼); only those reopen.

    Returns the history entry (its ``case`` is the updated case)."""
    spec = form_spec_of(case.form_definition)
    known = {f.key for f in spec.fields() if f.type not in {"file", "signature"}}
    chosen = [p for p in dict.fromkeys(paths) if p in known]
    if not chosen or len(chosen) != len(set(paths)):
        raise UkaiError(
            code="case_correction_fields_invalid",
            message_ja="補正する項目を、この申請の項目から1つ以上選んでください。",
            message_en="Choose one or more of this application's fields to correct.",
            status=422,
            field="paths",
        )
    if not message.strip():
        raise UkaiError(
            code="case_correction_message_required",
            message_ja="申請者へのメッセージ（補正の内容）を入力してください。",
            message_en="Write the message to the applicant (what to correct).",
            status=422,
            field="message",
        )
    with transaction.atomic():
        locked = _locked(case, revision)
        if CaseStatus.CORRECTION not in CASE_TRANSITIONS.get(locked.status, frozenset()):
            raise UkaiError(
                code="case_transition_invalid",
                message_ja=f"「{CaseStatus(locked.status).label}」の申請には補正を依頼できません。",
                message_en=f"A case that is {locked.status} cannot be sent back for correction.",
                status=409,
            )
        previous = locked.status
        locked.status = CaseStatus.CORRECTION
        locked.correction_paths = chosen
        locked.correction_message = message.strip()
        _save(locked, "status", "correction_paths", "correction_message")
        event = CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.CORRECTION_REQUESTED,
            from_status=previous,
            to_status=CaseStatus.CORRECTION,
            message=message.strip(),
            paths=chosen,
            actor=staff,
        )
        audit_log(action="update", obj=locked, fields=["status"], purpose="補正の依頼")
    return event


def case_correct(*, case: Case, answers: dict[str, Any]) -> Case:
    """The resident's correction: only the reopened fields change; the case goes back to 審査中.

    ``answers`` holds the reopened fields as typed. Raises ``FormAnswersInvalid``
    and changes nothing when the corrected application does not pass the form's rules.
    """
    spec = form_spec_of(case.form_definition)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.CORRECTION:
            raise UkaiError(
                code="case_not_in_correction",
                message_ja="この申請は補正の受付中ではありません。状態をご確認ください。",
                message_en="This application is not waiting for a correction.",
                status=409,
            )
        merged = dict(locked.answers)
        for key in locked.correction_paths:
            if key in answers:
                merged[key] = answers[key]
            else:
                merged.pop(key, None)
        cleaned, errors = form_validate(spec, merged)
        if errors:
            raise FormAnswersInvalid(errors)
        stored = form_answers_to_json(spec, cleaned)
        changed = [k for k in locked.correction_paths if stored.get(k) != locked.answers.get(k)]
        locked.answers = stored
        locked.applicant_name = _applicant_name(spec, cleaned)
        paths = locked.correction_paths
        locked.correction_paths = []
        locked.status = CaseStatus.REVIEWING
        _save(locked, "answers", "applicant_name", "correction_paths", "status")
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.CORRECTED,
            from_status=CaseStatus.CORRECTION,
            to_status=CaseStatus.REVIEWING,
            paths=changed or paths,
        )
    return locked


def case_assign(*, case: Case, revision: int, staff: Any, assignee: Any) -> Case:
    with transaction.atomic():
        locked = _locked(case, revision)
        locked.assigned_to = assignee
        _save(locked, "assigned_to")
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.ASSIGNED,
            note=str(assignee) if assignee is not None else "",
            actor=staff,
        )
    return locked


def case_note_add(*, case: Case, note: str, staff: Any) -> CaseEvent:
    note = note.strip()
    if not note:
        raise UkaiError(
            code="case_note_empty",
            message_ja="メモを入力してください。",
            message_en="Write the note.",
            status=422,
            field="note",
        )
    return CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.NOTE, note=note[:5000], actor=staff
    )


def draft_link_rate_limit(*, client_address: str) -> None:
    """Count one link e-mail from this client; UkaiError 429 beyond the hourly limit.

    Sending mail to any address is what spammers look for.
    """
    limit = int(getattr(settings, "UKAI_PROCEDURES_LINKS_PER_HOUR", 10))
    count = rate_limit_count(
        scope="procedures-links", client_address=client_address, window_seconds=3600
    )
    if count > limit:
        raise UkaiError(
            code="rate_limited",
            message_ja=(
                "短い時間にメールの送信が多すぎます。1時間ほど待ってから、もう一度お試しください。"
            ),
            message_en="Too many e-mails in a short time. Please wait an hour and try again.",
            status=429,
            extra={"retry_after": 3600},
        )


def draft_link_renew(*, draft: Draft) -> str:
    """A new secret for the draft's link (the old link stops working); returns the secret."""
    secret, digest = secret_new()
    draft.token_hash = digest
    draft.expires_at = timezone.now() + DRAFT_LIFETIME
    draft.save(update_fields=["token_hash", "expires_at", "updated_at"])
    return secret


NOTIFIED_KINDS = frozenset({CaseEvent.Kind.STATUS, CaseEvent.Kind.CORRECTION_REQUESTED})


def case_event_notify(*, event_id: int) -> bool:
    """E-mail the resident that their application changed (once per event); True if sent now.

    The e-mail names the receipt number and the new state, not the status link: only a hash
    of that link is kept, and the resident has it from the confirmation e-mail.
    """
    with transaction.atomic():
        event = (
            CaseEvent.objects.select_for_update()
            .select_related("case__procedure")
            .filter(pk=event_id, notified_at__isnull=True, kind__in=NOTIFIED_KINDS)
            .first()
        )
        if event is None or not event.case.applicant_email:
            return False
        case = event.case
        subject = (
            f"【岐阜市 電子申請】受付番号 {case.receipt_number}：補正のお願い"
            if event.kind == CaseEvent.Kind.CORRECTION_REQUESTED
            else f"【岐阜市 電子申請】受付番号 {case.receipt_number}："
            f"「{CaseStatus(event.to_status).label}」になりました"
        )
        body = render_to_string("procedures/email/changed.txt", {"case": case, "event": event})
        send_mail(subject, body, None, [case.applicant_email])
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return True


# --- attachments ------------------------------------------------------------------------------


def attachment_store(*, draft: Draft, field: FieldSpec, uploaded: Any) -> dict[str, Any]:
    """Check an uploaded file by its content, scan it, store it; returns the field's answer.

    Raises ``AttachmentRejected`` (422, a message for the resident) and stores nothing when
    the file is too big, not of an accepted type, broken, or infected. A file replacing an
    earlier one of the same field deletes the earlier one.
    """
    limit = min(field.max_bytes or DEFAULT_MAX_ATTACHMENT, DEFAULT_MAX_ATTACHMENT)
    if uploaded.size > limit:
        raise AttachmentRejected(
            "file_too_large",
            f"ファイルが大きすぎます（{limit // 1_000_000} MB まで）。",
            f"The file is too large ({limit // 1_000_000} MB at most).",
        )
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise AttachmentRejected(
            "file_too_large",
            f"ファイルが大きすぎます（{limit // 1_000_000} MB まで）。",
            f"The file is too large ({limit // 1_000_000} MB at most).",
        )
    return _attachment_save(draft=draft, field=field, data=data, name=str(uploaded.name or ""))


SIGNATURE_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 1_000_000


def signature_png(data_url: str) -> bytes:
    """The PNG of a signature drawn on the screen (the browser canvas's data URL).

    Raises ``AttachmentRejected`` (``signature_invalid``) for anything that is not one.
    """
    invalid = AttachmentRejected(
        "signature_invalid",
        "署名を読み取れませんでした。もう一度署名してください。",
        "The signature could not be read; please sign again.",
    )
    if (
        not data_url.startswith(SIGNATURE_PREFIX)
        or len(data_url) > MAX_SIGNATURE_BYTES * 4 // 3 + 64
    ):
        raise invalid
    try:
        data = base64.b64decode(data_url[len(SIGNATURE_PREFIX) :], validate=True)
    except ValueError as exc:
        raise invalid from exc
    sniffed = sniff(data[:16])
    if sniffed is None or sniffed.content_type != "image/png":
        raise invalid
    return data


def signature_store(*, draft: Draft, field: FieldSpec, data_url: str) -> dict[str, Any]:
    """A signature drawn on the screen (a PNG from the browser's canvas), kept like an attachment."""
    return _attachment_save(
        draft=draft,
        field=field,
        data=signature_png(data_url),
        name="署名.png",
        accept=["image/png"],
    )


def _attachment_save(
    *, draft: Draft, field: FieldSpec, data: bytes, name: str, accept: list[str] | None = None
) -> dict[str, Any]:
    sniffed = check_content(data, accept=accept if accept is not None else field.accept)
    scanned_by = antivirus_scan(data)
    name = _safe_name(name, sniffed.label)
    attachment = Attachment(
        draft=draft,
        field_key=field.key,
        name=name,
        content_type=sniffed.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scanned_by=scanned_by,
    )
    attachment.file.save(str(attachment.pk), ContentFile(data), save=False)
    with transaction.atomic():
        attachment.save()
        for old in Attachment.objects.filter(draft=draft, field_key=field.key).exclude(
            pk=attachment.pk
        ):
            attachment_delete(attachment=old)
    return {
        "attachment": str(attachment.pk),
        "name": name,
        "type": sniffed.content_type,
        "size": len(data),
    }


def attachment_delete(*, attachment: Attachment) -> None:
    storage_name = attachment.file.name
    attachment.delete()
    if storage_name:
        transaction.on_commit(lambda: attachment.file.storage.delete(storage_name))


def _safe_name(name: str, label: str) -> str:
    """The file name shown to staff: its last path part, printable, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return base[:120].strip() or f"添付ファイル（{label}）"


def _bind_attachments(*, draft: Draft, case: Case, stored: dict[str, Any]) -> None:
    """Move the draft's files that the answers name to the case; drop the others."""
    named = {
        value["attachment"]
        for value in stored.values()
        if isinstance(value, dict) and "attachment" in value
    }
    for attachment in Attachment.objects.filter(draft=draft):
        if str(attachment.pk) in named:
            attachment.case = case
            attachment.draft = None
            attachment.save(update_fields=["case", "draft"])
        else:
            attachment_delete(attachment=attachment)


def attachment_clear(*, draft: Draft, field_key: str) -> None:
    """「取り消す」: the resident removes the file of a field before submitting."""
    for attachment in Attachment.objects.filter(draft=draft, field_key=field_key[:63]):
        attachment_delete(attachment=attachment)


# --- retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionSummary:
    anonymised: int
    deleted: int
    drafts_deleted: int


ANONYMISED_MARK = "_anonymised"


def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> RetentionSummary:
    """Apply the retention rules to finished cases and delete expired drafts; audited in batches."""
    now = now or timezone.now()
    rules = list(RetentionRule.objects.all())
    defaults = {r.status: r for r in rules if r.procedure_id is None}
    own = {(r.procedure_id, r.status): r for r in rules if r.procedure_id is not None}
    to_delete: list[Case] = []
    to_anonymise: list[Case] = []
    finished = Case.objects.filter(status__in=FINAL_STATUSES, completed_at__isnull=False).exclude(
        answers__has_key=ANONYMISED_MARK
    )
    for case in finished.only("pk", "receipt_number", "procedure_id", "status", "completed_at"):
        rule = own.get((case.procedure_id, case.status)) or defaults.get(case.status)
        if rule is None or case.completed_at is None:
            continue
        if case.completed_at + timedelta(days=rule.days) > now:
            continue
        (to_delete if rule.action == RetentionRule.Action.DELETE else to_anonymise).append(case)
    drafts = Draft.objects.filter(expires_at__lte=now)
    summary = RetentionSummary(len(to_anonymise), len(to_delete), drafts.count())
    if dry_run:
        return summary
    for batch in _batches(to_anonymise):
        with transaction.atomic():
            for case in batch:
                _case_anonymise(case)
            audit_log(
                action="anonymise",
                object_type="procedures.case",
                object_id=",".join(c.receipt_number for c in batch)[:200],
                fields=list(Case.personal_data_fields),
                purpose=f"保存期間の経過による匿名化（{len(batch)}件）",
            )
    for batch in _batches(to_delete):
        with transaction.atomic():
            for case in batch:
                for attachment in case.attachments.all():
                    attachment_delete(attachment=attachment)
            Case.objects.filter(pk__in=[c.pk for c in batch]).delete()
            audit_log(
                action="delete",
                object_type="procedures.case",
                object_id=",".join(c.receipt_number for c in batch)[:200],
                purpose=f"保存期間の経過による削除（{len(batch)}件）",
            )
    with transaction.atomic():
        for draft in drafts:
            for attachment in draft.attachments.all():
                attachment_delete(attachment=attachment)
        drafts.delete()
    return summary


def _batches(cases: list[Case], size: int = 200) -> list[list[Case]]:
    return [cases[i : i + size] for i in range(0, len(cases), size)]


def _case_anonymise(case: Case) -> None:
    """Keep what the plan's statistics need (procedure, channel, dates, state); drop the rest."""
    for attachment in case.attachments.all():
        attachment_delete(attachment=attachment)
    Case.objects.filter(pk=case.pk).update(
        answers={ANONYMISED_MARK: timezone.localdate().isoformat()},
        applicant_name="",
        applicant_email="",
        correction_message="",
        correction_paths=[],
    )
    CaseEvent.objects.filter(case=case).update(message="", note="")
    CaseStep.objects.filter(case=case).update(payload={}, error="")


def case_pdf_archive(*, case: Case, save: bool = True) -> Attachment:
    """Keep the application as received, printed like the paper form (once; later runs reuse it).

    The case page's PDF shows the current answers (after any 補正); this copy is the record
    of what arrived.
    """
    existing = Attachment.objects.filter(case=case, field_key=RECEIPT_PDF_KEY).first()
    if existing is not None:
        return existing
    from .pdf import case_pdf  # WeasyPrint loads on first use

    data = case_pdf(case)
    attachment = Attachment(
        case=case,
        field_key=RECEIPT_PDF_KEY,
        name=f"{case.receipt_number}_受付時.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scanned_by="",
    )
    attachment.file.save(str(attachment.pk), ContentFile(data), save=False)
    if save:
        attachment.save()
    return attachment


SCAN_KEY = "_scan"


def case_scan_attach(*, case: Case, name: str, data: bytes) -> Attachment:
    """Keep the scanned paper form with a case filed from paper (the OCR module calls this)."""
    sniffed = check_content(data, accept=["image/png", "image/jpeg", "application/pdf"])
    attachment = Attachment(
        case=case,
        field_key=SCAN_KEY,
        name=_safe_name(name, sniffed.label),
        content_type=sniffed.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scanned_by="",
    )
    attachment.file.save(str(attachment.pk), ContentFile(data), save=False)
    attachment.save()
    return attachment
