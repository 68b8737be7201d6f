"""The public catalog API: list with filters and pagination, detail with the published form."""

from __future__ import annotations

from ukai.procedures.models import FormDefinition, Procedure


def test_list_is_paginated_and_filtered(catalog, client):
    response = client.get("/api/v1/procedures", {"limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 32 + 15  # and the one-stop counter's (procedures-counter.json)
    assert len(body["items"]) == 5
    body = client.get("/api/v1/procedures", {"life_event": "long-term-care"}).json()
    assert body["count"] == 11
    body = client.get("/api/v1/procedures", {"category": "waste", "q": "そだい"}).json()
    assert [p["slug"] for p in body["items"]] == ["sodai-gomi-shushu"]
    assert body["items"][0]["fee_yen"] is None
    assert body["items"][0]["has_online_form"] is True


def test_bad_filters_are_problem_details(catalog, client):
    response = client.get("/api/v1/procedures", {"life_event": "holiday"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"


def test_detail_has_the_published_form(catalog, client):
    body = client.get("/api/v1/procedures/juminhyo-utsushi").json()
    assert body["fee_yen"] == 300
    assert body["form"]["version"] == 1
    assert body["form"]["definition"]["steps"][0]["key"] == "requester"
    assert "tenshutsu-todoke" in body["related"]
    # 犬の登録 is done at the counter or by post: its form is the counter's, not online.
    Procedure.objects.filter(slug="inu-toroku").update(channels=["counter", "post"])
    FormDefinition.objects.filter(procedure__slug="tenshutsu-todoke").delete()
    body = client.get("/api/v1/procedures/tenshutsu-todoke").json()
    assert body["form"] is None
    assert body["has_online_form"] is False


def test_unknown_slug_is_a_404_problem(catalog, client):
    response = client.get("/api/v1/procedures/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "not_found"
    assert "手続" in problem["detail"]
    assert "Procedure" in problem["detail_en"]
    assert client.get("/api/v1/procedures/" + "x" * 500).status_code == 404
