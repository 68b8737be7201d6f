"""The core pages through Django's test client: rendering, permissions, sign-in, audit, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ukai.core import staff_auth
from ukai.core.audit import audit_log
from ukai.core.demo import DEMO_PASSWORD, demo_load
from ukai.core.models import AuditEvent, Role, Staff, WorkerHeartbeat
from ukai.core.testing.staff import staff_client_login, totp_code
from ukai.core.views import RESIDENT_SERVICES, STAFF_SERVICES

from . import factories, tasks_for_tests

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def demo():
    return demo_load()


def staff_named(username: str) -> Staff:
    return Staff.objects.get(username=username)


def text(response) -> str:
    return str(response.content.decode("utf-8"))


# --- public pages ------------------------------------------------------------------


def test_home_lists_the_plans_services_in_japanese(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="ja">' in page
    assert "岐阜市のオンラインサービス" in page
    for title in (
        "ワンストップ窓口",
        "オンライン申請",
        "AIチャットボット",
        "キャッシュレス決済",
        "オープンデータ",
        "防災・災害情報",
        "多言語翻訳",
    ):
        assert title in page
    # A service whose module is installed links to it; the others say they are
    # being prepared.
    services = [*RESIDENT_SERVICES, *STAFF_SERVICES]
    available = [s for s in services if s.url]
    assert page.count("準備中") == len(services) - len(available)
    for service in available:
        assert f'href="{service.url}"' in page
    assert 'href="/accessibility/"' in page
    assert "本文へ移動" in page
    assert 'aria-label="パンくずリスト"' in page


def test_home_in_english(client, demo):
    page = text(client.get("/", **EN))
    assert '<html lang="en">' in page
    assert "Gifu City online services" in page
    assert "Skip to main content" in page
    assert "Coming soon" in page
    assert "準備中" not in page


def test_the_language_cookie_chooses_english(client, demo):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accessibility/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accessibility/"
    assert '<html lang="en">' in text(response)
    assert "Accessibility policy" in text(response)


def test_a_language_without_translations_is_not_offered_and_the_page_stays_japanese(client, demo):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    # The catalogue for Chinese is still empty: the page is Japanese and says so.
    assert '<html lang="ja">' in page
    assert 'value="zh-hans"' not in page
    assert 'value="en"' in page


def test_home_without_a_municipality_shows_ukai(client):
    page = text(client.get("/"))
    assert '<span class="site-header__name">Ukai</span>' in page


def test_accessibility_policy_states_the_target_and_how_it_is_tested(client, demo):
    page = text(client.get("/accessibility/"))
    assert "JIS X 8341-3:2016" in page
    assert "適合レベルAA" in page
    assert "axe-core" in page
    assert "例外事項" in page
    assert "058-265-4141" in page
    english = text(client.get("/accessibility/", **EN))
    assert "conformance level AA" in english


def test_unknown_pages_get_a_japanese_404(client, demo):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in text(response)


# --- signing in ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    for name in ("core:staff_home", "core:audit_log", "core:tasks", "core:audit_log_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
    response = client.get(reverse("core:staff_profile", kwargs={"staff_id": 1}))
    assert response["Location"] == "/staff/login/?next=/staff/people/1/"


def test_login_page_renders_in_japanese_and_english(client):
    assert "職員ログイン" in text(client.get("/staff/login/"))
    assert "Staff sign-in" in text(client.get("/staff/login/", **EN))


def test_counter_staff_sign_in_with_a_password_and_the_login_is_audited(client, demo):
    response = client.post(
        "/staff/login/",
        {"username": "counter", "password": DEMO_PASSWORD},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    page = text(client.get("/staff/"))
    assert "窓口 花子（デモ）" in page
    assert "窓口職員" in page
    assert "市民課" in page
    event = AuditEvent.objects.get(action="login")
    assert event.actor_username == "counter"
    assert event.actor_id == staff_named("counter").pk
    assert event.object_type == "core.staff"
    assert event.ip_address == "192.0.2.44"


def test_a_wrong_password_is_refused_clearly_and_audited(client, demo):
    response = client.post("/staff/login/", {"username": "counter", "password": "wrong"})
    assert response.status_code == 200
    page = text(response)
    assert "ユーザー名またはパスワードが正しくありません" in page
    assert 'role="alert"' in page
    assert 'value="counter"' in page  # what was typed is kept
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_username == "counter"
    assert event.object_id == str(staff_named("counter").pk)
    assert event.purpose == "パスワードの誤り"


def test_the_login_ignores_a_next_url_pointing_elsewhere(client, demo):
    response = client.post(
        "/staff/login/?next=https://evil.example/",
        {"username": "counter", "password": DEMO_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/staff/"


def test_the_administrator_needs_the_totp_code_before_any_staff_page(client, demo):
    admin = staff_named("admin")
    response = client.post(
        "/staff/login/?next=/staff/audit/",
        {"username": "admin", "password": DEMO_PASSWORD, "next": "/staff/audit/"},
    )
    assert response["Location"] == "/staff/login/otp/"
    # The password alone opens nothing: not the staff pages, not the admin, not the API.
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    assert client.get("/django-admin/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    assert not AuditEvent.objects.filter(action="login").exists()

    page = client.get("/staff/login/otp/")
    assert "確認コード" in text(page)
    wrong = client.post("/staff/login/otp/", {"token": "000000"})
    assert "確認コードが正しくありません" in text(wrong)
    assert AuditEvent.objects.filter(action="login_failed", purpose="確認コードの誤り").exists()

    device = TOTPDevice.objects.get(user=admin)
    # Wrong attempts make the device wait before the next one; let it accept again.
    device.throttle_reset()
    response = client.post("/staff/login/otp/", {"token": totp_code(device)})
    assert response["Location"] == "/staff/audit/"
    assert client.get("/staff/audit/").status_code == 200
    assert client.get("/django-admin/").status_code == 200
    assert AuditEvent.objects.get(action="login").purpose == "ログイン（二要素認証）"


def test_full_width_digits_are_accepted_as_a_totp_code(client, demo):
    client.post("/staff/login/", {"username": "admin", "password": DEMO_PASSWORD})
    device = TOTPDevice.objects.get(user=staff_named("admin"))
    code = totp_code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post("/staff/login/otp/", {"token": code[:3] + " " + code[3:]})
    assert response["Location"] == "/staff/"


def test_a_malformed_totp_code_gets_a_message(client, demo):
    client.post("/staff/login/", {"username": "admin", "password": DEMO_PASSWORD})
    response = client.post("/staff/login/otp/", {"token": "12ab"})
    assert "確認コードは6桁の数字で入力してください" in text(response)
    response = client.post("/staff/login/otp/", {"token": "1" * 5000})
    assert response.status_code == 200
    assert "確認コードは6桁の数字です" in text(response)


def test_the_otp_step_without_a_password_goes_back_to_the_login(client, demo):
    response = client.get("/staff/login/otp/")
    assert response["Location"] == "/staff/login/"


def test_an_administrator_without_a_device_must_enrol_one(client):
    admin = factories.staff(role=Role.ADMIN, username="new-admin")
    response = client.post("/staff/login/", {"username": "new-admin", "password": PASSWORD})
    assert response["Location"] == "/staff/security/totp/"
    page = text(client.get("/staff/security/totp/"))
    assert "システム管理者は、認証アプリの登録が必要です" in page
    assert "<svg" in page
    assert 'role="img"' in page
    key_hex = client.session[staff_auth.ENROL_KEY_SESSION_KEY]
    secret = staff_auth.totp_secret_base32(key_hex)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page

    wrong = client.post("/staff/security/totp/", {"token": "000000"})
    assert "確認コードが正しくありません" in text(wrong)
    assert not TOTPDevice.objects.filter(user=admin).exists()

    device = TOTPDevice(user=admin, key=key_hex)
    response = client.post("/staff/security/totp/", {"token": totp_code(device)})
    assert response["Location"] == "/staff/"
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="create", object_id=str(admin.pk)).exists()


def test_any_staff_member_may_enrol_voluntarily_and_then_needs_the_code(client):
    member = factories.staff(role=Role.COUNTER, username="volunteer")
    staff_client_login(client, member)
    assert "認証アプリを登録する" in text(client.get("/staff/"))
    client.get("/staff/security/totp/")
    device = TOTPDevice(user=member, key=client.session[staff_auth.ENROL_KEY_SESSION_KEY])
    response = client.post("/staff/security/totp/", {"token": totp_code(device)})
    assert response["Location"] == "/staff/"
    assert "登録済み" in text(client.get("/staff/security/totp/"))
    client.post("/staff/logout/")
    response = client.post("/staff/login/", {"username": "volunteer", "password": PASSWORD})
    assert response["Location"] == "/staff/login/otp/"


def test_logout_is_post_only_and_audited(client, demo):
    staff_client_login(client, staff_named("counter"))
    assert client.get("/staff/logout/").status_code == 405
    response = client.post("/staff/logout/", follow=True)
    assert "ログアウトしました" in text(response)
    assert AuditEvent.objects.filter(action="logout", actor_username="counter").exists()
    assert client.get("/staff/")["Location"].startswith("/staff/login/")


def test_the_django_admin_login_goes_through_the_staff_login(client):
    response = client.get("/django-admin/login/?next=/django-admin/core/staff/")
    assert response["Location"] == "/staff/login/?next=%2Fdjango-admin%2Fcore%2Fstaff%2F"


def test_five_wrong_passwords_lock_the_account(client, demo):
    for _ in range(5):
        client.post("/staff/login/", {"username": "ict", "password": "wrong"})
    response = client.post("/staff/login/", {"username": "ict", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    page = text(response)
    assert "ログインを一時的に停止しています" in page
    assert "Sign-in temporarily locked" in page
    assert AuditEvent.objects.filter(purpose="アカウントロック中のログイン").exists()


# --- staff pages and permissions --------------------------------------------------------


def test_staff_home_shows_links_by_role(client, demo):
    staff_client_login(client, staff_named("counter"))
    page = text(client.get("/staff/"))
    assert "/staff/audit/" not in page
    assert "/staff/tasks/" not in page
    staff_client_login(client, staff_named("ict"))
    page = text(client.get("/staff/"))
    assert "/staff/audit/" in page
    assert "/staff/tasks/" not in page
    staff_client_login(client, staff_named("admin"))
    page = text(client.get("/staff/"))
    assert "/staff/audit/" in page
    assert "/staff/tasks/" in page
    assert "/django-admin/" in page


def test_staff_pages_render_in_english(client, demo):
    staff_client_login(client, staff_named("admin"))
    assert "Staff home" in text(client.get("/staff/", **EN))
    assert "Search conditions" in text(client.get("/staff/audit/", **EN))
    assert "Background tasks" in text(client.get("/staff/tasks/", **EN))


def test_counter_staff_get_403_on_the_audit_log_and_tasks_page(client, demo):
    staff_client_login(client, staff_named("counter"))
    for url in ("/staff/audit/", "/staff/audit/export.csv", "/staff/tasks/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "このページを表示する権限がありません" in text(response)


def test_ict_staff_read_the_audit_log_but_not_the_tasks_page(client, demo):
    staff_client_login(client, staff_named("ict"))
    assert client.get("/staff/audit/").status_code == 200
    assert client.get("/staff/tasks/").status_code == 403


def test_opening_a_staff_profile_writes_an_audit_entry(client, demo):
    viewer = staff_named("admin")
    person = staff_named("counter")
    staff_client_login(client, viewer)
    before = AuditEvent.objects.count()
    response = client.get(f"/staff/people/{person.pk}/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    assert "counter@demo.ukai.invalid" in text(response)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "read"
    assert event.actor_id == viewer.pk
    assert event.actor_username == "admin"
    assert event.actor_role == "admin"
    assert event.object_type == "core.staff"
    assert event.object_id == str(person.pk)
    assert event.ip_address == "198.51.100.7"
    assert event.purpose == "職員情報の確認"
    assert "email" in event.fields


def test_staff_profiles_are_open_to_the_same_department_only(client, demo):
    ict = staff_named("ict")
    staff_client_login(client, ict)
    colleague = staff_named("admin")  # both in 情報政策課
    assert client.get(f"/staff/people/{colleague.pk}/").status_code == 200
    assert client.get(f"/staff/people/{ict.pk}/").status_code == 200
    before = AuditEvent.objects.count()
    stranger = staff_named("counter")
    response = client.get(f"/staff/people/{stranger.pk}/")
    assert response.status_code == 403
    # A refused request reads nothing and is not recorded as a read.
    assert AuditEvent.objects.count() == before
    assert client.get("/staff/people/999999/").status_code == 404
    assert client.get(f"/staff/people/{10**30}/").status_code == 404


# --- the audit log page -------------------------------------------------------------------


@pytest.fixture
def ict_client(client, demo):
    staff_client_login(client, staff_named("ict"))
    return client


def test_the_audit_log_lists_and_filters_entries(ict_client):
    audit_log(
        action="read", object_type="residents.resident", object_id="42", purpose="窓口での本人確認"
    )
    audit_log(action="update", object_type="residents.resident", object_id="43")
    page = text(ict_client.get("/staff/audit/?object_type=residents.resident&object_id=42"))
    assert "窓口での本人確認" in page
    assert "#43" not in page
    assert "#42" in page
    page = text(ict_client.get("/staff/audit/?action=update"))
    assert "#43" in page
    assert "#42" not in page


def test_the_audit_log_says_so_when_nothing_matches(ict_client):
    page = text(ict_client.get("/staff/audit/?actor=nobody-at-all"))
    assert "条件に合う記録はありません" in page


def test_the_audit_log_paginates_by_fifty(ict_client):
    for n in range(120):
        audit_log(action="read", object_type="test.thing", object_id=str(n))
    page = text(ict_client.get("/staff/audit/?object_type=test.thing"))
    assert page.count("<tr>") == 51  # header + 50
    assert 'aria-label="ページ送り"' in page
    assert 'aria-current="page"' in page
    last = text(ict_client.get("/staff/audit/?object_type=test.thing&page=3"))
    assert last.count("<tr>") == 21
    # A page number that is not a number shows the first page rather than failing.
    assert ict_client.get("/staff/audit/?page=abc").status_code == 200
    assert ict_client.get("/staff/audit/?page=99999999999999999999999").status_code == 200


def test_the_date_range_includes_the_end_date(ict_client):
    audit_log(action="read", object_type="test.dated", object_id="today")
    today = timezone.localdate().isoformat()
    page = text(ict_client.get(f"/staff/audit/?object_type=test.dated&since={today}&until={today}"))
    assert "#today" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = text(ict_client.get(f"/staff/audit/?object_type=test.dated&since={tomorrow}"))
    assert "#today" not in page


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("2026-02-30", "2月30日という日付はありません（2026-02-30）。"),
        ("令和0年1月1日", "令和0年はありません。最初の年は令和元年（1年）です。"),
        ("yesterday", "「yesterday」は日付として読み取れません。例：令和6年4月1日"),
        ("2026-13-01", "13月という月はありません（2026-13-01）。"),
        ("2" * 51, "50文字以内で入力してください（入力された文字数：51文字）。"),
    ],
)
def test_an_invalid_date_gets_a_clear_message_and_no_crash(ict_client, bad, message):
    response = ict_client.get("/staff/audit/", {"since": bad})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "期間（開始日）：" in page  # the summary names the field and links to it
    assert "検索条件に誤りがあるため、検索していません" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_since_helptext id_since_error"' in page
    assert f'value="{bad}"' in page  # what was typed is kept


def test_dates_are_read_in_japanese_era_notation_too(ict_client):
    audit_log(action="read", object_type="test.dated", object_id="today")
    today = timezone.localdate()
    reiwa = f"令和{today.year - 2018}年{today.month}月{today.day}日"
    page = text(ict_client.get("/staff/audit/", {"object_type": "test.dated", "since": reiwa}))
    assert "#today" in page


def test_a_date_error_is_in_english_for_english_readers(ict_client):
    page = text(ict_client.get("/staff/audit/", {"until": "2026-02-30"}, **EN))
    assert "2026-02-30 does not exist" in page


def test_an_end_date_before_the_start_date_is_explained(ict_client):
    response = ict_client.get("/staff/audit/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert "終了日は開始日と同じ日か、それより後の日付にしてください" in text(response)


def test_an_oversized_filter_is_refused_with_a_message(ict_client):
    response = ict_client.get("/staff/audit/", {"actor": "あ" * 10_000})
    assert response.status_code == 400
    assert "150文字以内で入力してください（入力された文字数：10000文字）" in text(response)
    response = ict_client.get("/staff/audit/", {"action": "x" * 10_000})
    assert response.status_code == 400
    assert "操作は一覧から選んでください" in text(response)
    english = ict_client.get("/staff/audit/", {"actor": "a" * 10_000}, **EN)
    assert "Please enter at most 150 characters" in text(english)


def test_the_csv_export_has_a_bom_the_filtered_rows_and_is_audited(ict_client):
    audit_log(
        action="read", object_type="residents.resident", object_id="7", purpose="通知書の発送"
    )
    audit_log(action="read", object_type="other.thing", object_id="8")
    response = ict_client.get("/staff/audit/export.csv?object_type=residents.resident&page=2")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日時", "利用者", "役割", "操作"]
    assert len(rows) == 2
    assert rows[1][4:6] == ["residents.resident", "7"]
    assert rows[1][8] == "通知書の発送"
    export = AuditEvent.objects.get(action="export")
    assert export.object_type == "core.auditevent"
    assert export.actor_username == "ict"
    assert "object_type=residents.resident" in export.purpose


def test_the_csv_export_defuses_spreadsheet_formulas(ict_client, client):
    # A name typed into the login form reaches the log as a failed sign-in.
    ict_client.post("/staff/logout/")
    client.post("/staff/login/", {"username": '=HYPERLINK("http://x","y")', "password": "x"})
    staff_client_login(client, staff_named("ict"))
    body = b"".join(client.get("/staff/audit/export.csv?action=login_failed").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'


def test_the_csv_export_refuses_invalid_filters_with_the_message(ict_client):
    response = ict_client.get("/staff/audit/export.csv", {"until": "2026-02-30"})
    assert response.status_code == 400
    assert "2月30日という日付はありません" in text(response)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_there_is_no_way_to_change_the_log_from_the_pages(ict_client):
    event = audit_log(action="read", object_type="core.staff", object_id="1")
    assert ict_client.post("/staff/audit/", {"id": event.pk}).status_code == 405
    assert ict_client.delete("/staff/audit/").status_code == 405


# --- the tasks page -------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, demo):
    staff_client_login(client, staff_named("admin"))
    return client


def test_the_tasks_page_when_nothing_has_run(admin_client):
    page = text(admin_client.get("/staff/tasks/"))
    assert "タスクはまだありません" in page
    assert "稼働中のワーカーはありません" in page
    assert "ワーカーからの応答の記録はまだありません" in page
    page = text(admin_client.get("/staff/tasks/?status=READY"))
    assert "待機中のタスクはありません" in page


def test_an_unknown_task_state_gets_a_message(admin_client):
    response = admin_client.get("/staff/tasks/?status=EXPLODED")
    assert response.status_code == 400
    assert "状態は一覧から選んでください" in text(response)


@pytest.mark.django_db(transaction=True)
def test_the_tasks_page_shows_failures_retries_and_workers(client):
    demo_load()
    staff_client_login(client, staff_named("admin"))
    tasks_for_tests.always_fails.enqueue("visible")
    tasks_for_tests.fails_every_time_no_backoff.enqueue()
    tasks_for_tests.fails_once_then_succeeds.enqueue("tasks-page")
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    WorkerHeartbeat.objects.create(
        worker_id="old-worker", last_seen_at=timezone.now() - timedelta(hours=2)
    )
    page = text(client.get("/staff/tasks/"))
    assert "再試行待ち" in page
    assert "boom visible" in page  # the traceback, in a <details>
    assert "<details" in page
    assert "tests.tasks_for_tests.FlakyError" in page
    assert "稼働中のワーカーが1台あります" in page
    assert "old-worker" in page
    assert "応答なし" in page
    failed = text(client.get("/staff/tasks/?status=FAILED"))
    assert "fails_every_time_no_backoff" in failed
    assert "always_fails" not in failed


def test_session_device_mark_is_only_set_after_the_code(client, demo):
    client.post("/staff/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_control_characters_in_a_page_request_get_a_bilingual_400(client):
    response = client.get("/", {"q": "abc\x00def"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "制御文字" in text
    assert "control characters" in text


def test_staff_navigation_links_the_modules_staff_pages_by_role(client, demo):
    staff_client_login(client, staff_named("cio"))
    page = text(client.get("/staff/"))
    assert "計画の進捗管理" in page  # the CIO reads the plan dashboard
    client.logout()
    staff_client_login(client, staff_named("counter"))
    page = text(client.get("/staff/"))
    assert "計画の進捗管理" not in page
    assert "オープンデータの公開" in page  # no role restriction declared


def test_modules_widgets_appear_on_public_pages_but_not_on_staff_pages(client, demo):
    # The chatbot declares a question box for every public page.
    home = text(client.get("/"))
    assert 'id="ask-widget-question"' in home
    assert 'action="/chatbot/"' in home
    assert 'id="ask-widget-question"' not in text(client.get("/staff/login/"))
    staff_client_login(client, staff_named("counter"))
    assert 'id="ask-widget-question"' not in text(client.get("/staff/"))
