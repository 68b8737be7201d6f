"""A resident's online draft handed over at the counter (書かない窓口, ADR 0045–0047).

The resident shows a QR code (and the same code in large digits) from the draft's step or
check page; counter staff type or scan it, see the answers, may correct them and file the
application as a counter case. A code is 8 random digits and a Damm check digit, valid for
24 hours; only its keyed hash is stored and a new code replaces the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log, rate_limit_count

from .formspec import UPLOAD_TYPES, form_spec_of
from .models import Assurance, Channel, Draft, FormDefinition
from .receipts import (
    handover_code_format,
    handover_code_hash,
    handover_code_new,
    handover_code_normalize,
)
from .services import Submitted
from .tasks import case_submit
from .validation import COUNTER_SIGNATURE_KEY, FieldError, form_validate

HANDOVER_LIFETIME = timedelta(hours=24)
# Wrong codes one member of staff may type per hour: enough for typos, too few to guess
# one of the live codes (a few thousand among 10^8 at the most; ADR 0046).
WRONG_CODES_PER_HOUR = 30


class HandoverCodeInvalid(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="handover_code_invalid",
            message_ja=(
                "この引き継ぎ番号の下書きは見つかりません。番号（9桁）をもう一度確認してください。"
                "申請者の画面で新しい番号を表示した場合は、新しい番号を入力してください。"
            ),
            message_en=(
                "No draft has this hand-over code. Check the 9 digits again; if the resident "
                "showed a new code, enter the new one."
            ),
            status=404,
            field="code",
        )


class HandoverCodeExpired(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="handover_code_expired",
            message_ja=(
                "この引き継ぎ番号は有効期限（24時間）が切れています。"
                "申請者の画面で「窓口で続きを手続する」を開き、新しい番号を表示してもらってください。"
            ),
            message_en=(
                "This hand-over code has expired (after 24 hours). Ask the resident to open "
                "“Continue at the counter” on their screen to show a new code."
            ),
            status=410,
            field="code",
        )


class HandoverCodeMalformed(HandoverCodeInvalid):
    """Not nine digits, or the check digit does not match (a mistyped or swapped digit)."""

    def __init__(self) -> None:
        UkaiError.__init__(
            self,
            code="handover_code_invalid",
            message_ja=(
                "引き継ぎ番号は9桁の数字です（例：1234-5678-9）。"
                "数字が1つ違うか、入れ替わっているようです。もう一度確認してください。"
            ),
            message_en=(
                "A hand-over code has 9 digits (e.g. 1234-5678-9). A digit seems wrong or "
                "swapped; check it again."
            ),
            status=422,
            field="code",
        )


class HandoverRateLimited(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="rate_limited",
            message_ja=(
                "誤った引き継ぎ番号の入力が多すぎます。1時間ほど待ってから、もう一度お試しください。"
            ),
            message_en="Too many wrong hand-over codes. Please wait an hour and try again.",
            status=429,
            extra={"retry_after": 3600},
        )


@dataclass(frozen=True)
class HandoverCode:
    code: str  # grouped for reading out: 1234-5678-9
    expires_at: datetime

    @property
    def digits(self) -> str:
        return self.code.replace("-", "")


@dataclass(frozen=True)
class DraftRecord:
    """What the counter sees of a handed-over draft."""

    draft_id: int
    procedure_slug: str
    procedure_name: str
    form_definition: FormDefinition
    answers: dict[str, Any]  # as the resident typed them (JSON), not yet validated
    errors: list[FieldError]  # what the counter must still fix (validated as at the counter)
    email: str
    assurance: str
    created_at: datetime
    updated_at: datetime
    code_expires_at: datetime


def handover_code_issue(*, draft: Draft) -> HandoverCode:
    """A new hand-over code for the draft, valid 24 hours; the previous code stops working."""
    expires_at = timezone.now() + HANDOVER_LIFETIME
    for _attempt in range(10):
        digits = handover_code_new()
        try:
            with transaction.atomic():
                Draft.objects.filter(pk=draft.pk).update(
                    handover_code_hash=handover_code_hash(digits),
                    handover_expires_at=expires_at,
                    updated_at=timezone.now(),
                )
        except IntegrityError:
            continue  # another draft holds these digits now: draw again
        draft.handover_expires_at = expires_at
        return HandoverCode(code=handover_code_format(digits), expires_at=expires_at)
    raise RuntimeError("could not draw a unique hand-over code")


def handover_qr_svg(code: HandoverCode) -> str:
    """The code as an inline SVG QR code (it encodes the nine digits, nothing else)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        code.digits,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    svg: str = image.to_string(encoding="unicode")
    # Sized by the page's CSS; the digits next to it say the same for people and screen readers.
    return svg.replace(
        "<svg ", '<svg class="proc-qr__image" role="img" aria-hidden="true" focusable="false" ', 1
    )


def _draft_for_code(code: str, *, staff: Any) -> Draft:
    digits = handover_code_normalize(code)
    if digits is None:
        _count_wrong(staff)
        raise HandoverCodeMalformed()
    draft = (
        Draft.objects.select_related("procedure", "form_definition")
        .filter(handover_code_hash=handover_code_hash(digits))
        .first()
    )
    now = timezone.now()
    if draft is None:
        _count_wrong(staff)
        raise HandoverCodeInvalid()
    if draft.handover_expires_at is None or draft.handover_expires_at <= now:
        raise HandoverCodeExpired()
    if draft.expires_at <= now:
        raise HandoverCodeExpired()
    return draft


def _count_wrong(staff: Any) -> None:
    count = rate_limit_count(
        scope="procedures-handover",
        client_address=f"staff:{getattr(staff, 'pk', '')}",
        window_seconds=3600,
    )
    if count > WRONG_CODES_PER_HOUR:
        raise HandoverRateLimited()


def draft_by_handover_code(*, code: str, staff: Any) -> DraftRecord:
    """The draft a resident handed over at the counter (audited with its purpose).

    ``code`` as typed or scanned (dashes, spaces, full-width digits). Raises UkaiError
    ``handover_code_invalid`` (no such code, or a mistyped one) or ``handover_code_expired``.
    """
    draft = _draft_for_code(code, staff=staff)
    audit_log(
        action="read", obj=draft, purpose="窓口での下書きの引き継ぎ（引き継ぎ番号による表示）"
    )
    _cleaned, errors = form_validate(
        form_spec_of(draft.form_definition), draft.answers, at_counter=True
    )
    assert draft.handover_expires_at is not None
    return DraftRecord(
        draft_id=draft.pk,
        procedure_slug=draft.procedure.slug,
        procedure_name=draft.procedure.name,
        form_definition=draft.form_definition,
        answers=dict(draft.answers),
        errors=errors,
        email=draft.email,
        assurance=draft.assurance,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        code_expires_at=draft.handover_expires_at,
    )


def _with_draft_uploads(draft: Draft, answers: dict[str, Any]) -> dict[str, Any]:
    """Files and drawn signatures come from the draft only: staff cannot name other files.

    A signature field may instead carry the counter's single signature.
    """
    merged = dict(answers)
    for field in form_spec_of(draft.form_definition).fields():
        if field.type not in UPLOAD_TYPES:
            continue
        given = merged.get(field.key)
        if field.type == "signature" and isinstance(given, dict) and COUNTER_SIGNATURE_KEY in given:
            continue
        if field.key in draft.answers:
            merged[field.key] = draft.answers[field.key]
        else:
            merged.pop(field.key, None)
    return merged


def draft_answers_correct_at_counter(
    *, code: str, answers: dict[str, Any], staff: Any
) -> list[FieldError]:
    """Keep staff's corrections in the draft; returns what the counter must still fix."""
    draft = _draft_for_code(code, staff=staff)
    merged = _with_draft_uploads(draft, answers)
    Draft.objects.filter(pk=draft.pk).update(answers=merged, updated_at=timezone.now())
    audit_log(action="update", obj=draft, purpose="窓口での下書きの引き継ぎ（職員による修正）")
    _cleaned, errors = form_validate(form_spec_of(draft.form_definition), merged, at_counter=True)
    return errors


def draft_submit_at_counter(
    *,
    code: str,
    answers: dict[str, Any],
    staff: Any,
    status_link: Callable[[str], str] | None = None,
) -> Submitted:
    """File a handed-over draft as a counter case: validated as at the counter, the draft's
    files kept with the case, the draft deleted (one transaction).

    Raises ``FormAnswersInvalid`` (422) and changes nothing when the answers do not pass.
    ``status_link`` builds the status page's address for the confirmation e-mail.
    """
    with transaction.atomic():
        draft = _draft_for_code(code, staff=staff)
        locked = Draft.objects.select_for_update().filter(pk=draft.pk).first()
        if locked is None:  # filed by someone else a moment ago
            raise HandoverCodeInvalid()
        submitted = case_submit(
            procedure=draft.procedure,
            form_definition=draft.form_definition,
            answers=_with_draft_uploads(draft, answers),
            channel=Channel.COUNTER,
            assurance=Assurance.COUNTER,
            email=draft.email,
            status_link=status_link,
            draft=draft,
            at_counter=True,
            staff=staff,
        )
        audit_log(
            action="create",
            obj=submitted.case,
            purpose="窓口での下書きの引き継ぎ（窓口での受付）",
        )
    return submitted
