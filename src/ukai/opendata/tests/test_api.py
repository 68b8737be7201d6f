from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ukai.opendata import services
from ukai.opendata.models import DailyCount, Dataset, Resource
from ukai.opendata.tests.conftest import dataset_data, make_staff, make_token

API = "/api/3/action/"


def call(client, name, data=None, *, token=None, method="post"):
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    if method == "get":
        return client.get(API + name, data or {}, **headers)
    return client.post(
        API + name, json.dumps(data or {}), content_type="application/json", **headers
    )


@pytest.fixture
def seeded(catalog):
    dataset = services.dataset_create(data=dataset_data(), staff=None)
    services.resource_create(
        dataset=dataset,
        data={"format": "CSV", "name": "AED"},
        staff=None,
        upload=("aed.csv", "名称\r\n岐阜市役所\r\n".encode()),
    )
    return dataset


def test_package_show_has_ckan_shape(client, seeded):
    response = call(client, "package_show", {"id": "test-aed"}, method="get")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=package_show")
    result = body["result"]
    assert result["type"] == "dataset"
    assert result["name"] == "test-aed"
    assert result["license_title"].startswith("クリエイティブ・コモンズ")
    assert result["organization"]["name"] == "gifu-city"
    assert result["organization"]["lgcode"] == "212016"
    assert [t["name"] for t in result["tags"]] == ["AED", "防災"]
    assert result["num_resources"] == 1
    assert result["num_tags"] == 2
    resource = result["resources"][0]
    assert resource["format"] == "CSV"
    assert resource["url_type"] == "upload"
    assert resource["url"].startswith("http://testserver/opendata/dataset/")
    # The unversioned route answers the same.
    assert client.get("/api/action/package_show", {"id": seeded.pk}).json()["result"]["id"] == str(
        seeded.pk
    )


def test_errors_use_ckan_types(client, seeded):
    response = call(client, "package_show", {"id": "no-such-dataset"}, method="get")
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"
    assert response.json()["success"] is False

    response = call(client, "package_create", dataset_data("x-new"))
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.filter(name="x-new").exists()

    response = call(client, "package_search", {"q": "title:[a TO b]"}, method="get")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["__type"] == "Search Query Error"
    assert "対応していない検索構文" in error["message"]

    for q in ("避難 OR 人口", "避難*", "-避難", "unknown_field:1"):
        assert call(client, "package_search", {"q": q}).status_code == 400, q

    response = call(client, "package_search", {"sort": "bogus desc"})
    assert response.status_code == 400

    response = client.post(API + "package_search", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["success"] is False

    response = call(client, "no_such_action")
    assert response.status_code == 400


def test_invalid_token_is_refused(client, seeded):
    response = call(client, "package_create", dataset_data("x"), token="wrong")
    assert response.status_code == 403


def test_package_create_validation_error_is_409(client, seeded, token):
    response = call(client, "package_create", dataset_data("test-aed"), token=token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert "That URL is already in use" in error["name"][0]


def test_create_update_patch_with_token(client, catalog, token):
    response = call(
        client,
        "package_create",
        dataset_data("new-set", extras=[{"key": "source", "value": "test"}], spatial="岐阜市"),
        token="Bearer " + token,
    )
    assert response.status_code == 200, response.content
    created = response.json()["result"]
    assert created["spatial"] == "岐阜市"
    assert created["extras"] == [{"key": "source", "value": "test"}]

    response = call(client, "package_patch", {"id": "new-set", "title": "新しい題"}, token=token)
    assert response.json()["result"]["title"] == "新しい題"
    assert response.json()["result"]["notes"] == created["notes"]

    full = dict(created, notes="更新しました", tags=[{"name": "人口"}])
    response = call(client, "package_update", full, token=token)
    assert response.status_code == 200
    assert [t["name"] for t in response.json()["result"]["tags"]] == ["人口"]


def test_private_datasets_are_hidden_from_the_public(client, catalog, token):
    call(client, "package_create", dataset_data("secret", private=True), token=token)
    assert call(client, "package_show", {"id": "secret"}).status_code == 404
    assert "secret" not in call(client, "package_list").json()["result"]
    shown = call(client, "package_show", {"id": "secret"}, token=token)
    assert shown.status_code == 200
    assert shown.json()["result"]["private"] is True


def test_other_organization_is_an_authorization_error(client, catalog, token):
    response = call(
        client, "package_create", dataset_data("ogaki", owner_org="ogaki-city"), token=token
    )
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


def test_package_search_with_facets_and_paging(client, seeded):
    services.dataset_create(
        data=dataset_data(
            "pop",
            title="地域・年齢別人口",
            notes="",
            tags=[{"name": "人口"}],
            groups=[{"name": "jinko-tokei"}],
        ),
        staff=None,
    )
    response = call(
        client,
        "package_search",
        {
            "q": "人口",
            "facet.field": '["organization", "tags", "groups", "res_format"]',
            "rows": "5",
        },
        method="get",
    )
    result = response.json()["result"]
    assert result["count"] == 1
    assert result["results"][0]["name"] == "pop"
    assert result["facets"]["tags"] == {"人口": 1}
    assert result["search_facets"]["organization"]["items"][0]["display_name"] == "岐阜市"

    result = call(client, "package_search", {"fq": "tags:防災", "rows": 1000}).json()["result"]
    assert [r["name"] for r in result["results"]] == ["test-aed"]
    result = call(client, "package_search", {"fq": "+res_format:CSV"}).json()["result"]
    assert result["count"] == 1
    result = call(client, "package_search", {"rows": 1, "start": 1, "sort": "name asc"}).json()[
        "result"
    ]
    assert result["count"] == 2
    assert [r["name"] for r in result["results"]] == ["test-aed"]
    # rows above 1000 are capped like CKAN; negative rows are a validation error.
    assert call(client, "package_search", {"rows": 5000}).status_code == 200
    assert call(client, "package_search", {"rows": -1}).status_code == 409


def test_lists_and_shows(client, seeded):
    organizations = call(client, "organization_list", method="get").json()["result"]
    assert len(organizations) == 43
    assert "gifu-city" in organizations
    shown = call(client, "organization_show", {"id": "gifu-city", "include_datasets": True}).json()
    assert shown["result"]["package_count"] == 1
    assert shown["result"]["packages"][0]["name"] == "test-aed"
    assert "bousai" in call(client, "group_list").json()["result"]
    assert call(client, "group_show", {"id": "bousai"}).json()["result"]["package_count"] == 1
    assert call(client, "group_show", {"id": "nothing"}).status_code == 404
    assert call(client, "tag_list").json()["result"] == ["AED", "防災"]
    assert [lic["id"] for lic in call(client, "license_list").json()["result"]] == [
        "CC-BY-4.0",
        "PDL-1.0",
    ]
    resource = Resource.objects.get()
    assert call(client, "resource_show", {"id": str(resource.pk)}).json()["result"]["name"] == "AED"
    assert call(client, "resource_view_list", {"id": str(resource.pk)}).json()["result"] == []
    assert call(client, "resource_show", {"id": "nope"}).status_code == 404


def test_resource_upload_multipart(client, seeded, token, settings):
    upload = SimpleUploadedFile("pop.csv", "地域名,総人口\r\n長良,1000\r\n".encode())
    response = client.post(
        API + "resource_create",
        {"package_id": "test-aed", "name": "人口", "upload": upload},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["format"] == "CSV"
    assert result["size"] == len("地域名,総人口\r\n長良,1000\r\n".encode())
    download = client.get(result["url"].replace("http://testserver", ""))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "地域名,総人口\r\n長良,1000\r\n"
    assert Resource.objects.get(pk=result["id"]).download_count == 1

    settings.UKAI_OPENDATA_MAX_UPLOAD_BYTES = 8
    response = client.post(
        API + "resource_patch",
        {"id": result["id"], "upload": SimpleUploadedFile("big.csv", b"a,b\r\n1,2\r\n")},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 409
    assert "上限 8 bytes" in response.json()["error"]["message"]
    assert Resource.objects.get(pk=result["id"]).versions.count() == 1

    response = client.post(
        API + "resource_patch",
        {"id": result["id"], "upload": SimpleUploadedFile("big.csv", b"x" * 100_000)},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 413
    assert response.json()["error"]["__type"] == "Validation Error"


def test_api_calls_are_counted(client, seeded):
    call(client, "package_list")
    call(client, "package_list", method="get")
    assert DailyCount.objects.get(kind="api", key="package_list").count == 2


def test_writes_need_post(client, seeded, token):
    response = client.get(API + "package_create", {"name": "x"}, HTTP_AUTHORIZATION=token)
    assert response.status_code == 400


def test_non_publisher_staff_cannot_write(client, catalog):
    outsider = make_staff("outsider")
    response = call(client, "package_create", dataset_data("xx-new"), token=make_token(outsider))
    assert response.status_code == 403


def test_datastore_search(client, catalog):
    from ukai.opendata.seed import catalog_seed

    catalog_seed()
    resource = Resource.objects.get(dataset__name="gifu-city-garbage-sorting")
    result = call(client, "datastore_search", {"resource_id": str(resource.pk), "limit": 3}).json()[
        "result"
    ]
    assert result["total"] == 10
    assert len(result["records"]) == 3
    assert result["records"][0]["_id"] == 1
    assert result["fields"][1]["id"] == "全国地方公共団体コード"
    filtered = call(
        client,
        "datastore_search",
        {"resource_id": str(resource.pk), "filters": json.dumps({"分別区分": "有害ごみ"})},
        method="get",
    ).json()["result"]
    assert [r["ゴミの品目"] for r in filtered["records"]] == ["乾電池", "蛍光灯"]
    searched = call(client, "datastore_search", {"resource_id": str(resource.pk), "q": "ペット"})
    assert searched.json()["result"]["total"] == 1
    bad = call(client, "datastore_search", {"resource_id": str(resource.pk), "filters": {"x": 1}})
    assert bad.status_code == 409
    assert call(client, "datastore_search", {"resource_id": "nope"}).status_code == 404


def test_standard_upload_is_checked_and_repaired(client, catalog, token):
    call(
        client,
        "package_create",
        dataset_data("fire", standard_dataset="消防水利施設一覧"),
        token=token,
    )
    header = "全国地方公共団体コード,ID,地方公共団体名,種別,緯度,経度,口径"
    content = f"{header}\r\n21201,1,岐阜市,消火栓,136.759,35.416,１５０\r\n".encode("cp932")
    response = client.post(
        API + "resource_create",
        {"package_id": "fire", "repair": "true", "upload": SimpleUploadedFile("fire.csv", content)},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["standard_compliance"] == 100.0
    assert result["standard_validation"]["repaired_from_version"] == 1
    resource = Resource.objects.get(pk=result["id"])
    original, repaired = resource.versions.order_by("number")
    assert original.encoding == "cp932"
    assert original.compliance == 0.0
    assert {i["code"] for i in original.validation["issues"]} >= {
        "encoding_cp932",
        "lgcode_repaired",
        "coordinates_swapped",
        "full_width",
    }
    assert repaired.repaired_from == original
    with repaired.file.open("rb") as handle:
        text = handle.read().decode("utf-8")
    assert "212016,1,岐阜市,消火栓,35.416,136.759,150" in text
    page = client.get("/opendata/dataset/fire/").content.decode()
    assert "適合度" in page


def test_xlsx_upload_is_linted_and_converted(client, catalog, token):
    import io

    from openpyxl import Workbook

    call(
        client,
        "package_create",
        dataset_data("garbage", standard_dataset="ゴミの分別方法一覧"),
        token=token,
    )
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["全国地方公共団体コード", "ID", "地方公共団体名", "ゴミの品目", "分別区分", "料金"]
    )
    sheet.append(["21201", "1", "岐阜市", "空き缶", "資源ごみ", "0円"])
    sheet.merge_cells("A4:B4")
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        API + "resource_create",
        {
            "package_id": "garbage",
            "repair": "true",
            "upload": SimpleUploadedFile("gomi.xlsx", buffer.getvalue()),
        },
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 200, response.content
    resource = Resource.objects.get(pk=response.json()["result"]["id"])
    assert resource.format == "CSV"
    workbook, converted, repaired = resource.versions.order_by("number")
    codes = {i["code"] for i in workbook.validation["excel_issues"]}
    assert codes == {"merged_cells", "number_with_unit"}
    assert converted.filename == "gomi.csv"
    assert repaired.repaired_from == converted
    with repaired.file.open("rb") as handle:
        assert handle.read().decode().splitlines()[1].startswith("212016,1,岐阜市,空き缶")
    page = client.get("/opendata/dataset/garbage/").content.decode()
    assert "標準データセットへの適合度 100.0%" in page


def test_macro_workbook_is_refused(client, catalog, token):
    import io
    import zipfile

    call(client, "package_create", dataset_data("macro"), token=token)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/vbaProject.bin", b"x")
    response = client.post(
        API + "resource_create",
        {"package_id": "macro", "upload": SimpleUploadedFile("m.xlsm", buffer.getvalue())},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 409
    assert "マクロ" in response.json()["error"]["message"]
    assert not Resource.objects.exists()


def test_update_keeps_uploaded_files_and_links_foreign_uploads(client, seeded, token):
    shown = call(client, "package_show", {"id": "test-aed"}).json()["result"]
    uploaded = shown["resources"][0]
    foreign = {
        "name": "他のカタログのファイル",
        "url": "https://catalog.example.jp/dataset/x/resource/y/download/a.csv",
        "url_type": "upload",
        "format": "CSV",
    }
    response = call(
        client, "package_update", dict(shown, resources=[uploaded, foreign]), token=token
    )
    assert response.status_code == 200, response.content
    resources = response.json()["result"]["resources"]
    assert resources[0]["id"] == uploaded["id"]
    assert resources[0]["url_type"] == "upload"
    assert Resource.objects.get(pk=uploaded["id"]).versions.count() == 1
    assert resources[1]["url"] == foreign["url"]
    assert resources[1]["url_type"] is None


def test_delete_actions_and_owner_org_filter(client, seeded, token):
    resource = Resource.objects.get()
    found = call(client, "package_search", {"fq": f"owner_org:{seeded.organization_id}"})
    assert found.json()["result"]["count"] == 1
    assert (
        call(client, "package_search", {"facet.field": '["tags"]', "facet.limit": -1}).status_code
        == 200
    )
    assert call(client, "resource_delete", {"id": str(resource.pk)}).status_code == 403
    assert call(client, "resource_delete", {"id": str(resource.pk)}, token=token).status_code == 200
    assert call(client, "resource_show", {"id": str(resource.pk)}).status_code == 404
    assert resource.versions.count() == 1
    assert call(client, "package_delete", {"id": "test-aed"}, token=token).status_code == 200
    assert call(client, "package_show", {"id": "test-aed"}).status_code == 404
    assert call(client, "package_search", {"q": "AED"}).json()["result"]["count"] == 0
    assert Dataset.objects.get(name="test-aed").state == "deleted"


def test_control_characters_in_json_are_refused(client, catalog, token):
    data = dataset_data("nul-test", extras=[{"key": "k", "value": "a\u0000b"}])
    response = call(client, "package_create", data, token=token)
    assert response.status_code == 409
    assert "制御文字" in response.json()["error"]["extras"][0]
    response = call(
        client, "package_create", dataset_data("nul-test", title="a\u0000b"), token=token
    )
    assert response.status_code == 409
    assert not Dataset.objects.filter(name="nul-test").exists()


def test_a_token_write_of_personal_data_is_audited_as_the_token_owner(client, catalog, token):
    data = dataset_data("x-contact", contact_name="岐阜 太郎", contact_email="od@example.jp")
    assert call(client, "package_create", data, token=token).status_code == 200
    admin_token = make_token(make_staff("od-auditor", role="admin"))
    events = client.get(
        "/api/v1/audit-events",
        {"object_type": "opendata.dataset"},
        HTTP_AUTHORIZATION=f"Bearer {admin_token}",
    ).json()["items"]
    assert [(e["actor_username"], e["action"]) for e in events] == [("od-publisher", "create")]
    assert set(events[0]["fields"]) == {"contact_name", "contact_email"}
