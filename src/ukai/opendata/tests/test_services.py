from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.japanese.lgcode import lgcode_normalize
from ukai.opendata import service, services
from ukai.opendata.errors import CatalogValidationError
from ukai.opendata.models import Dataset, Organization, Resource, ResourceVersion
from ukai.opendata.selectors import dataset_search
from ukai.opendata.tests.conftest import dataset_data

CSV = "名称,緯度,経度\r\n岐阜市役所,35.4163,136.7590\r\n岐阜公園,35.4330,136.7790\r\n".encode()


def test_gifu_organizations_have_valid_codes(catalog):
    organizations = list(Organization.objects.all())
    assert len(organizations) == 43
    for organization in organizations:
        assert lgcode_normalize(organization.lgcode) == organization.lgcode
        organization.full_clean()
    assert catalog.title == "岐阜市"
    assert Organization.objects.get(lgcode="210005").title == "岐阜県"
    assert Organization.objects.get(lgcode="216046").title == "白川村"
    # Idempotent.
    services.organizations_ensure_gifu()
    assert Organization.objects.count() == 43


def test_dataset_create_refuses_bad_input_with_every_field(catalog):
    with pytest.raises(CatalogValidationError) as caught:
        services.dataset_create(
            data=dataset_data(name="BAD NAME", license_id="GPL", owner_org="nowhere"), staff=None
        )
    fields = caught.value.fields
    assert set(fields) >= {"name", "license_id", "owner_org"}
    assert "半角英小文字" in fields["name"][0]
    assert not Dataset.objects.exists()


def test_publisher_only_for_own_organization(catalog, publisher):
    other = Organization.objects.get(name="ogaki-city")
    services.dataset_create(data=dataset_data(), staff=publisher)
    with pytest.raises(UkaiError) as caught:
        services.dataset_create(data=dataset_data("ogaki", owner_org=other.name), staff=publisher)
    assert caught.value.status == 403
    assert "大垣市" in caught.value.message_ja


def test_every_upload_is_kept_as_a_version(catalog):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    resource = services.resource_create(
        dataset=dataset, data={"format": "CSV"}, staff=None, upload=("aed.csv", CSV)
    )
    services.resource_patch(
        resource=resource,
        data={},
        staff=None,
        upload=("aed.csv", CSV + "長良川,35.43,136.77\r\n".encode()),
    )
    versions = list(resource.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].hash != versions[1].hash
    assert all(default_storage.exists(str(v.file.name)) for v in versions)
    resource.refresh_from_db()
    assert resource.hash == versions[1].hash
    assert resource.size == versions[1].size


def test_shift_jis_is_accepted_and_undecodable_bytes_refused(catalog):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    sjis = CSV.decode().encode("cp932")
    resource = services.resource_create(
        dataset=dataset, data={"format": "CSV"}, staff=None, upload=("sjis.csv", sjis)
    )
    assert resource.versions.get().encoding == "cp932"
    broken = "名称\r\n岐阜".encode("cp932") + b"\x81\x7f\xff\xfe\r\n"
    with pytest.raises(CatalogValidationError) as caught:
        services.resource_create(
            dataset=dataset, data={"format": "CSV"}, staff=None, upload=("broken.csv", broken)
        )
    message = caught.value.fields["upload"][0]
    assert "文字コードを判別できません" in message
    assert "2行目" in message
    assert Resource.objects.filter(dataset=dataset).count() == 1


def test_broken_csv_and_too_large_upload_change_nothing(catalog, settings):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    ragged = "名称,緯度,経度\n岐阜市役所,35.4\n岐阜公園,35.4,136.7\n".encode()
    with pytest.raises(CatalogValidationError) as caught:
        services.resource_create(
            dataset=dataset, data={"format": "CSV"}, staff=None, upload=("ragged.csv", ragged)
        )
    assert "2行目（2列）" in caught.value.fields["upload"][0]
    settings.UKAI_OPENDATA_MAX_UPLOAD_BYTES = 10
    with pytest.raises(CatalogValidationError) as caught:
        services.resource_create(
            dataset=dataset, data={"format": "CSV"}, staff=None, upload=("big.csv", CSV)
        )
    assert "上限 10 bytes" in caught.value.fields["upload"][0]
    assert not Resource.objects.exists()
    assert not ResourceVersion.objects.exists()


def test_failed_write_leaves_no_file_behind(catalog, monkeypatch):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    saved: list[str] = []
    original = services._delete_on_rollback

    def remember(storage, name):
        saved.append(name)
        original(storage, name)

    monkeypatch.setattr(services, "_delete_on_rollback", remember)
    monkeypatch.setattr(
        services, "dataset_search_text", lambda d: (_ for _ in ()).throw(RuntimeError("boom"))
    )
    with pytest.raises(RuntimeError):
        services.resource_create(
            dataset=dataset, data={"format": "CSV"}, staff=None, upload=("a.csv", CSV)
        )
    assert saved
    assert not default_storage.exists(saved[0])
    assert not Resource.objects.exists()


def test_japanese_search_finds_two_character_words(catalog):
    services.dataset_create(
        data=dataset_data("evac", title="指定緊急避難場所一覧", notes=""), staff=None
    )
    services.dataset_create(
        data=dataset_data("pop", title="地域・年齢別人口", notes="", tags=[]), staff=None
    )
    services.dataset_create(
        data=dataset_data("other", title="公衆トイレ一覧", notes="", tags=[]), staff=None
    )
    assert [d.name for d in dataset_search(q="避難").datasets] == ["evac"]
    assert [d.name for d in dataset_search(q="人口").datasets] == ["pop"]
    # Full-width and half-width match alike (NFKC); words are ANDed.
    assert [d.name for d in dataset_search(q="ＡＥＤ 避難").datasets] == ["evac"]
    assert dataset_search(q="避難 人口").count == 0


def test_kpis(catalog):
    dataset = services.dataset_create(
        data=dataset_data(standard_dataset="AED設置箇所一覧"), staff=None
    )
    services.dataset_create(data=dataset_data("no-resources"), staff=None)
    resource = services.resource_create(
        dataset=dataset, data={"format": "CSV"}, staff=None, upload=("a.csv", CSV)
    )
    services.resource_download_record(resource=resource)
    services.api_call_record(action="package_search")
    services.api_call_record(action="package_search")
    today = timezone.localdate()
    published = service.kpi_datasets_published(as_of=today)
    assert published["value"] == 1.0
    assert "データセット" in published["description"]
    # 1 of the 4 required columns of AED設置箇所一覧 (名称, 名称_カナ, 住所, 設置位置).
    assert service.kpi_standard_compliance(as_of=today)["value"] == 25.0
    assert service.kpi_downloads(as_of=today)["value"] == 1.0
    assert service.kpi_api_calls(as_of=today)["value"] == 2.0
    assert service.kpi_datasets_published(as_of=date(2000, 1, 1))["value"] == 0.0


def test_seed_is_idempotent_and_marked_as_sample(db):
    from ukai.opendata.seed import catalog_seed

    assert catalog_seed() == (15, 0)
    assert catalog_seed() == (0, 15)
    for dataset in Dataset.objects.all():
        assert "サンプルデータ" in dataset.title
        assert "サンプルデータ" in dataset.notes
        version = dataset.resources.get().versions.get()
        assert version.compliance == 100.0, (dataset.name, version.validation.get("issues", [])[:3])
    assert dataset_search(q="避難").count >= 1


def test_new_version_records_row_level_changes(catalog):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    first = "ID,名称,定員\r\n1,長良,10\r\n2,加納,20\r\n3,島,30\r\n".encode()
    second = "ID,名称,定員\r\n1,長良,15\r\n3,島,30\r\n4,本荘,40\r\n".encode()
    resource = services.resource_create(
        dataset=dataset, data={"format": "CSV"}, staff=None, upload=("a.csv", first)
    )
    services.resource_patch(resource=resource, data={}, staff=None, upload=("a.csv", second))
    newest = resource.versions.get(number=2)
    changes = newest.changes
    assert changes["from_version"] == 1
    assert changes["key"] == "ID"
    assert (changes["added"], changes["removed"], changes["changed"]) == (1, 1, 1)
    assert changes["examples"] == [{"key": "1", "cells": {"定員": ["10", "15"]}}]
    assert resource.versions.get(number=1).changes == {}


def test_json_and_geojson_uploads_are_checked(catalog):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    good = b'{"type": "FeatureCollection", "features": []}'
    resource = services.resource_create(
        dataset=dataset, data={}, staff=None, upload=("shelters.geojson", good)
    )
    assert resource.format == "GEOJSON"
    with pytest.raises(CatalogValidationError, match="2行目"):
        services.resource_create(
            dataset=dataset, data={}, staff=None, upload=("bad.json", b'{"a": 1,\n oops}')
        )
    with pytest.raises(CatalogValidationError, match="GeoJSON"):
        services.resource_create(
            dataset=dataset, data={}, staff=None, upload=("x.geojson", b'{"features": []}')
        )
    assert Resource.objects.filter(dataset=dataset).count() == 1
