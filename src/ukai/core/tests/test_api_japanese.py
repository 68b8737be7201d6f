"""The Japanese utilities over the API: what a form sees for good and bad input."""

import pytest


def _problem(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_a_wareki_date_is_read_with_its_fiscal_year(client):
    body = client.get("/api/v1/japanese/dates", {"text": "令和6年4月1日"}).json()
    assert body["date"] == "2024-04-01"
    assert body["wareki_short"] == "R6.4.1"
    assert body["fiscal_year"] == 2024
    assert body["fiscal_year_label"] == "令和6年度"
    assert body["business_day"] is True


def test_a_form_printed_before_the_era_change_is_accepted_leniently(client):
    body = client.get("/api/v1/japanese/dates", {"text": "平成31年5月1日"}).json()
    assert body["date"] == "2019-05-01"
    assert body["wareki"] == "令和元年5月1日"
    strict = _problem(
        client.get("/api/v1/japanese/dates", {"text": "平成31年5月1日", "lenient": "false"})
    )
    assert strict["code"] == "wareki_era_ended"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("令和0年4月1日", "wareki_year_zero"),
        ("令和6年2月30日", "wareki_invalid_date"),
        ("光文3年1月1日", "wareki_unknown_era"),
        ("あいうえお", "wareki_format"),
    ],
)
def test_impossible_dates_get_a_precise_message(client, text, code):
    body = _problem(client.get("/api/v1/japanese/dates", {"text": text}))
    assert body["code"] == code
    assert body["errors"][0]["loc"] == ["text"]
    assert body["detail"] != body["detail_en"]  # Japanese and English


def test_oversized_text_is_refused(client):
    body = _problem(client.get("/api/v1/japanese/dates", {"text": "令" * 5000}))
    assert body["code"] == "validation_error"


def test_postal_code_lookup_finds_gifu_city_hall(client):
    body = client.get("/api/v1/japanese/postal-codes/５００－８７０１").json()
    assert body["formatted"] == "500-8701"
    address = body["addresses"][0]
    assert (address["prefecture"], address["city"]) == ("岐阜県", "岐阜市")


def test_unknown_and_malformed_postal_codes(client):
    assert _problem(client.get("/api/v1/japanese/postal-codes/0000000"), 422)["code"]
    body = _problem(client.get("/api/v1/japanese/postal-codes/50087"))
    assert body["code"] == "postal_format"


def test_local_government_code_check_and_leading_zero_candidate(client):
    body = client.get("/api/v1/japanese/local-government-codes/212016").json()
    assert (body["code"], body["check_digit"]) == ("212016", 6)
    wrong = _problem(client.get("/api/v1/japanese/local-government-codes/212015"))
    assert wrong["code"] == "lgcode_check_digit"
    assert "検査数字" in wrong["detail"]
    # A published file turned 092011 into 92011: offer the repair.
    lost_zero = client.get("/api/v1/japanese/local-government-codes/92011").json()
    assert lost_zero["leading_zero_candidate"] == "092011"


def test_reading_suggestion(client):
    body = client.get("/api/v1/japanese/readings", {"text": "岐阜市"}).json()
    assert body["reading"] == "ギフシ"
