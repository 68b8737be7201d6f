"""The real ``ckanapi`` client (library and command line) against the live server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, SearchQueryError, ValidationError

from ukai.opendata import services
from ukai.opendata.models import Dataset, Resource
from ukai.opendata.tests.conftest import dataset_data

CKANAPI = str(Path(sys.executable).parent / "ckanapi")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def three_datasets(catalog):
    services.dataset_create(data=dataset_data("aed", title="AED設置箇所一覧"), staff=None)
    services.dataset_create(
        data=dataset_data("evacuation", title="指定緊急避難場所一覧", tags=[{"name": "避難"}]),
        staff=None,
    )
    services.dataset_create(
        data=dataset_data("population", title="地域・年齢別人口", notes="地区別の人口", tags=[]),
        staff=None,
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    return subprocess.run(
        [CKANAPI, *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_remote_ckan_reads_and_errors(live_server, three_datasets):
    ckan = RemoteCKAN(live_server.url)
    found = ckan.action.package_search(q="人口", rows=10)
    assert found["count"] == 1
    assert found["results"][0]["name"] == "population"
    found = ckan.action.package_search(q="避難場所")
    assert [r["name"] for r in found["results"]] == ["evacuation"]
    shown = ckan.action.package_show(id="aed")
    assert shown["title"] == "AED設置箇所一覧"
    assert shown["organization"]["title"] == "岐阜市"
    assert "gifu-city" in ckan.action.organization_list()
    with pytest.raises(NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(q="title:(a OR b)")
    with pytest.raises(NotAuthorized):
        ckan.action.package_create(**dataset_data("sneaky"))
    assert not Dataset.objects.filter(name="sneaky").exists()


def test_remote_ckan_writes_with_token_and_uploads(live_server, catalog, token, tmp_path):
    ckan = RemoteCKAN(live_server.url, apikey=token)
    created = ckan.action.package_create(**dataset_data("uploaded"))
    with pytest.raises(ValidationError):
        ckan.action.package_create(**dataset_data("uploaded"))
    path = tmp_path / "aed.csv"
    path.write_bytes("名称,緯度,経度\r\n岐阜市役所,35.4163,136.7590\r\n".encode())
    with path.open("rb") as handle:
        resource = ckan.action.resource_create(
            package_id=created["id"], name="AED", format="CSV", upload=handle
        )
    assert resource["url_type"] == "upload"
    assert resource["size"] == path.stat().st_size
    import requests

    downloaded = requests.get(resource["url"], timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content == path.read_bytes()
    with path.open("rb") as handle:
        ckan.action.resource_patch(id=resource["id"], upload=handle)
    assert Resource.objects.get(pk=resource["id"]).versions.count() == 2


def test_cli_dump_and_load(live_server, three_datasets, token, tmp_path):
    out = tmp_path / "datasets.jsonl"
    dumped = _cli("dump", "datasets", "--all", "-q", "-O", str(out), "-r", live_server.url)
    assert dumped.returncode == 0, dumped.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["name"] for r in records) == ["aed", "evacuation", "population"]

    # Update one data set and create a new one from the same file format.
    for record in records:
        if record["name"] == "aed":
            record["title"] = "AED設置箇所一覧（更新）"
    new = dict(next(r for r in records if r["name"] == "population"))
    for key in ("id", "resources"):
        new.pop(key)
    new["name"] = "population-copy"
    records.append(new)
    out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    loaded = _cli("load", "datasets", "-I", str(out), "-r", live_server.url, "-a", token)
    assert loaded.returncode == 0, loaded.stderr
    print(loaded.stdout)
    # ckanapi reports one line per record: "<n> [<worker>] <time> <action> <error> <name>".
    replies = sorted(
        tuple(line.split()[-3:-1]) for line in loaded.stderr.splitlines() if line.strip()
    )
    assert replies == [
        ("create", "None"),
        ("update", "None"),
        ("update", "None"),
        ("update", "None"),
    ], loaded.stderr
    assert Dataset.objects.get(name="aed").title == "AED設置箇所一覧（更新）"
    assert Dataset.objects.get(name="population-copy").notes == "地区別の人口"
    assert Dataset.objects.count() == 4


def test_cli_load_without_token_changes_nothing(live_server, three_datasets, tmp_path):
    out = tmp_path / "new.jsonl"
    out.write_text(json.dumps(dataset_data("no-token"), ensure_ascii=False) + "\n")
    loaded = _cli("load", "datasets", "-I", str(out), "-r", live_server.url)
    assert "NotAuthorized" in loaded.stdout + loaded.stderr
    assert not Dataset.objects.filter(name="no-token").exists()
