"""The datastore: rows loaded into the database, searched with CKAN's datastore_search."""

from __future__ import annotations

import json

import pytest
from ckanapi import NotFound, RemoteCKAN, ValidationError
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.opendata import datastore, services
from ukai.opendata import datastore_sql as sql
from ukai.opendata.models import DatastoreTable, Resource
from ukai.opendata.tests.conftest import dataset_data, make_token

API = "/api/3/action/datastore_search"

FACILITIES = (
    "ID,名称,区分,全国地方公共団体コード,人数,面積,備考\r\n"
    "1,岐阜市役所,庁舎,212016,350,12.5,\r\n"
    "2,長良公園,公園,212016,0,80.25,ペット可\r\n"
    "3,岐阜公園,公園,212016,12,120,\r\n"
    "4,中央図書館,図書館,212016,40,9.75,Wi-Fi あり\r\n"
    "5,長良川防災センター,防災,212016,8,3.5,避難所\r\n"
)


def _table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


@pytest.fixture
def facilities(catalog):
    dataset = services.dataset_create(data=dataset_data("facilities"), staff=None)
    resource = services.resource_create(
        dataset=dataset,
        data={"name": "施設一覧", "format": "CSV"},
        staff=None,
        upload=("facilities.csv", FACILITIES.encode("cp932")),
    )
    table, retired = datastore.datastore_load(resource_id=resource.pk)
    assert table is not None
    assert table.state == DatastoreTable.State.ACTIVE
    assert retired == []
    return resource


def search(client, resource, **params):
    data = {"resource_id": str(resource.pk)}
    data.update({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()})
    return client.get(API, data)


def result(client, resource, **params):
    response = search(client, resource, **params)
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_rows_are_loaded_with_types(client, facilities):
    facilities.refresh_from_db()
    assert facilities.datastore_active is True
    found = result(client, facilities)
    assert found["total"] == 5
    assert found["total_was_estimated"] is False
    assert found["fields"] == [
        {"id": "_id", "type": "int"},
        {"id": "ID", "type": "int"},
        {"id": "名称", "type": "text"},
        {"id": "区分", "type": "text"},
        {"id": "全国地方公共団体コード", "type": "int"},
        {"id": "人数", "type": "int"},
        {"id": "面積", "type": "numeric"},
        {"id": "備考", "type": "text"},
    ]
    first = found["records"][0]
    # Shift_JIS was decoded; numbers are numbers.
    assert first == {
        "_id": 1,
        "ID": 1,
        "名称": "岐阜市役所",
        "区分": "庁舎",
        "全国地方公共団体コード": 212016,
        "人数": 350,
        "面積": 12.5,
        "備考": "",
    }
    assert found["limit"] == 100
    assert found["_links"]["next"].endswith("offset=100")
    # package_show says the datastore is active.
    shown = client.get("/api/3/action/resource_show", {"id": str(facilities.pk)}).json()
    assert shown["result"]["datastore_active"] is True


def test_filters_q_sort_fields_and_paging(client, facilities):
    parks = result(client, facilities, filters={"区分": "公園"})
    assert [r["名称"] for r in parks["records"]] == ["長良公園", "岐阜公園"]
    assert parks["total"] == 2
    either = result(client, facilities, filters={"区分": ["公園", "庁舎"], "人数": "0"})
    assert [r["名称"] for r in either["records"]] == ["長良公園"]
    # Full text: a Japanese fragment, one character, a Latin word, two words (all must match).
    assert [r["_id"] for r in result(client, facilities, q="ペット")["records"]] == [2]
    assert [r["_id"] for r in result(client, facilities, q="長良")["records"]] == [2, 5]
    assert [r["_id"] for r in result(client, facilities, q="館")["records"]] == [4]
    assert [r["_id"] for r in result(client, facilities, q="wi-fi")["records"]] == [4]
    assert [r["_id"] for r in result(client, facilities, q="長良 防災")["records"]] == [5]
    parks = result(client, facilities, q="公園", sort="_id desc")
    assert [r["_id"] for r in parks["records"]] == [3, 2]
    second = result(client, facilities, q="長良", limit=1, offset=1)
    assert [r["_id"] for r in second["records"]] == [5]
    assert second["total"] == 2
    beyond = result(client, facilities, q="長良", offset=10)
    assert beyond["records"] == []
    assert beyond["total"] == 2
    by_people = result(client, facilities, q="公園", sort="人数 desc")
    assert [r["人数"] for r in by_people["records"]] == [12, 0]
    assert by_people["total"] == 2
    # A word never matches fragments from different cells (役所 in 名称, 庁舎 in 区分) …
    assert result(client, facilities, q="役所庁舎")["total"] == 0
    # … and within a cell it needs all its bigrams, as CKAN's q needs every word (ADR 0024).
    assert [r["_id"] for r in result(client, facilities, q="長良川防災")["records"]] == [5]
    assert result(client, facilities, q="長良防災")["total"] == 0
    by_people = result(client, facilities, sort="人数 desc", fields="名称,人数")
    assert [r["人数"] for r in by_people["records"]] == [350, 40, 12, 8, 0]
    assert set(by_people["records"][0]) == {"名称", "人数"}
    page = result(client, facilities, limit=2, offset=2)
    assert [r["_id"] for r in page["records"]] == [3, 4]
    assert page["total"] == 5
    backwards = result(client, facilities, sort="_id desc", limit=2, offset=1)
    assert [r["_id"] for r in backwards["records"]] == [4, 3]
    lists = result(client, facilities, records_format="lists", fields=["_id", "名称"], limit=1)
    assert lists["records"] == [[1, "岐阜市役所"]]


def test_total_can_be_skipped_or_estimated(client, facilities):
    no_total = result(client, facilities, filters={"区分": "公園"}, include_total="false")
    assert "total" not in no_total
    assert len(no_total["records"]) == 2
    estimated = result(
        client, facilities, filters={"全国地方公共団体コード": 212016}, total_estimation_threshold=2
    )
    assert estimated["total_was_estimated"] is True
    assert estimated["total"] >= 3
    exact = result(client, facilities, filters={"区分": "公園"}, total_estimation_threshold=2)
    assert exact == exact | {"total": 2, "total_was_estimated": False}


def test_limit_is_capped_like_ckan(client, facilities, settings):
    settings.UKAI_OPENDATA_DATASTORE_ROWS_MAX = 3
    capped = result(client, facilities, limit=1000)
    assert capped["limit"] == 3
    assert len(capped["records"]) == 3


def test_bad_parameters_are_validation_errors(client, facilities):
    for params, field in (
        ({"filters": {"x": 1}}, "filters"),
        ({"filters": {"人数": "たくさん"}}, "filters"),
        ({"sort": "unknown desc"}, "sort"),
        ({"fields": "名称,nothing"}, "fields"),
        ({"limit": -1}, "limit"),
        ({"records_format": "xml"}, "records_format"),
    ):
        response = search(client, facilities, **params)
        assert response.status_code == 409, params
        error = response.json()["error"]
        assert error["__type"] == "Validation Error"
        assert field in error, (params, error)
    missing = client.get(API, {"resource_id": "00000000-0000-0000-0000-000000000000"})
    assert missing.status_code == 404
    assert missing.json()["error"]["__type"] == "Not Found Error"


def test_a_new_version_replaces_the_rows_atomically(client, facilities):
    old = datastore.datastore_table_active(resource=facilities)
    assert old is not None
    assert _table_exists(old.table_name)
    services.resource_patch(
        resource=facilities,
        data={},
        staff=None,
        upload=("facilities.csv", "名称,区分\r\n岐阜駅,駅\r\n".encode()),
    )
    # Until the new version is loaded, readers see the old rows.
    facilities.refresh_from_db()
    assert facilities.datastore_active is True
    assert result(client, facilities)["total"] == 5
    table, retired = datastore.datastore_load(resource_id=facilities.pk)
    assert table is not None
    assert table.state == DatastoreTable.State.ACTIVE
    assert retired == [old.pk]
    assert result(client, facilities)["records"] == [{"_id": 1, "名称": "岐阜駅", "区分": "駅"}]
    # The replaced table is dropped later (the task waits a little for running reads).
    assert _table_exists(old.table_name)
    assert datastore.datastore_table_drop(table_id=old.pk) is True
    assert not _table_exists(old.table_name)
    # Loading again changes nothing.
    again, retired = datastore.datastore_load(resource_id=facilities.pk)
    assert again == table
    assert retired == []


def test_a_failed_load_keeps_the_old_rows(client, facilities):
    services.resource_patch(
        resource=facilities,
        data={},
        staff=None,
        upload=("facilities.csv", "名称\r\n新しい行\r\n".encode()),
    )
    newest = facilities.versions.order_by("-number").first()
    newest.file.storage.delete(newest.file.name)  # the stored file is lost
    table, retired = datastore.datastore_load(resource_id=facilities.pk)
    assert table is not None
    assert table.state == DatastoreTable.State.FAILED
    assert "読み込めませんでした" in table.message
    assert "could not be loaded" in table.message
    assert retired == []
    assert not _table_exists(table.table_name)
    assert result(client, facilities)["total"] == 5


def test_a_deleted_resource_leaves_the_datastore(client, facilities):
    services.resource_delete(resource=facilities, staff=None)
    table, retired = datastore.datastore_load(resource_id=facilities.pk)
    assert table is None
    assert len(retired) == 1
    assert Resource.objects.get(pk=facilities.pk).datastore_active is False


def test_the_dataset_page_shows_the_load(client, facilities):
    page = client.get("/opendata/dataset/facilities/").content.decode()
    assert "5行を API（datastore_search）で検索できます。" in page
    services.resource_patch(
        resource=facilities,
        data={},
        staff=None,
        upload=("facilities.csv", "名称\r\n新しい行\r\n".encode()),
    )
    version = facilities.versions.order_by("-number").first()
    DatastoreTable.objects.create(
        resource=facilities, version=version, rows_expected=200, rows_loaded=50
    )
    page = client.get("/opendata/dataset/facilities/").content.decode()
    assert "行をデータストア（API で検索できる表）に読み込んでいます" in page
    assert 'value="25"' in page
    assert "前の版の行を検索できます" in page
    assert "opendata/datastore.js" in page
    status = client.get("/opendata/dataset/facilities/datastore-status.json").json()
    assert status["loading"] is True
    assert status["resources"][0]["percent"] == 25


_CJK = st.text(alphabet="岐阜市役所長良川公園図書館ペットボトルー々", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(_CJK, min_size=1, max_size=4), data=st.data())
def test_any_fragment_of_a_cell_is_found_by_its_tokens(cells, data):
    cell = data.draw(st.sampled_from(cells))
    start = data.draw(st.integers(0, len(cell) - 1))
    end = data.draw(st.integers(start + 1, len(cell)))
    [(tokens, prefix)] = sql.query_terms(cell[start:end])
    row = sql.row_tokens(cells)
    if prefix:
        assert any(t.startswith(tokens[0]) for t in row)
    else:
        assert any(row[i : i + len(tokens)] == tokens for i in range(len(row)))


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_upload_through_the_api_is_loaded_by_the_worker(live_server, catalog, publisher):
    token = make_token(publisher)
    ckan = RemoteCKAN(live_server.url, apikey=token)
    ckan.action.package_create(**dataset_data("garbage"))
    resource = ckan.call_action(
        "resource_create",
        {"package_id": "garbage", "name": "品目", "format": "CSV"},
        files={
            "upload": (
                "garbage.csv",
                "品目,区分\r\n乾電池,有害ごみ\r\nペットボトル,資源\r\n".encode(),
            )
        },
    )
    # Not searchable until the worker has loaded the rows.
    assert resource["datastore_active"] is False
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id=resource["id"])
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert ckan.action.resource_show(id=resource["id"])["datastore_active"] is True
    found = ckan.action.datastore_search(resource_id=resource["id"], filters={"区分": "資源"})
    assert found["total"] == 1
    assert found["records"][0]["品目"] == "ペットボトル"
    assert ckan.action.datastore_search(resource_id=resource["id"], q="電池")["total"] == 1
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=resource["id"], sort="nothing")


def test_a_workbook_is_loaded_from_its_first_sheet(client, catalog):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "定員"])
    sheet.append(["長良保育所", 90])
    sheet.append(["加納保育所", 120])
    book.create_sheet("メモ").append(["読み込まない"])
    buffer = io.BytesIO()
    book.save(buffer)
    dataset = services.dataset_create(data=dataset_data("nursery"), staff=None)
    resource = services.resource_create(
        dataset=dataset,
        data={"name": "保育所", "format": "XLSX"},
        staff=None,
        upload=("nursery.xlsx", buffer.getvalue()),
    )
    table, _ = datastore.datastore_load(resource_id=resource.pk)
    assert table is not None
    assert table.state == DatastoreTable.State.ACTIVE
    found = result(client, resource, sort="定員 desc")
    assert found["records"] == [
        {"_id": 2, "名称": "加納保育所", "定員": 120},
        {"_id": 1, "名称": "長良保育所", "定員": 90},
    ]
    assert found["fields"][2] == {"id": "定員", "type": "int"}


def test_a_file_that_is_not_a_table_has_no_datastore(client, catalog):
    dataset = services.dataset_create(data=dataset_data("report"), staff=None)
    resource = services.resource_create(
        dataset=dataset, data={"name": "報告書"}, staff=None, upload=("report.pdf", b"%PDF-1.4")
    )
    assert datastore.datastore_load(resource_id=resource.pk) == (None, [])
    assert search(client, resource).status_code == 404
