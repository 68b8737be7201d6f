"""Writes of the counter: life events, and a visit from identification to the cases it files.

Every visit change takes the revision staff saw; a stale one raises
``VisitConflict`` (two staff on one visit). ``visit_finish`` files every
procedure in one transaction: all cases exist, or none does.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.wareki import wareki_parse
from ukai.core.service import audit_log
from ukai.procedures import service as procedures
from ukai.residents import service as residents

from . import lifeevents
from .models import Baseline, LifeEvent, Visit, VisitStatus, VisitStep
from .prefill import Context, Person, leaves, prefill, prefilled_kept
from .queue import service as queue

IDENTITY_PURPOSE = "窓口での本人確認（書かない窓口）"
PREFILL_PURPOSE = "申請書の記入支援（書かない窓口）"
MAX_PERSONS = 15


class VisitConflict(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="visit_conflict",
            message_ja=(
                "この来庁記録は、別の職員が先に更新しました。最新の内容を表示しましたので、"
                "確認してからもう一度操作してください。"
            ),
            message_en=(
                "Another member of staff updated this visit first. The latest version is shown; "
                "check it and try again."
            ),
            status=409,
        )


class VisitClosed(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="visit_closed",
            message_ja="この来庁記録は完了または取消済みのため、変更できません。",
            message_en="This visit is finished or cancelled and cannot be changed.",
            status=409,
        )


class HouseholdChanged(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="household_changed",
            message_ja=(
                "本人確認の後に、住民記録システムでこの世帯の記録が更新されました。申請は"
                "作成していません。本人確認からやり直して、最新の記録で確認してください。"
            ),
            message_en=(
                "The household's records changed in the resident system after identification. "
                "No application was filed. Identify the resident again to use the latest records."
            ),
            status=409,
        )


class ResidentNotFound(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="resident_not_found",
            message_ja=(
                "該当する住民記録が見つかりません。氏名・生年月日を確認して検索し直してください"
                "（転入の方は「記録にない方（転入）」から入力します）。"
            ),
            message_en=(
                "No matching resident record. Check the name and date of birth and search again "
                "(people moving in are entered under “Not in the records (moving in)”)."
            ),
            status=404,
        )


class FormsInvalid(UkaiError):
    def __init__(self, errors: dict[str, list[Any]]) -> None:
        count = sum(len(e) for e in errors.values())
        super().__init__(
            code="forms_invalid",
            message_ja=f"申請書に確認が必要な項目が{count}件あります。申請は作成していません。",
            message_en=f"{count} fields of the forms need attention. No application was filed.",
            status=422,
            extra={"errors": {k: [e.path for e in v] for k, v in errors.items()}},
        )
        self.errors = errors


class InterviewInvalid(UkaiError):
    def __init__(self, errors: dict[str, tuple[str, str]]) -> None:
        super().__init__(
            code="interview_invalid",
            message_ja=f"聞き取りの回答に確認が必要な項目が{len(errors)}件あります。",
            message_en=f"{len(errors)} answers of the interview need attention.",
            status=422,
        )
        self.errors = errors


class LifeEventTestsFailed(UkaiError):
    def __init__(self, results: list[lifeevents.CaseResult]) -> None:
        failed = [r for r in results if not r.passed]
        super().__init__(
            code="life_event_tests_failed",
            message_ja=f"テストケース{len(failed)}件が期待どおりになりません。保存していません。",
            message_en=f"{len(failed)} test cases do not give the expected procedures. Not saved.",
            status=422,
        )
        self.results = results


# --- Life events ---------------------------------------------------------------------------


def _unknown_procedures(spec: lifeevents.LifeEventSpec) -> list[str]:
    return sorted(
        slug
        for slug in spec.procedures_named()
        if procedures.procedure_by_slug(slug, published_only=False) is None
    )


def life_event_check(
    definition: object,
) -> tuple[lifeevents.LifeEventSpec, list[lifeevents.CaseResult]]:
    """Parse a definition and run its tests; raise ``LifeEventInvalid`` for any problem of form."""
    spec = lifeevents.life_event_parse(definition)
    unknown = _unknown_procedures(spec)
    if unknown:
        raise lifeevents.LifeEventInvalid(
            [
                {"loc": "rules", "message": f"手続 {slug!r} は手続の一覧にありません。"}
                for slug in unknown
            ]
        )
    return spec, lifeevents.cases_run(spec)


def life_event_update(
    *, event: LifeEvent, revision: int, definition: object, staff: Any
) -> LifeEvent:
    """Save a new definition if it parses, names existing procedures and passes its own tests."""
    _spec, results = life_event_check(definition)
    if not all(r.passed for r in results):
        raise LifeEventTestsFailed(results)
    with transaction.atomic():
        updated = LifeEvent.objects.filter(pk=event.pk, revision=revision).update(
            spec=definition, revision=revision + 1, updated_by=staff, updated_at=timezone.now()
        )
        if not updated:
            raise VisitConflict()
        event.refresh_from_db()
        audit_log(action="update", obj=event, purpose="ライフイベントの規則の更新")
    return event


def life_events_seed(events: list[dict[str, Any]]) -> tuple[int, int]:
    """Create the demo life events (existing ones are left as staff edited them)."""
    created = unchanged = 0
    for order, data in enumerate(events):
        lifeevents.life_event_parse(data["spec"])
        _event, made = LifeEvent.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "name_en": data.get("name_en", ""),
                "description": data.get("description", ""),
                "description_en": data.get("description_en", ""),
                "spec": data["spec"],
                "order": order,
            },
        )
        created += int(made)
        unchanged += int(not made)
    return created, unchanged


# --- Visits ----------------------------------------------------------------------------------


def _locked(visit: Visit, revision: int) -> Visit:
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if current.status != VisitStatus.OPEN:
        raise VisitClosed()
    if current.revision != revision:
        raise VisitConflict()
    return current


def _save(visit: Visit, *fields: str) -> None:
    visit.revision += 1
    visit.save(update_fields=[*fields, "revision", "updated_at"])


def visit_start(
    *,
    life_event: LifeEvent,
    staff: Any,
    ticket_id: int | None = None,
    ticket_number: str = "",
) -> Visit:
    """Open a visit; a ticket only called so far starts its service at the desk that called it."""
    if ticket_id is not None:
        ticket = queue.ticket_get(ticket_id=ticket_id)
        desk_id = ticket.current.desk_id
        if ticket.status == "called" and desk_id is not None:
            queue.service_start(ticket_id=ticket_id, desk_id=desk_id, staff=staff)
        ticket_number = ticket.number
    visit = Visit.objects.create(
        life_event=life_event,
        life_event_spec=life_event.spec,
        started_by=staff,
        ticket_id=ticket_id,
        ticket_number=ticket_number,
    )
    audit_log(action="create", obj=visit, purpose="書かない窓口の受付")
    return visit


def _sex(code: str) -> str:
    return {"1": "male", "2": "female"}.get(code, "")


def _person_of(record: Any) -> Person:
    return Person(
        name=record.name,
        kana=record.name_kana,
        birth_date=record.birth_date.isoformat(),
        sex=_sex(record.sex),
        relationship=record.relationship,
        person_id=record.person_id,
    )


def _household_digest(household: Any) -> str:
    rows = sorted(
        (m.person_id, m.name, m.birth_date.isoformat(), m.relationship, m.status, m.address)
        for m in household.members
    )
    payload = json.dumps([household.household_number, household.address, rows], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def visit_identify(
    *, visit: Visit, revision: int, applicant_id: str, concerned_ids: list[str], staff: Any
) -> Visit:
    """Identity checked against the records: the applicant, their household, the people concerned."""
    with transaction.atomic():
        visit = _locked(visit, revision)
        applicant = residents.resident_by_id(person_id=applicant_id, purpose=IDENTITY_PURPOSE)
        if applicant is None or not applicant.is_active:
            raise ResidentNotFound()
        household = residents.household_of(resident=applicant, purpose=IDENTITY_PURPOSE)
        if household is None:
            raise ResidentNotFound()
        members = {m.person_id: m for m in household.members if m.is_active}
        # The people the life event concerns (the deceased, the children changing school …);
        # the applicant, who is at the counter, is one of them only when ticked.
        chosen = [members[i] for i in concerned_ids if i in members] or [
            members[applicant.person_id]
        ]
        visit.household_number = household.household_number
        visit.household_digest = _household_digest(household)
        visit.persons = [_person_of(m).as_dict() for m in chosen]
        visit.contact = {
            **visit.contact,
            "applicant": _person_of(applicant).as_dict(),
            "postal_code": household.postal_code,
            "address": household.address,
            "head_name": household.head_name,
        }
        visit.step = VisitStep.INTERVIEW
        _save(visit, "household_number", "household_digest", "persons", "contact", "step")
    return visit


def _person_checked(raw: dict[str, Any], index: int) -> tuple[Person | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = str(raw.get("name") or "").strip()
    kana = str(raw.get("kana") or "").strip()
    birth = str(raw.get("birth_date") or "").strip()
    if not (name or kana or birth):
        return None, errors
    if not name:
        errors[f"p{index}-name"] = "氏名を入力してください。 / Enter the name."
    parsed = ""
    try:
        day = wareki_parse(birth) if birth else None
        if day is None:
            errors[f"p{index}-birth_date"] = (
                "生年月日を入力してください。 / Enter the date of birth."
            )
        elif day > timezone.localdate():
            errors[f"p{index}-birth_date"] = (
                "生年月日が未来の日付です。 / The date of birth is in the future."
            )
        else:
            parsed = day.isoformat()
    except JapaneseInputError as exc:
        errors[f"p{index}-birth_date"] = f"{exc.message_ja} / {exc.message_en}"
    sex = str(raw.get("sex") or "")
    return (
        Person(
            name=name,
            kana=kana,
            birth_date=parsed,
            sex=sex if sex in {"male", "female"} else "",
            relationship=str(raw.get("relationship") or "").strip()[:20],
        ),
        errors,
    )


def visit_identify_manual(
    *,
    visit: Visit,
    revision: int,
    persons: list[dict[str, Any]],
    contact: dict[str, str],
    staff: Any,
) -> Visit:
    """People not in the records yet (転入): typed from the 転出証明書 or read from the card."""
    errors: dict[str, str] = {}
    people: list[Person] = []
    for index, raw in enumerate(persons[:MAX_PERSONS]):
        person, problems = _person_checked(raw, index)
        errors.update(problems)
        if person is not None:
            people.append(person)
    if not people and not errors:
        errors["p0-name"] = "届け出る方を1人以上入力してください。 / Enter at least one person."
    if errors:
        raise InterviewInvalid({k: tuple(v.split(" / ", 1)) for k, v in errors.items()})  # type: ignore[misc]
    with transaction.atomic():
        visit = _locked(visit, revision)
        visit.household_number = ""
        visit.household_digest = ""
        visit.persons = [p.as_dict() for p in people]
        visit.contact = {
            **visit.contact,
            **{k: v.strip()[:200] for k, v in contact.items()},
            "applicant": people[0].as_dict(),
        }
        visit.step = VisitStep.INTERVIEW
        _save(visit, "household_number", "household_digest", "persons", "contact", "step")
        audit_log(action="update", obj=visit, purpose=IDENTITY_PURPOSE)
    return visit


def visit_spec(visit: Visit) -> lifeevents.LifeEventSpec:
    return lifeevents.life_event_parse(visit.life_event_spec)


def visit_event_date(visit: Visit, spec: lifeevents.LifeEventSpec | None = None) -> date:
    spec = spec or visit_spec(visit)
    for question in spec.questions:
        if question.event_date and visit.answers.get(question.key):
            try:
                return date.fromisoformat(str(visit.answers[question.key]))
            except ValueError:
                break
    return timezone.localdate()


def visit_facts(visit: Visit, *, on: date | None = None) -> dict[str, int]:
    births = []
    for raw in visit.persons:
        try:
            births.append(date.fromisoformat(raw.get("birth_date", "")))
        except ValueError:
            continue
    return lifeevents.facts_of(births, on=on or visit_event_date(visit))


def _answer_checked(question: lifeevents.Question, raw: str) -> tuple[Any, tuple[str, str] | None]:
    raw = raw.strip()
    if not raw:
        if question.required:
            return None, ("回答を選ぶか入力してください。", "Answer this question.")
        return None, None
    if question.type in {"yes_no", "choice"}:
        if raw not in question.choice_values():
            return None, ("選択肢から選んでください。", "Choose one of the options.")
        return raw, None
    if question.type == "date":
        try:
            return wareki_parse(raw).isoformat(), None
        except JapaneseInputError as exc:
            return None, (exc.message_ja, exc.message_en)
    if question.type == "number":
        try:
            return int(raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))), None
        except ValueError:
            return None, ("数字で入力してください。", "Enter a number.")
    return raw[:500], None


def visit_interview_save(
    *, visit: Visit, revision: int, raw_answers: dict[str, str], staff: Any
) -> Visit:
    """Check the answers of the questions shown; on success the procedures are decided."""
    spec = visit_spec(visit)
    answers: dict[str, Any] = {}
    errors: dict[str, tuple[str, str]] = {}
    # Questions are shown in order, so a question's visibility depends on the answers before it.
    facts = visit_facts(visit)
    for question in spec.questions:
        if question.show_when is not None and not lifeevents.condition_holds(
            question.show_when, answers, facts
        ):
            continue
        value, error = _answer_checked(question, raw_answers.get(question.key, ""))
        if error:
            errors[question.key] = error
        elif value is not None:
            answers[question.key] = value
            if question.event_date:
                facts = lifeevents.facts_of(
                    [
                        date.fromisoformat(p["birth_date"])
                        for p in visit.persons
                        if p.get("birth_date")
                    ],
                    on=date.fromisoformat(value),
                )
    if errors:
        raise InterviewInvalid(errors)
    with transaction.atomic():
        visit = _locked(visit, revision)
        visit.answers = answers
        suggestions = lifeevents.determine(spec, answers, visit_facts(visit))
        catalog = catalog_summary()
        visit.procedures = [_suggested(s, catalog.get(s.procedure)) for s in suggestions]
        visit.step = VisitStep.PROCEDURES
        _save(visit, "answers", "procedures", "step")
    return visit


CATALOG_CACHE_SECONDS = 60


def catalog_summary() -> dict[str, tuple[str, str]]:
    """Published procedures by slug: (name, department code), read once a minute per process.

    Deciding the procedures is on the counter's hot path; a procedure published or
    withdrawn shows here within a minute (and ``procedure_form`` checks it again
    before a form is made).
    """
    summary = cache.get("counter:catalog")
    if summary is None:
        summary = {p.slug: (p.name, p.department_code) for p in procedures.procedure_search()}
        cache.set("counter:catalog", summary, CATALOG_CACHE_SECONDS)
    return summary  # type: ignore[no-any-return]


def _suggested(
    suggestion: lifeevents.Suggestion, procedure: tuple[str, str] | None
) -> dict[str, Any]:
    return {
        "slug": suggestion.procedure,
        "name": procedure[0] if procedure else suggestion.procedure,
        "department_code": procedure[1] if procedure else "",
        "reasons": suggestion.reasons,
        "reasons_en": suggestion.reasons_en,
        "in_person": suggestion.in_person,
        "source": "rule",
        "selected": procedure is not None,
        "available": procedure is not None,
    }


def applicant_of(visit: Visit) -> Person:
    """The person at the counter (for a visit identified before it was kept: the first concerned)."""
    if visit.contact.get("applicant"):
        return Person.from_dict(visit.contact["applicant"])
    return Person.from_dict(visit.persons[0]) if visit.persons else Person(name="")


def _context(visit: Visit) -> Context:
    people = tuple(Person.from_dict(p) for p in visit.persons)
    contact = visit.contact
    applicant = applicant_of(visit)
    return Context(
        applicant=applicant,
        people=people,
        event_date=visit_event_date(visit).isoformat(),
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        postal_code=contact.get("postal_code", ""),
        address=contact.get("address", ""),
        # Identified from the records: the recorded address is the one before a move.
        former_address=contact.get("former_address", "")
        or (contact.get("address", "") if visit.household_number else ""),
        former_municipality=contact.get("former_municipality", ""),
        head_name=contact.get("head_name", "") or applicant.name,
        answers=visit.answers,
        fields=visit_spec(visit).prefilled_fields(visit.answers),
    )


def procedure_form(slug: str) -> tuple[Any, Any, Any] | None:
    procedure = procedures.procedure_by_slug(slug)
    if procedure is None:
        return None
    form = procedures.form_definition_current(procedure=procedure)
    if form is None:
        return None
    # Parsed once per process for a published version (the forms page asks for it often).
    return procedure, form, procedures.form_spec_of(form)


def visit_procedures_save(
    *, visit: Visit, revision: int, selected: list[str], added: list[str], staff: Any
) -> Visit:
    """Staff keep, remove or add procedures; each kept one gets its form prefilled."""
    with transaction.atomic():
        visit = _locked(visit, revision)
        chosen = set(selected)
        rows = []
        for row in visit.procedures:
            rows.append({**row, "selected": row["slug"] in chosen and row.get("available", True)})
        known = {row["slug"] for row in rows}
        for slug in added:
            if not slug or slug in known:
                continue
            procedure = procedures.procedure_by_slug(slug)
            if procedure is None:
                raise UkaiError(
                    code="procedure_unknown",
                    message_ja="追加しようとした手続が見つかりません。",
                    message_en="The procedure to add was not found.",
                    status=422,
                )
            rows.append(
                {
                    "slug": slug,
                    "name": procedure.name,
                    "department_code": procedure.department_code,
                    "reasons": ["職員が追加"],
                    "reasons_en": ["Added by staff"],
                    "in_person": False,
                    "source": "staff",
                    "selected": True,
                    "available": True,
                }
            )
            known.add(slug)
        if not any(row["selected"] for row in rows):
            raise UkaiError(
                code="no_procedure",
                message_ja="手続を1件以上選んでください。",
                message_en="Choose at least one procedure.",
                status=422,
            )
        context = _context(visit)
        today = timezone.localdate()
        prefilled: dict[str, Any] = {}
        forms: dict[str, Any] = {}
        for row in rows:
            if not row["selected"]:
                continue
            found = procedure_form(row["slug"])
            if found is None:
                row["selected"] = False
                row["available"] = False
                continue
            answers = prefill(found[2], context, today=today)
            prefilled[row["slug"]] = answers
            # Answers staff already corrected for a procedure kept from before stay as they were.
            forms[row["slug"]] = visit.forms.get(row["slug"], answers)
        visit.procedures = rows
        visit.prefilled = prefilled
        visit.forms = forms
        visit.step = VisitStep.FORMS
        _save(visit, "procedures", "prefilled", "forms", "step")
    return visit


def visit_forms_pdf(visit: Visit) -> bytes:
    """Every selected form as one PDF to print and sign, unsigned (before the cases exist).

    ``FormAnswersInvalid`` if a form does not pass the counter's checks.
    """
    items = []
    for row in visit.procedures:
        found = procedure_form(row["slug"]) if row.get("selected") else None
        if found is not None:
            procedure, form, _spec = found
            items.append((procedure, form, visit.forms.get(row["slug"], {})))
    return procedures.cases_pdf_preview(items=items)


def visit_forms_check(visit: Visit, forms: dict[str, Any]) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    for slug, answers in forms.items():
        found = procedure_form(slug)
        if found is None:
            errors[slug] = []
            continue
        _cleaned, problems = procedures.form_validate(found[2], answers, at_counter=True)
        if problems:
            errors[slug] = problems
    return errors


def visit_forms_save(
    *, visit: Visit, revision: int, forms: dict[str, Any], staff: Any
) -> dict[str, list[Any]]:
    """Keep what staff typed (even with errors, so nothing is lost); move on only when all are valid."""
    errors = visit_forms_check(visit, forms)
    with transaction.atomic():
        visit = _locked(visit, revision)
        visit.forms = forms
        if not errors:
            visit.step = VisitStep.SIGN
        _save(visit, "forms", "step")
    return errors


def signed(spec: Any, answers: dict[str, Any], *, visit: Visit) -> dict[str, Any]:
    """The answers with the form's signature fields marked as signed once at the counter."""
    reference = f"書かない窓口 来庁{visit.pk}"
    fields = [f.key for f in spec.fields() if f.type == "signature"]
    return {**answers, **{key: procedures.counter_signature(reference) for key in fields}}


def visit_cancel(*, visit: Visit, revision: int, staff: Any) -> Visit:
    with transaction.atomic():
        visit = _locked(visit, revision)
        visit.status = VisitStatus.CANCELLED
        visit.finished_at = timezone.now()
        _save(visit, "status", "finished_at")
        audit_log(action="update", obj=visit, purpose="書かない窓口の来庁記録の取消")
    return visit


def visit_finish(
    *, visit: Visit, revision: int, signature: str, signed_on_paper: bool, staff: Any
) -> Visit:
    """File every selected procedure as a case of its department, in one transaction.

    Checked first, with nothing written if any check fails: the visit's revision
    (two staff), the household unchanged since identification, every form valid,
    a signature on screen or the resident's signature on the printed batch.
    """
    if not signed_on_paper and not signature:
        raise UkaiError(
            code="signature_required",
            message_ja="画面に署名していただくか、印刷した申請書への署名を確認してください。",
            message_en="Have the resident sign on the screen, or confirm they signed the printed forms.",
            status=422,
        )
    png = procedures.signature_png(signature) if signature else b""
    with transaction.atomic():
        visit = _locked(visit, revision)
        if visit.household_number:
            applicant = applicant_of(visit)
            record = residents.resident_by_id(
                person_id=applicant.person_id, purpose=PREFILL_PURPOSE
            )
            household = (
                residents.household_of(resident=record, purpose=PREFILL_PURPOSE) if record else None
            )
            if household is None or _household_digest(household) != visit.household_digest:
                raise HouseholdChanged()
        errors = visit_forms_check(visit, visit.forms)
        if errors:
            raise FormsInvalid(errors)
        receipts = []
        total = kept = 0
        for row in visit.procedures:
            if not row.get("selected"):
                continue
            found = procedure_form(row["slug"])
            if found is None:
                raise FormsInvalid({row["slug"]: []})
            procedure, form, spec = found
            answers = signed(spec, visit.forms.get(row["slug"], {}), visit=visit)
            submitted = procedures.case_submit(
                procedure=procedure,
                form_definition=form,
                answers=answers,
                channel=procedures.Channel.COUNTER,
                assurance=procedures.Assurance.COUNTER,
                email=visit.contact.get("email", ""),
                at_counter=True,
                staff=staff,
            )
            if png:
                procedures.case_scan_attach(case=submitted.case, name="署名.png", data=png)
            receipts.append(
                {
                    "slug": row["slug"],
                    "name": procedure.name,
                    "receipt": submitted.case.receipt_number,
                    "department_code": submitted.case.department_code,
                }
            )
            total += leaves(answers)
            kept += prefilled_kept(visit.prefilled.get(row["slug"]), answers)
        visit.receipts = receipts
        visit.fields_total = total
        visit.fields_prefilled = kept
        visit.signature = "paper" if signed_on_paper and not signature else "screen"
        visit.status = VisitStatus.FINISHED
        visit.step = VisitStep.DONE
        visit.finished_at = timezone.now()
        _save(
            visit,
            "receipts",
            "fields_total",
            "fields_prefilled",
            "signature",
            "status",
            "step",
            "finished_at",
        )
        audit_log(action="update", obj=visit, purpose="書かない窓口の申請の受付")
    return visit


def visit_route(*, visit: Visit, department_code: str, staff: Any) -> Visit:
    """Record that the resident was sent to another department's counter (not finished at one counter)."""
    with transaction.atomic():
        current = Visit.objects.select_for_update().get(pk=visit.pk)
        if department_code not in current.routed_departments:
            current.routed_departments = [*current.routed_departments, department_code]
            current.revision += 1
            current.save(update_fields=["routed_departments", "revision", "updated_at"])
            audit_log(action="update", obj=current, purpose="他の窓口への案内")
    return current


def baseline_add(
    *,
    life_event: LifeEvent | None,
    period_start: date,
    period_end: date,
    median_wait_minutes: float,
    median_handling_minutes: float,
    note: str,
    staff: Any,
) -> Baseline:
    """The city's figures before the counter (a period it measured), for the time reductions."""
    baseline = Baseline.objects.create(
        life_event=life_event,
        period_start=period_start,
        period_end=period_end,
        median_wait_minutes=round(median_wait_minutes, 1),
        median_handling_minutes=round(median_handling_minutes, 1),
        note=note.strip()[:300],
        entered_by=staff,
    )
    audit_log(action="create", obj=baseline, purpose="書かない窓口の基準値の登録")
    return baseline
