"""The counter's pages as staff use them, without JavaScript: each step posts and redirects."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.urls import reverse

from ukai.counter import services
from ukai.counter.models import LifeEvent, Visit, VisitStatus

from .conftest import complete, png_data_url
from .test_visits import CONTACT, INTERVIEW, MOVING_IN_FAMILY


def post_names(spec: Any, prefix: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The names and values a browser sends for the one-screen form of one procedure."""
    data: dict[str, Any] = {}

    def put(field: Any, name: str, value: Any) -> None:
        if value is None:
            return
        if field.type == "name":
            parts = value if isinstance(value, dict) else {"name": value}
            for part, text in parts.items():
                data[f"{name}.{part}"] = text
        elif field.type == "checkbox":
            if value:
                data[name] = "on"
        else:
            data[name] = value if isinstance(value, list) else str(value)

    for field in spec.fields():
        if field.type == "group":
            for index, item in enumerate(answers.get(field.key) or []):
                for child in field.fields:
                    put(child, f"{prefix}{field.key}.{index}.{child.key}", item.get(child.key))
        else:
            put(field, f"{prefix}{field.key}", answers.get(field.key))
    return data


def test_only_counter_and_department_staff_serve_residents(events: Any, staff_client: Any) -> None:
    assert staff_client("ict").get(reverse("counter:home")).status_code == 403
    assert staff_client("cio", "cio-1").get(reverse("counter:home")).status_code == 403
    page = staff_client("counter").get(reverse("counter:home"))
    assert page.status_code == 200
    assert "転入（市外から引っ越してきた）" in page.content.decode()
    assert "対応中の来庁者はいません。" in page.content.decode()
    # ICT maintains the rules and sees the figures, but not residents' visits.
    assert staff_client("ict", "ict-2").get(reverse("counter:dashboard")).status_code == 200


def test_a_family_moving_in_through_every_page(events: Any, staff_client: Any) -> None:
    client = staff_client("counter")
    started = client.post(reverse("counter:home"), {"life_event": "moving_in"})
    visit = Visit.objects.get()
    assert started["Location"] == reverse("counter:identify", args=[visit.pk])

    manual: dict[str, Any] = {"mode": "manual", "revision": visit.revision, **CONTACT}
    for index, row in enumerate(MOVING_IN_FAMILY):
        manual.update({f"p{index}-{key}": value for key, value in row.items()})
    response = client.post(reverse("counter:identify", args=[visit.pk]), manual)
    assert response["Location"] == reverse("counter:interview", args=[visit.pk])

    page = client.get(response["Location"]).content.decode()
    assert "岐阜市に住み始めた日" in page
    assert "小・中学生の年齢の人数" in page
    visit.refresh_from_db()
    response = client.post(
        reverse("counter:interview", args=[visit.pk]), {**INTERVIEW, "revision": visit.revision}
    )
    assert response["Location"] == reverse("counter:procedures", args=[visit.pk])
    page = client.get(response["Location"]).content.decode()
    assert "18歳未満のお子さん（2人）がいるため：児童手当" in page
    assert "子ども医療費受給者証" in page or "子ども医療費" in page

    visit.refresh_from_db()
    response = client.post(
        reverse("counter:procedures", args=[visit.pk]),
        {"revision": visit.revision, "selected": [r["slug"] for r in visit.procedures], "add": ""},
    )
    assert response["Location"] == reverse("counter:forms", args=[visit.pk])
    page = client.get(response["Location"]).content.decode()
    assert "記録から記入" in page
    assert 'value="岐阜県岐阜市司町40番地1"' in page
    assert page.count("岐阜\u3000蓮") >= 3  # 転入届, 子ども医療費, 転入学 (and 児童手当)

    visit.refresh_from_db()
    data: dict[str, Any] = {"revision": visit.revision, "action": "next"}
    slugs = [r["slug"] for r in visit.procedures if r["selected"]]
    for index, slug in enumerate(slugs):
        found = services.procedure_form(slug)
        assert found is not None
        data.update(post_names(found[2], f"f{index}-", complete(found[2], visit.forms[slug])))
    # One wrong value first: the page says where, and keeps what was typed.
    wrong = {**data, "f0-phone": "電話"}
    page = client.post(reverse("counter:forms", args=[visit.pk]), wrong)
    assert page.status_code == 422
    assert "確認が必要な項目が1件あります" in page.content.decode()
    assert 'value="電話"' in page.content.decode()
    # The summary's link leads to the field itself.
    assert 'href="#id-f0-phone"' in page.content.decode()
    assert 'id="id-f0-phone"' in page.content.decode()
    visit.refresh_from_db()
    data["revision"] = visit.revision
    response = client.post(reverse("counter:forms", args=[visit.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("counter:sign", args=[visit.pk])

    page = client.get(response["Location"]).content.decode()
    assert "一度だけ署名していただきます" in page
    preview = client.get(reverse("counter:preview_pdf", args=[visit.pk]))
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF")

    visit.refresh_from_db()
    response = client.post(
        reverse("counter:sign", args=[visit.pk]),
        {"revision": visit.revision, "signature": png_data_url()},
    )
    assert response["Location"] == reverse("counter:done", args=[visit.pk])
    page = client.get(response["Location"]).content.decode()
    case_model = apps.get_model("procedures", "Case")
    assert case_model.objects.count() == 5
    for case in case_model.objects.all():
        assert case.receipt_number in page
    batch = client.get(reverse("counter:batch_pdf", args=[visit.pk]))
    assert batch.content.startswith(b"%PDF")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.FINISHED

    # Routing the resident on makes the visit not "finished at one counter".
    client.post(reverse("counter:route", args=[visit.pk]), {"department": "no-such"})
    visit.refresh_from_db()
    assert visit.routed_departments == []


def test_a_stale_page_says_another_member_of_staff_saved_first(
    events: Any, staff_client: Any
) -> None:
    first = staff_client("counter", "a")
    second = staff_client("counter", "b")
    first.post(reverse("counter:home"), {"life_event": "pregnancy"})
    visit = Visit.objects.get()
    rows = {f"p0-{k}": v for k, v in MOVING_IN_FAMILY[1].items()}
    first.post(
        reverse("counter:identify", args=[visit.pk]), {"mode": "manual", "revision": 1, **rows}
    )
    page = second.post(
        reverse("counter:identify", args=[visit.pk]),
        {"mode": "manual", "revision": 1, **rows},
        follow=True,
    )
    assert "別の職員が先に更新しました" in page.content.decode()


def test_an_unknown_visit_is_a_clear_404(events: Any, staff_client: Any) -> None:
    response = staff_client("counter").get(reverse("counter:interview", args=[999]))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_rules_pages_counter_tests_managers_save(events: Any, staff_client: Any) -> None:
    counter = staff_client("counter")
    page = counter.get(reverse("counter:event", args=["birth"]) + "?run=1").content.decode()
    assert "合格" in page
    assert "テストして保存する" not in page
    text = LifeEvent.objects.get(code="birth").spec
    import json

    broken = json.dumps(text, ensure_ascii=False).replace(
        '"event_date": true', '"event_date": "yes"', 1
    )
    response = counter.post(
        reverse("counter:event", args=["birth"]),
        {"definition": broken, "action": "save", "revision": 1},
    )
    assert response.status_code in {403, 422}
    manager = staff_client("manager")
    response = manager.post(
        reverse("counter:event", args=["birth"]),
        {"definition": "{not json", "action": "save", "revision": 1},
    )
    assert response.status_code == 422
    assert "1行 2文字目" in response.content.decode()
    assert LifeEvent.objects.get(code="birth").revision == 1
    good = json.dumps(text, ensure_ascii=False)
    response = manager.post(
        reverse("counter:event", args=["birth"]),
        {"definition": good, "action": "save", "revision": 1},
    )
    assert response.status_code == 302
    assert LifeEvent.objects.get(code="birth").revision == 2


def test_the_dashboard_takes_a_baseline_and_refuses_a_wrong_one(
    events: Any, staff_client: Any
) -> None:
    manager = staff_client("manager")
    page = manager.get(reverse("counter:dashboard")).content.decode()
    assert "基準値が未登録です" in page
    wrong = manager.post(
        reverse("counter:dashboard"),
        {
            "period_start": "2026-03-31",
            "period_end": "2025-04-01",
            "median_wait_minutes": "20",
            "median_handling_minutes": "30",
        },
    )
    assert wrong.status_code == 422
    assert "正しく入力してください" in wrong.content.decode()
    manager.post(
        reverse("counter:dashboard"),
        {
            "period_start": "令和7年4月1日",
            "period_end": "2026-03-31",
            "median_wait_minutes": "20",
            "median_handling_minutes": "30.5",
        },
    )
    page = manager.get(reverse("counter:dashboard")).content.decode()
    assert re.search(r"2025-04-01〜2026-03-31.*待ち 20.0分、手続 30.5分", page)
