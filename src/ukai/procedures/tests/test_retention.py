"""Retention: finished applications are anonymised or deleted after their period; audited."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ukai.procedures.models import Attachment, Case, CaseStatus, Draft, RetentionRule
from ukai.procedures.tests.test_attachments import fill_and_submit_with_file, png_bytes
from ukai.procedures.tests.test_submit import fill_and_submit, gifu, staff

__all__ = ["gifu"]


def finish(case: Case, *, days_ago: int, status: str = CaseStatus.COMPLETED) -> None:
    Case.objects.filter(pk=case.pk).update(
        status=status, completed_at=timezone.now() - timedelta(days=days_ago)
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("procedures_retention", *args, stdout=out)
    return out.getvalue()


def test_old_cases_are_anonymised_recent_ones_kept(gifu):
    fill_and_submit_with_file(Client(), "免許証.png", png_bytes())
    old = Case.objects.get()
    fill_and_submit(Client())
    recent = Case.objects.exclude(pk=old.pk).get()
    finish(old, days_ago=6 * 365)
    finish(recent, days_ago=30)
    assert "匿名化 1件" in run("--dry-run")
    assert Case.objects.get(pk=old.pk).applicant_name == "髙橋 花子"  # a dry run changes nothing

    assert "匿名化 1件、削除 0件" in run()
    old.refresh_from_db()
    assert old.applicant_name == ""
    assert old.applicant_email == ""
    assert "children" not in old.answers
    assert old.status == CaseStatus.COMPLETED  # statistics keep the state and the dates
    assert old.completed_at is not None
    assert not Attachment.objects.filter(case=old).exists()
    assert Case.objects.get(pk=recent.pk).applicant_name == "髙橋 花子"
    assert "匿名化 0件" in run()  # once only

    reader = staff(Client(), "admin")
    events = reader.get("/staff/audit/", {"object_type": "procedures.case"}).context["page"]
    purposes = [e.purpose for e in events.object_list]
    assert "保存期間の経過による匿名化（1件）" in purposes


def test_a_procedure_rule_can_delete_and_expired_drafts_go(gifu):
    fill_and_submit(Client())
    case = Case.objects.get()
    finish(case, days_ago=40, status=CaseStatus.REJECTED)
    RetentionRule.objects.create(
        procedure=case.procedure, status=CaseStatus.REJECTED, days=30, action="delete"
    )
    from ukai.procedures.tests.conftest import start_application

    start_application(Client(), "juminhyo-utsushi")
    Draft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "削除 1件、期限切れの下書き 1件" in run()
    assert not Case.objects.exists()
    assert not Draft.objects.exists()


def test_the_daily_run_is_scheduled_once(gifu):
    assert "登録済み" in run("--schedule")  # ukai_demo (procedures_seed) already queued it
