from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ukai.core.testing.staff import staff_client_login
from ukai.opendata import services
from ukai.opendata.models import Resource
from ukai.opendata.tests.conftest import dataset_data, make_staff


def test_staff_upload_checks_repairs_and_keeps_the_original(
    client, catalog, publisher, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    services.dataset_create(
        data=dataset_data("fire", standard_dataset="消防水利施設一覧"), staff=None
    )
    staff_client_login(client, publisher)
    page = client.get("/staff/opendata/").content.decode()
    assert "/staff/opendata/dataset/fire/upload/" in page
    header = "全国地方公共団体コード,ID,地方公共団体名,種別,緯度,経度,口径"
    content = f"{header}\r\n21201,1,岐阜市,消火栓,136.759,35.416,150\r\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/staff/opendata/dataset/fire/upload/",
            {"file": SimpleUploadedFile("fire.csv", content), "repair": "on"},
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "第2版を公開しました" in page
    # The rows go to the datastore in the background.
    assert "バックグラウンドでデータストア" in page
    assert DBTaskResult.objects.filter(task_path__endswith=".datastore_load_run").count() == 1
    assert "緯度と経度が入れ替わっていたため入れ替えました" in page
    assert "第1版からの変更：追加 0行・削除 0行・変更 1行" in page
    assert Resource.objects.get(dataset__name="fire").versions.count() == 2


def test_staff_upload_shows_errors_and_changes_nothing(client, catalog, publisher):
    services.dataset_create(data=dataset_data("broken"), staff=None)
    staff_client_login(client, publisher)
    response = client.post(
        "/staff/opendata/dataset/broken/upload/",
        {"file": SimpleUploadedFile("bad.csv", b"a,b\r\n1\r\n")},
    )
    assert response.status_code == 200
    assert "列の数がそろっていません" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_2_gb_upload_is_refused_before_its_body_is_read(client, catalog, publisher):
    services.dataset_create(data=dataset_data("huge"), staff=None)
    staff_client_login(client, publisher)
    # The client claims 2 GB; the page answers from Content-Length without reading the body.
    response = client.generic(
        "POST",
        "/staff/opendata/dataset/huge/upload/",
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert f"ファイルが大きすぎます（上限 {services.upload_limit_text()}）" in page
    assert "Nothing was stored" in page
    assert not Resource.objects.exists()


def test_staff_pages_need_sign_in_and_membership(client, catalog):
    services.dataset_create(data=dataset_data("xx"), staff=None)
    assert client.get("/staff/opendata/").status_code == 302
    outsider = make_staff("outsider-page")
    staff_client_login(client, outsider)
    assert "公開担当者として登録されていません" in client.get("/staff/opendata/").content.decode()
    assert client.get("/staff/opendata/dataset/xx/upload/").status_code == 404


def test_staff_create_and_edit_a_dataset(client, catalog, publisher):
    from ukai.opendata.models import Dataset

    staff_client_login(client, publisher)
    assert client.get("/staff/opendata/dataset/new/").status_code == 200
    form = {
        "owner_org": "gifu-city",
        "name": "gifu-city-parks",
        "title": "公園一覧",
        "notes": "市内の公園です。",
        "license_id": "CC-BY-4.0",
        "tags": "公園、緑地",
        "groups": ["kurashi"],
        "update_frequency": "annually",
        "standard_dataset": "",
        "contact_name": "公園整備課",
        "contact_email": "koen@example.jp",
    }
    response = client.post("/staff/opendata/dataset/new/", form)
    assert response.status_code == 302
    dataset = Dataset.objects.get(name="gifu-city-parks")
    assert sorted(t.name for t in dataset.tags.all()) == ["公園", "緑地"]
    # The same name again: the service's message appears next to the field, nothing is created.
    response = client.post("/staff/opendata/dataset/new/", form)
    assert "この名前（URL）は既に使われています" in response.content.decode()
    assert Dataset.objects.count() == 1
    # Another organisation is not offered, and the service refuses it anyway.
    response = client.post(
        "/staff/opendata/dataset/new/", dict(form, name="x-ogaki", owner_org="ogaki-city")
    )
    assert response.status_code == 200
    assert not Dataset.objects.filter(name="x-ogaki").exists()
    edit = client.post(
        "/staff/opendata/dataset/gifu-city-parks/edit/",
        dict(form, title="都市公園一覧", private="on"),
    )
    assert edit.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "都市公園一覧"
    assert dataset.private is True


def test_organisation_admins_manage_publishers(client, catalog, publisher):
    from ukai.opendata.models import Publisher

    staff_client_login(client, publisher)
    assert client.get("/staff/opendata/publishers/").status_code == 404  # an editor
    boss = make_staff("od-boss")
    services.publisher_set(staff=boss, organization=catalog, role="admin")
    make_staff("od-newcomer")
    staff_client_login(client, boss)
    page = client.get("/staff/opendata/publishers/").content.decode()
    assert "od-publisher" in page
    response = client.post(
        "/staff/opendata/publishers/",
        {"organization": "gifu-city", "username": "od-newcomer", "role": "editor"},
    )
    assert response.status_code == 302
    added = Publisher.objects.get(staff__username="od-newcomer")
    response = client.post("/staff/opendata/publishers/", {"remove": str(added.pk)})
    assert response.status_code == 302
    assert not Publisher.objects.filter(staff__username="od-newcomer").exists()
    response = client.post(
        "/staff/opendata/publishers/",
        {"organization": "ogaki-city", "username": "od-newcomer", "role": "editor"},
    )
    assert "組織と職員のユーザー名を正しく指定してください" in response.content.decode()
