from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ukai.core.health import health_check
from ukai.core.models import WorkerHeartbeat

from . import tasks_for_tests

# The worker manages its own connections and transactions, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker_batch():
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_failing_task_is_put_back_with_back_off_and_its_error_kept():
    result = tasks_for_tests.always_fails.enqueue("a")
    run_worker_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY"  # waiting for its retry
    assert len(row.worker_ids) == 1
    assert row.run_after > timezone.now()
    assert "FlakyError" in row.exception_class_path
    assert "boom a" in row.traceback


def test_a_task_that_keeps_failing_ends_failed_after_its_attempts():
    result = tasks_for_tests.fails_every_time_no_backoff.enqueue()
    run_worker_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED"
    assert len(row.worker_ids) == 2


def test_a_retry_that_succeeds_leaves_the_task_successful():
    result = tasks_for_tests.fails_once_then_succeeds.enqueue("flaky-1")
    run_worker_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == "ok"
    assert len(row.worker_ids) == 2


def test_the_worker_reports_a_heartbeat_and_health_turns_ok():
    assert health_check()["status"] == "error"  # no worker yet
    run_worker_batch()
    assert WorkerHeartbeat.objects.count() == 1
    report = health_check()
    assert report["status"] == "ok"
    assert report["checks"]["database"]["status"] == "ok"


def test_healthz_says_503_without_a_worker_and_200_with_one(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "error"
    run_worker_batch()
    assert client.get("/healthz").status_code == 200


def test_a_stale_heartbeat_does_not_count():
    WorkerHeartbeat.objects.create(
        worker_id="old", last_seen_at=timezone.now() - timedelta(minutes=10)
    )
    assert health_check()["checks"]["worker"]["status"] == "error"


def test_metrics_are_prometheus_text(client):
    client.get("/api/v1/municipality")
    body = client.get("/metrics").content.decode()
    assert "ukai_http_requests_total" in body
    assert "ukai_database_up 1.0" in body
    assert "ukai_tasks_failed" in body
