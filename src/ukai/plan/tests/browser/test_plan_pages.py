"""The plan's pages in Debian's Chromium: the CIO's dashboard, ICT's entry, the public page."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from ukai.core.service import Role
from ukai.core.testing.axe import assert_accessible
from ukai.plan.models import Indicator, IndicatorValue
from ukai.plan.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-12345-word"
SHOTS = Path(os.environ.get("UKAI_SCREENSHOTS", Path(tempfile.gettempdir()) / "ukai-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str) -> None:
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/staff/")


def measure_status(page, code: str) -> str:
    return str(page.locator(f'tr[data-measure="{code}"] .plan-status').inner_text())


@pytest.fixture
def plan():
    return factories.seeded_plan()


def test_the_cio_sees_every_measure_with_targets_and_the_schedule(browser_page, plan):
    factories.staff(role=Role.CIO, username="cio-test")
    page = browser_page
    sign_in(page, "cio-test")
    page.goto("/staff/plan/?fy=2025")
    assert page.get_by_role("heading", level=1).inner_text() == "計画の進捗管理"
    assert page.locator("tr[data-measure]").count() == 16
    dashboard = page.locator("main").inner_text()
    for target in [
        "目標（2025年度）：30事務以上",
        "目標（2025年度）：18分野以上",
        "目標（2025年度）：15件以上",
        "目標（2025年度）：80%以上",
        "目標（2025年度）：0.25倍以下",
        "目標（2025年度）：60%以上",
        "目標（2025年度）：100,000枚/年以上",
    ]:
        assert target in dashboard, target
    schedule = page.get_by_role("table", name=re.compile("施策ごとの年度別の実施段階"))
    assert schedule.locator("tbody tr").count() == 16
    assert schedule.get_by_role("columnheader", name=re.compile("2022年度")).is_visible()
    assert "再構築" in schedule.inner_text()
    assert page.get_by_role("button", name="指標を今すぐ集計する").count() == 0
    assert_accessible(page)
    shot(page, "plan-dashboard-cio")
    page.goto("/staff/plan/measures/1-4/")
    assert_accessible(page)


def test_ict_enters_a_value_runs_the_collectors_and_the_status_changes(browser_page, plan):
    factories.staff(role=Role.ICT, username="ict-test")
    page = browser_page
    sign_in(page, "ict-test")
    page.goto("/staff/plan/?fy=2025")
    assert measure_status(page, "1-7") == "未計測"

    page.goto("/staff/plan/measures/1-7/")
    page.get_by_role("link", name="市公式ＨＰのアクセス数の実績値を入力").click()
    # Bad input first: a value in the wrong unit keeps the form and changes nothing.
    page.get_by_label("実績値").fill("12550%")
    page.get_by_label("算出方法").fill("アクセス解析ツールの年間ページビュー")
    page.get_by_label("根拠資料").set_input_files(
        files=[{"name": "access.pdf", "mimeType": "application/pdf", "buffer": factories.PDF_BYTES}]
    )
    page.get_by_role("button", name="登録する").click()
    assert "単位が違います。この指標の単位は「件」です" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("実績値").input_value() == "12550%"
    assert_accessible(page)
    assert not IndicatorValue.objects.exists()

    page.get_by_label("実績値").fill("１２，５５０")
    page.get_by_label("根拠資料").set_input_files(
        files=[{"name": "access.pdf", "mimeType": "application/pdf", "buffer": factories.PDF_BYTES}]
    )
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/staff/plan/measures/1-7/")
    assert "実績値を登録しました。" in page.locator(".messages").inner_text()

    page.goto("/staff/plan/?fy=2025")
    assert measure_status(page, "1-7") != "未計測"

    # A collector that raises, and one that works: the failure is shown, the good value stays.
    with (
        factories.temporary_collector("test-fixed", factories.FixedCollector, value=15.0),
        factories.temporary_collector("test-broken", factories.RaisingCollector),
    ):
        Indicator.objects.filter(code="1-6-a").update(collector_id="test-fixed")
        Indicator.objects.filter(code="1-2-a").update(collector_id="test-broken")
        before_16 = measure_status(page, "1-6")
        page.get_by_role("button", name="指標を今すぐ集計する").click()
        results = page.locator("main").inner_text()
        assert "RuntimeError: データベースに接続できません" in results
        assert "失敗した指標は値を更新していません" in results
        assert_accessible(page)
        page.goto("/staff/plan/?fy=2025")
        assert before_16 == "未計測"
        assert measure_status(page, "1-6") == "達成"
        assert measure_status(page, "1-2") == "未計測"
        shot(page, "plan-dashboard-after-collect")
        page.goto("/staff/plan/measures/1-2/")
        assert "失敗しました" in page.locator("main").inner_text()
        assert_accessible(page)
        shot(page, "plan-measure-failed-collector")


def test_a_target_outside_the_plan_is_refused(browser_page, plan):
    factories.staff(role=Role.ICT, username="ict-test")
    page = browser_page
    sign_in(page, "ict-test")
    page.goto("/staff/plan/measures/1-4/")
    form = page.get_by_role("group", name="電子申請事務数の年度目標を設定")
    form.get_by_label("年度（西暦）").fill("2026")
    form.get_by_label("目標値（事務）").fill("40")
    form.get_by_role("button", name="目標を設定").click()
    assert (
        "2026年度は計画期間（2020年度〜2025年度）の外です" in page.locator(".messages").inner_text()
    )
    assert not Indicator.objects.get(code="1-4-a").targets.filter(fiscal_year=2026).exists()
    assert_accessible(page)
    # Milestones and the committee's review on a measure without numeric targets.
    page.goto("/staff/plan/measures/1-8/")
    page.get_by_label("「新庁舎の災害対策本部室の整備」の達成日（空欄で未達成）").fill("2021-05-06")
    page.locator(".plan-milestone-form").nth(1).get_by_role("button", name="達成日を保存").click()
    assert "マイルストーンを更新しました。" in page.locator(".messages").inner_text()
    review = page.get_by_role("group", name="年次評価を記録")
    review.get_by_label("年度（西暦）").fill("2022")
    review.get_by_role("combobox", name="評価").select_option("on_track")
    review.get_by_label("評価の所見").fill("災害対策本部室を整備した。")
    review.get_by_role("button", name="年次評価を記録").click()
    assert "年次評価を記録しました。" in page.locator(".messages").inner_text()
    assert (
        "災害対策本部室を整備した。"
        in page.get_by_role("table", name="年度ごとの評価・所見・改善の方向性").inner_text()
    )
    assert_accessible(page)
    shot(page, "plan-measure-milestones-review")


def test_the_public_page_shows_the_progress_without_personal_data(browser_page, plan):
    from ukai.plan import services

    ict = factories.staff(role=Role.ICT, username="ict-secret", display_name="情報 秘密子")
    services.indicator_value_enter(
        indicator=Indicator.objects.get(code="1-7-a"),
        value_text="13000",
        measured_on=timezone.localdate(),
        description="アクセス解析",
        evidence=factories.evidence_pdf(),
        entered_by=ict,
    )
    page = browser_page
    page.goto("/plan/")
    assert page.get_by_role("heading", level=1).inner_text() == "ICT活用推進計画の進捗"
    assert page.locator("tr[data-measure]").count() == 16
    text = page.locator("body").inner_text()
    assert "13,000件" in text
    assert "情報 秘密子" not in text
    assert "ict-secret" not in page.content()
    assert page.locator("a[href*='/evidence/']").count() == 0
    assert_accessible(page)
    shot(page, "plan-public")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
