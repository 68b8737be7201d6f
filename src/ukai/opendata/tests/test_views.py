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
