"""Every core page in Debian's Chromium: axe (WCAG 2.0 A/AA), keyboard, language, sign-in."""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from ukai.core.audit import audit_log
from ukai.core.demo import DEMO_PASSWORD, demo_load
from ukai.core.models import Role, Staff
from ukai.core.testing.axe import assert_accessible
from ukai.core.testing.staff import totp_code
from ukai.core.tests import factories, tasks_for_tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("UKAI_SCREENSHOTS", Path(tempfile.gettempdir()) / "ukai-shots"))


@pytest.fixture
def demo():
    return demo_load()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()


def enter_code(page, code: str) -> None:
    page.get_by_label("確認コード（6桁の数字）").fill(code)
    page.get_by_role("button", name="確認してログイン").click()


def sign_in_as_admin(page) -> None:
    sign_in(page, "admin")
    enter_code(page, totp_code(TOTPDevice.objects.get(user__username="admin")))
    page.wait_for_url("**/staff/")


def test_home_in_japanese(browser_page, demo):
    page = browser_page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "岐阜市のオンラインサービス"
    assert page.get_by_role("navigation", name="パンくずリスト").is_visible()
    assert page.locator("header").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("footer").get_by_role("link", name="アクセシビリティ方針").is_visible()
    assert_accessible(page)
    shot(page, "home-ja")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    shot(page, "home-ja-phone")


def test_the_language_switcher_goes_to_english_and_back(browser_page, demo):
    page = browser_page
    page.goto("/accessibility/")
    page.get_by_label("言語 / Language").select_option("en")
    page.get_by_role("button", name="切り替え").click()
    page.wait_for_url("**/accessibility/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility policy"
    assert_accessible(page)
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Gifu City online services"
    assert_accessible(page)
    shot(page, "home-en")
    page.get_by_label("言語 / Language").select_option("ja")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "岐阜市のオンラインサービス"


def test_the_accessibility_policy(browser_page, demo):
    browser_page.goto("/accessibility/")
    assert "JIS X 8341-3:2016" in browser_page.locator("main").inner_text()
    assert_accessible(browser_page)


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(browser_page, demo):
    page = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "本文へ移動"
    # The link is visible once focused (it is hidden off-screen otherwise).
    assert page.get_by_role("link", name="本文へ移動").is_visible()
    box = page.get_by_role("link", name="本文へ移動").bounding_box()
    assert box is not None
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_login_page_and_its_error_state(browser_page, demo):
    page = browser_page
    page.goto("/staff/login/")
    assert_accessible(page)
    sign_in(page, "counter", "wrong-password")
    alert = page.get_by_role("alert")
    assert "ユーザー名またはパスワードが正しくありません" in alert.inner_text()
    assert page.title().startswith("エラー：")
    assert_accessible(page)
    # A missing field: the summary links to it, and the field names its error.
    page.get_by_label("ユーザー名").fill("counter")
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.get_by_role("link", name="パスワード：パスワードを入力してください。").click()
    assert page.evaluate("document.activeElement.id") == "id_password"
    assert page.locator("#id_password").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_administrator_signs_in_with_totp_and_sees_the_staff_pages(browser_page, demo):
    page = browser_page
    sign_in(page, "admin")
    page.wait_for_url("**/staff/login/otp/")
    assert_accessible(page)
    enter_code(page, "000000")
    assert "確認コードが正しくありません" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username="admin")
    device.throttle_reset()
    enter_code(page, totp_code(device))
    page.wait_for_url("**/staff/")
    main = page.locator("main").inner_text()
    assert "管理 三郎（デモ）" in main
    assert "システム管理者" in main
    assert "情報政策課" in main
    assert_accessible(page)
    shot(page, "staff-home")

    counter = Staff.objects.get(username="counter")
    page.goto(f"/staff/people/{counter.pk}/")
    assert "counter@demo.ukai.invalid" in page.locator("main").inner_text()
    assert_accessible(page)

    for n in range(60):
        audit_log(
            action="read",
            object_type="residents.resident",
            object_id=str(n),
            purpose="窓口での本人確認",
        )
    page.goto("/staff/audit/")
    assert page.get_by_role("table").count() == 1
    assert page.get_by_role("navigation", name="ページ送り").is_visible()
    assert_accessible(page)
    shot(page, "audit-log")
    page.get_by_label("利用者（ユーザー名の一部）").fill("nobody-at-all")
    page.get_by_role("button", name="検索する").click()
    assert "条件に合う記録はありません" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/staff/audit/?since=2026-02-30")
    assert "2月30日という日付はありません" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    page.goto("/staff/tasks/")
    assert "タスクはまだありません" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/")
    assert "ログアウトしました" in page.get_by_role("status").inner_text()


def test_the_tasks_page_with_failures_and_workers(browser_page, demo):
    tasks_for_tests.always_fails.enqueue("browser")
    tasks_for_tests.fails_every_time_no_backoff.enqueue()
    tasks_for_tests.fails_once_then_succeeds.enqueue("browser-flaky")
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = browser_page
    sign_in_as_admin(page)
    page.goto("/staff/tasks/")
    details = page.locator("details.task-error").first
    details.locator("summary").click()
    assert "FlakyError" in details.inner_text()
    assert_accessible(page)
    shot(page, "tasks")
    page.get_by_label("状態", exact=True).select_option("READY")
    page.get_by_role("button", name="絞り込む").click()
    assert "再試行待ち" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_new_administrator_enrols_an_authenticator(browser_page):
    factories.staff(role=Role.ADMIN, username="new-admin")
    page = browser_page
    sign_in(page, "new-admin", "correct horse battery staple")
    page.wait_for_url("**/staff/security/totp/")
    assert page.get_by_role("img", name="認証アプリ登録用のQRコード").is_visible()
    assert_accessible(page)
    shot(page, "totp-enrol")
    secret = page.locator(".qr__secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.get_by_label("確認コード（6桁の数字）").fill("000000")
    page.get_by_role("button", name="登録する").click()
    assert "確認コードが正しくありません" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("確認コード（6桁の数字）").fill(totp_code(TOTPDevice(key=key)))
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/staff/")
    assert "認証アプリを登録しました" in page.get_by_role("status").inner_text()
    assert_accessible(page)


def test_counter_staff_sign_in_without_a_code_and_are_refused_the_audit_log(browser_page, demo):
    page = browser_page
    sign_in(page, "counter")
    page.wait_for_url("**/staff/")
    assert (
        page.get_by_role("navigation", name="職員用メニュー")
        .get_by_role("link", name="監査ログ")
        .count()
        == 0
    )
    response = page.goto("/staff/audit/")
    assert response is not None
    assert response.status == 403
    assert "このページを表示する権限がありません" in page.locator("main").inner_text()
    assert_accessible(page)


def test_six_wrong_passwords_lock_the_account(browser_page, demo):
    page = browser_page
    for _ in range(6):
        sign_in(page, "ict", "wrong-password")
    assert page.get_by_role("heading", level=1).inner_text() == "ログインを一時的に停止しています"
    assert "Sign-in temporarily locked" in page.locator("main").inner_text()
    assert_accessible(page)
    # Even the right password is refused now.
    sign_in(page, "ict")
    assert page.get_by_role("heading", level=1).inner_text() == "ログインを一時的に停止しています"


def test_not_found_page(browser_page, demo):
    response = browser_page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404
    assert_accessible(browser_page)
