from __future__ import annotations

import pytest

from ukai.core.testing.axe import assert_accessible
from ukai.opendata.seed import catalog_seed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_catalog_pages_are_accessible(browser_page, live_server):
    catalog_seed()
    page = browser_page
    page.goto(live_server.url + "/opendata/")
    assert_accessible(page)
    page.fill("#opendata-q", "避難")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "指定緊急避難場所一覧（サンプルデータ）" in page.content()
    assert_accessible(page)
    page.click("text=指定緊急避難場所一覧（サンプルデータ）")
    page.wait_for_load_state()
    assert "岐阜市立長良小学校" in page.content()
    assert_accessible(page)
    page.goto(live_server.url + "/opendata/?groups=bousai")
    assert_accessible(page)
    page.goto(live_server.url + "/opendata/api/")
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_upload_with_repairs_is_accessible(browser_page, live_server, tmp_path):
    from ukai.opendata import services
    from ukai.opendata.tests.conftest import dataset_data, make_staff

    catalog_seed()
    staff = make_staff("od-browser")
    services.publisher_set(
        staff=staff, organization=services.organizations_ensure_gifu()[1], role="editor"
    )
    services.dataset_create(
        data=dataset_data("fire", standard_dataset="消防水利施設一覧"), staff=None
    )
    page = browser_page
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill("od-browser")
    page.get_by_label("パスワード").fill("correct horse battery staple")
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/staff/**")
    page.goto("/staff/opendata/")
    assert_accessible(page)
    page.goto("/staff/opendata/dataset/new/")
    assert_accessible(page)
    page.get_by_role("button", name="保存する").click()
    page.wait_for_load_state()
    assert "入力内容を確認してください" in page.content()
    assert_accessible(page)
    page.goto("/staff/opendata/dataset/fire/upload/")
    assert_accessible(page)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"a,b\r\n1\r\n")
    page.set_input_files("input[type=file]", str(broken))
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state()
    assert "列の数がそろっていません" in page.content()
    assert_accessible(page)
    fixable = tmp_path / "fire.csv"
    fixable.write_bytes(
        "全国地方公共団体コード,ID,地方公共団体名,種別,緯度,経度,口径\r\n21201,1,岐阜市,消火栓,136.759,35.416,１５０\r\n".encode(
            "cp932"
        )
    )
    page.set_input_files("input[type=file]", str(fixable))
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state()
    assert "自動修正した箇所" in page.content()
    assert_accessible(page)
    page.goto("/opendata/dataset/fire/")
    assert "標準データセットへの適合度 100.0%" in page.content()
    assert "第1版からの変更" in page.content()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_map_of_points_with_the_table_beside_it(browser_page, live_server, settings):
    # A closed network: no tile server, markers on a plain background.
    settings.UKAI_OPENDATA_MAP_TILE_URL = ""
    catalog_seed()
    page = browser_page
    page.goto(live_server.url + "/opendata/dataset/gifu-city-evacuation-sites/")
    markers = page.locator("#opendata-map .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 8
    assert page.locator("#opendata-map img.leaflet-tile").count() == 0
    assert page.get_by_role("button", name="岐阜市立長良小学校").count() == 1
    table = page.get_by_role("table", name="地図の地点（8件）")
    assert table.get_by_role("cell", name="岐阜市立長良小学校").count() == 1
    assert_accessible(page)
    # Without JavaScript the table is there and the empty map stays hidden.
    context = page.context.browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live_server.url + "/opendata/dataset/gifu-city-evacuation-sites/")
    assert plain.locator("#opendata-map").is_hidden()
    assert "35.4412" in plain.locator("#map-points-caption ~ tbody").inner_text()
    context.close()
