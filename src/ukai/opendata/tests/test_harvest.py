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


# Run in the second instance: a data set of the prefecture whose CSV links are broken — one
# points to a file that is not text (a PDF upload), one to nothing.
BROKEN_FILES = """
from ukai.opendata import services
from ukai.opendata.api import resource_url
dataset = services.dataset_create(data={"name": "broken-files", "title": "壊れたファイル",
    "owner_org": "gifu-pref", "license_id": "CC-BY-4.0"}, staff=None)
binary = services.resource_create(dataset=dataset, data={"name": "binary", "format": "PDF"},
    staff=None, upload=("binary.pdf", bytes(range(128, 256)) * 4))
services.resource_create(dataset=dataset, data={"name": "壊れたCSV", "format": "CSV",
    "url": "%(url)s" + resource_url(None, binary)}, staff=None)
services.resource_create(dataset=dataset, data={"name": "消えたCSV", "format": "CSV",
    "url": "%(url)s/no-such-file.csv"}, staff=None)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def second_instance(tmp_path_factory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("second-ukai")
    # The test settings make a new media folder per process: the seed's files must be
    # where the server looks for them.
    (data_dir / "second_settings.py").write_text(
        f"from ukai.config.settings.test import *\nMEDIA_ROOT = {str(data_dir / 'media')!r}\n",
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        UKAI_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="second_settings",
        PYTHONPATH=os.pathsep.join([str(PROJECT / "src"), str(data_dir)]),
    )
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(PROJECT / "manage.py")]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    for command in (
        ["migrate", "-v0"],
        ["opendata_seed"],
        ["shell", "-c", BROKEN_FILES % {"url": url}],
    ):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
    assert (first.created, first.updated, first.skipped) == (16, 0, 0)
    dataset = Dataset.objects.get(name="gifu-city-aed")
    assert dataset.organization == prefecture
    assert dataset.extras["harvest_source"] == "gifu-city"
    resource = Resource.objects.get(dataset=dataset)
    assert resource.url.startswith(second_instance + "/opendata/dataset/")
    assert not resource.is_upload
    again = harvest.harvest_run(source=source)
    assert (again.created, again.unchanged) == (0, 16)
    source.refresh_from_db()
    assert source.last_status == "ok"
    assert "変更なし 16" in source.last_message


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


def test_harvested_files_are_checked_like_uploads(catalog, second_instance, settings):
    settings.UKAI_OPENDATA_MAX_UPLOAD_BYTES = 3500
    prefecture = Organization.objects.get(name="gifu-pref")
    source = HarvestSource.objects.create(
        name="gifu-city", title="岐阜市", url=second_instance, organization=prefecture
    )
    result = harvest.harvest_run(source=source)
    # Four files fail (two too large, two broken); every data set is still harvested.
    assert (result.created, result.skipped) == (16, 0)
    assert result.files_refused == 4, result.messages
    assert result.files_checked == 17  # 15 CSVs of the sample catalog, 2 broken links; not the PDF
    source.refresh_from_db()
    assert source.last_status == "partial"
    assert "不合格 4" in source.last_message

    aed = Resource.objects.get(dataset__name="gifu-city-aed")
    assert aed.url.startswith(second_instance)
    assert not aed.is_upload
    assert aed.check_message == ""
    version = aed.versions.get()
    assert version.uploaded_by == "harvest"
    assert version.compliance is not None  # checked against its standard data set
    assert aed.pk in result.checked_resource_ids

    evacuation = Resource.objects.get(dataset__name="gifu-city-evacuation-sites")
    assert "ファイルが大きすぎます" in evacuation.check_message
    assert not evacuation.versions.exists()
    broken = Resource.objects.get(dataset__name="broken-files", name="壊れたCSV")
    assert "文字コードを判別できません" in broken.check_message
    missing = Resource.objects.get(dataset__name="broken-files", name="消えたCSV")
    assert "HTTP 404" in missing.check_message
    assert "The file cannot be downloaded (HTTP 404)." in missing.check_message
    listing = Resource.objects.get(dataset__name="gifu-city-opendata-list")
    assert "ファイルが大きすぎます（上限 3,500 bytes）" in listing.check_message
