"""GeoJSON uploads are checked against RFC 7946 and Japan's extent, feature by feature."""

from __future__ import annotations

import json

import pytest

from ukai.opendata import services
from ukai.opendata.errors import CatalogValidationError
from ukai.opendata.geojson import geojson_issues
from ukai.opendata.models import Resource
from ukai.opendata.tests.conftest import dataset_data

GIFU_CITY_HALL = [136.7223, 35.4095]


def point(coordinates, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": properties or {"名称": "岐阜市役所"},
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def codes(document):
    issues, _ = geojson_issues(document)
    return [(issue.feature, issue.code) for issue in issues]


def test_a_valid_collection_has_no_issues():
    square = [[136.70, 35.40], [136.71, 35.40], [136.71, 35.41], [136.70, 35.41], [136.70, 35.40]]
    document = collection(
        point(GIFU_CITY_HALL),
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [square]},
            "properties": None,
        },
        {"type": "Feature", "geometry": None, "properties": {"名称": "位置なし"}},
    )
    assert geojson_issues(document) == ([], 0)


def test_problems_are_named_by_feature_index():
    open_ring = [[136.70, 35.40], [136.71, 35.40], [136.71, 35.41], [136.70, 35.41]]
    document = collection(
        point(GIFU_CITY_HALL),
        point([35.4095, 136.7223]),  # latitude first
        point([2.35, 48.85]),  # Paris
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [open_ring]},
            "properties": {},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [[136.7, 35.4]]},
            "properties": {},
        },
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": GIFU_CITY_HALL}},
        {
            "type": "Feature",
            "geometry": {"type": "Circle", "coordinates": GIFU_CITY_HALL},
            "properties": [],
        },
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [open_ring[:2]]},
            "properties": {},
        },
    )
    assert codes(document) == [
        (1, "swapped"),
        (2, "outside_japan"),
        (3, "ring_open"),
        (4, "coordinates"),
        (5, "properties_missing"),
        (6, "geometry_type"),
        (6, "properties"),
        (7, "ring"),
    ]
    issues, total = geojson_issues(document)
    assert total == 8
    assert issues[0].text().startswith("1番目の地物（features[1]）: 緯度と経度が逆です")
    assert "features[1]: Latitude and longitude are swapped" in issues[0].text()


def test_document_level_problems():
    assert codes({"features": []}) == [(None, "type")]
    assert codes({"type": "FeatureCollection"}) == [(None, "features")]
    assert codes([1, 2]) == [(None, "type")]
    projected = collection() | {
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6677"}}
    }
    assert codes(projected) == [(None, "crs")]
    assert codes({"type": "Point", "coordinates": ["136", "35"]}) == [(None, "position")]


def test_upload_is_refused_with_the_messages(catalog):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    bad = collection(point(GIFU_CITY_HALL), point([35.4095, 136.7223]))
    with pytest.raises(CatalogValidationError) as caught:
        services.resource_create(
            dataset=dataset,
            data={},
            staff=None,
            upload=("shelters.geojson", json.dumps(bad).encode()),
        )
    assert caught.value.fields["upload"] == [
        "1番目の地物（features[1]）: 緯度と経度が逆です（[35.4095, 136.7223]）。GeoJSON は [経度, 緯度] の順です。 / "
        "features[1]: Latitude and longitude are swapped ([35.4095, 136.7223]); GeoJSON is [longitude, latitude]."
    ]
    assert not Resource.objects.filter(dataset=dataset).exists()
    many = collection(*[point([0, 0]) for _ in range(60)])
    with pytest.raises(CatalogValidationError) as caught:
        services.resource_create(
            dataset=dataset, data={}, staff=None, upload=("x.geojson", json.dumps(many).encode())
        )
    messages = caught.value.fields["upload"]
    assert len(messages) == 51
    assert messages[-1] == "ほかに10件の問題があります。 / 10 more problems."
    good = collection(point(GIFU_CITY_HALL))
    resource = services.resource_create(
        dataset=dataset, data={}, staff=None, upload=("ok.geojson", json.dumps(good).encode())
    )
    assert resource.format == "GEOJSON"
