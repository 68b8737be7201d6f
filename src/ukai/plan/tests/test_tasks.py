import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from ukai.plan.models import CollectorRun
from ukai.plan.tasks import daily_collection_schedule, plan_collect_daily

from . import factories

pytestmark = pytest.mark.django_db


def test_the_daily_collection_is_queued_once():
    assert daily_collection_schedule() is True
    assert daily_collection_schedule() is False
    queued = DBTaskResult.objects.get(task_path=plan_collect_daily.module_path)
    assert queued.run_after is not None


def test_the_daily_task_collects_and_queues_tomorrow():
    factories.seeded_plan()
    counts = plan_collect_daily.call()
    assert sum(counts.values()) == CollectorRun.objects.count() > 0
    assert DBTaskResult.objects.filter(task_path=plan_collect_daily.module_path).count() == 1


def test_plan_collect_command(capsys):
    factories.seeded_plan()
    call_command("plan_collect")
    out = capsys.readouterr().out
    assert "translation-departments" in out
    assert "no_data" in out
    call_command("plan_collect", "--schedule")
    assert "登録しました" in capsys.readouterr().out


def test_a_plan_never_collected_is_collected_at_once_when_seeded():
    from django_tasks_db.models import get_date_max

    assert daily_collection_schedule(first_run_now=True) is True
    queued = DBTaskResult.objects.get(task_path=plan_collect_daily.module_path)
    assert queued.run_after == get_date_max()  # django-tasks-db: "no delay"
    assert DBTaskResult.objects.ready().filter(pk=queued.pk).exists()


def test_once_collected_the_seed_schedules_the_night_run():
    from django_tasks_db.models import get_date_max

    plan = factories.seeded_plan()
    indicator = plan.policies.first().measures.first().indicators.first()
    CollectorRun.objects.create(
        indicator=indicator, collector_id="x", status=CollectorRun.Status.OK
    )
    assert daily_collection_schedule(first_run_now=True) is True
    queued = DBTaskResult.objects.get(task_path=plan_collect_daily.module_path)
    assert queued.run_after != get_date_max()
    assert not DBTaskResult.objects.ready().filter(pk=queued.pk).exists()
