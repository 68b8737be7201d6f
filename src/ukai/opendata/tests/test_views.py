from __future__ import annotations

import pytest
from django.urls import reverse

from ukai.opendata.models import Resource
from ukai.opendata.seed import catalog_seed


@pytest.fixture
def seeded(db):
    catalog_seed()


def test_home_lists_searches_and_filters(client, seeded):
    response = client.get(reverse("opendata:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "15件のデータセット" in page or "件のデータセット" in page
    assert "AED設置箇所一覧（サンプルデータ）" in page

    page = client.get(reverse("opendata:home"), {"q": "人口"}).content.decode()
    assert "地域・年齢別人口（サンプルデータ）" in page
    assert "AED設置箇所一覧（サンプルデータ）" not in page

    page = client.get(reverse("opendata:home"), {"groups": "bousai"}).content.decode()
    assert "指定緊急避難場所一覧（サンプルデータ）" in page
    assert "観光施設一覧（サンプルデータ）" not in page

    response = client.get(reverse("opendata:home"), {"q": "避難 OR 人口"})
    assert response.status_code == 200
    assert "対応していない検索構文" in response.content.decode()


def test_dataset_page_previews_and_counts_downloads(client, seeded):
    url = reverse("opendata:dataset", args=["gifu-city-population-by-area-age"])
    page = client.get(url).content.decode()
    assert "本庁地区" in page
    assert '<th scope="col">総人口</th>' in page
    garbage = reverse("opendata:dataset", args=["gifu-city-garbage-sorting"])
    assert "公共データ利用規約" in client.get(garbage, {"page": 1}).content.decode()
    resource = Resource.objects.get(dataset__name="gifu-city-population-by-area-age")
    version = resource.versions.get()
    download = reverse(
        "opendata:resource_download",
        kwargs={
            "dataset_id": resource.dataset_id,
            "resource_id": resource.pk,
            "filename": version.filename,
        },
    )
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    resource.refresh_from_db()
    assert resource.download_count == 1
    assert client.get(reverse("opendata:dataset", args=["no-such"])).status_code == 404


def test_preview_pages_through_rows(client, seeded):
    url = reverse("opendata:dataset", args=["gifu-city-garbage-sorting"])
    page = client.get(url).content.decode()
    assert "全10行のうち 1〜10行目" in page


def test_api_guide(client, db):
    page = client.get(reverse("opendata:api_guide")).content.decode()
    assert "package_search" in page
    assert "Search Query Error" in page


def test_dcat_catalog_and_dataset(client, seeded):
    from rdflib import Graph
    from rdflib.namespace import DCAT, DCTERMS, RDF

    for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld"), ("xml", "xml")):
        response = client.get(f"/catalog.{fmt}")
        assert response.status_code == 200
        graph = Graph().parse(data=response.content, format=parser)
        assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 15
        assert len(list(graph.subjects(RDF.type, DCAT.Distribution))) == 15
    response = client.get("/dataset/gifu-city-aed.ttl")
    graph = Graph().parse(data=response.content, format="turtle")
    titles = {str(t) for t in graph.objects(None, DCTERMS.title)}
    assert "AED設置箇所一覧（サンプルデータ）" in titles
    licences = {str(t) for t in graph.objects(None, DCTERMS.license)}
    assert "https://creativecommons.org/licenses/by/4.0/deed.ja" in licences
    assert client.get("/dataset/no-such.ttl").status_code == 404
    assert client.get("/catalog.csv").status_code == 404


def test_opendata_list_is_generated_from_the_catalog(client, seeded):
    from ukai.opendata.validation import standard_validate

    response = client.get("/opendata/organization/212016/opendata-list.csv")
    assert response.status_code == 200
    content = b"".join([response.content])
    lines = content.decode().splitlines()
    assert len(lines) == 16
    assert "AED設置箇所一覧（サンプルデータ）" in content.decode()
    report = standard_validate(content=content, standard="オープンデータ一覧")
    assert report.errors == []
    assert client.get("/opendata/organization/nowhere/opendata-list.csv").status_code == 404


def test_preview_draws_a_bar_chart_of_a_numeric_column(client, seeded):
    page = client.get(
        reverse("opendata:dataset", args=["gifu-city-population-by-area-age"])
    ).content
    text = page.decode()
    assert "グラフ：地域名ごとの総人口（このページの行）" in text
    assert text.count('class="opendata-chart__row"') == 8


def test_dataset_page_has_a_map_of_the_points(client, catalog, settings):
    from ukai.opendata.seed import catalog_seed

    catalog_seed()
    page = client.get("/opendata/dataset/gifu-city-evacuation-sites/").content.decode()
    assert "opendata/vendor/leaflet-1.9.4/leaflet.js" in page
    assert "地図の地点（8件）" in page
    assert "<td>岐阜市立長良小学校</td><td>35.4412</td><td>136.7758</td>" in page
    assert "cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png" in page
    settings.UKAI_OPENDATA_MAP_TILE_URL = ""
    page = client.get("/opendata/dataset/gifu-city-evacuation-sites/").content.decode()
    assert '"tileUrl": ""' in page
    # A data set without coordinates has no map.
    page = client.get("/opendata/dataset/gifu-city-garbage-sorting/").content.decode()
    assert "leaflet.js" not in page
    assert "地図の地点" not in page


def test_a_large_file_is_previewed_from_the_datastore(client, catalog, monkeypatch):
    from ukai.opendata import datastore, selectors, services
    from ukai.opendata.tests.conftest import dataset_data

    dataset = services.dataset_create(data=dataset_data("big"), staff=None)
    rows = "".join(f"{n},施設{n}\r\n" for n in range(1, 46))
    resource = services.resource_create(
        dataset=dataset,
        data={"name": "施設", "format": "CSV"},
        staff=None,
        upload=("big.csv", f"ID,名称\r\n{rows}".encode()),
    )
    datastore.datastore_load(resource_id=resource.pk)
    # Files above the preview limit are not read per request.
    monkeypatch.setattr(selectors, "PREVIEW_MAX_BYTES", 10)
    page = client.get("/opendata/dataset/big/?page=3").content.decode()
    assert "全45行のうち 41〜45行目" in page
    assert "<td>41</td><td>施設41</td>" in page
    assert "施設40" not in page


def test_a_large_file_is_mapped_from_the_datastore(client, catalog, monkeypatch):
    from ukai.opendata import datastore, selectors, services
    from ukai.opendata.tests.conftest import dataset_data

    dataset = services.dataset_create(data=dataset_data("many-points"), staff=None)
    rows = "".join(f"地点{n},35.{400 + n},136.{700 + n}\r\n" for n in range(1, 31))
    resource = services.resource_create(
        dataset=dataset,
        data={"name": "地点", "format": "CSV"},
        staff=None,
        upload=("points.csv", f"名称,緯度,経度\r\n{rows}".encode()),
    )
    datastore.datastore_load(resource_id=resource.pk)
    monkeypatch.setattr(selectors, "PREVIEW_MAX_BYTES", 10)
    monkeypatch.setattr(selectors, "MAP_MAX_POINTS", 25)
    page = client.get("/opendata/dataset/many-points/").content.decode()
    assert "地図の地点（全30件のうち25件）" in page
    assert "<td>地点25</td><td>35.425</td><td>136.725</td>" in page
    assert "<td>地点26</td>" not in page
