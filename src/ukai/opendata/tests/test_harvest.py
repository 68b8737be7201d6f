"""Harvesting from a second Ukai instance (its own database) served on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ukai.opendata import harvest
from ukai.opendata.models import Dataset, HarvestSource, Organization, Resource

PROJECT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def second_instance(tmp_path_factory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("second-ukai")
    env = dict(
        os.environ,
        UKAI_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="ukai.config.settings.test",
        PYTHONPATH=str(PROJECT / "src"),
    )
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(PROJECT / "manage.py")]
    for command in (["migrate", "-v0"], ["opendata_seed"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/api/3/action/status_show", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_harvest_imports_updates_and_skips(catalog, second_instance):
    prefecture = Organization.objects.get(name="gifu-pref")
    source = HarvestSource.objects.create(
        name="gifu-city", title="岐阜市", url=second_instance, organization=prefecture
    )
    first = harvest.harvest_run(source=source)
    assert (first.created, first.updated, first.skipped) == (15, 0, 0)
    dataset = Dataset.objects.get(name="gifu-city-aed")
    assert dataset.organization == prefecture
    assert dataset.extras["harvest_source"] == "gifu-city"
    resource = Resource.objects.get(dataset=dataset)
    assert resource.url.startswith(second_instance + "/opendata/dataset/")
    assert not resource.is_upload
    again = harvest.harvest_run(source=source)
    assert (again.created, again.unchanged) == (0, 15)
    source.refresh_from_db()
    assert source.last_status == "ok"
    assert "変更なし 15" in source.last_message


def test_harvest_failure_is_recorded_in_japanese(catalog):
    source = HarvestSource.objects.create(
        name="nowhere",
        title="存在しない",
        url=f"http://127.0.0.1:{_free_port()}",
        organization=catalog,
    )
    with pytest.raises(harvest.HarvestError) as caught:
        harvest.harvest_run(source=source)
    assert "接続できない" in caught.value.message_ja
    source.refresh_from_db()
    assert source.last_status == "failed"
    assert not Dataset.objects.exists()


def test_schedule_is_queued_once_and_due_sources_are_found(catalog):
    from datetime import timedelta

    from django.utils import timezone

    from ukai.opendata.tasks import harvest_schedule

    assert harvest_schedule() is True
    assert harvest_schedule() is False
    fresh = HarvestSource.objects.create(
        name="fresh",
        title="fresh",
        url="http://127.0.0.1:9",
        organization=catalog,
        last_run_at=timezone.now(),
    )
    stale = HarvestSource.objects.create(
        name="stale",
        title="stale",
        url="http://127.0.0.1:9",
        organization=catalog,
        last_run_at=timezone.now() - timedelta(hours=25),
    )
    due = harvest.harvest_sources_due()
    assert stale in due
    assert fresh not in due
