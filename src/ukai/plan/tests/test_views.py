import io
import re
import zlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from ukai.core.service import Role
from ukai.core.testing.staff import staff_client_login
from ukai.plan.models import Indicator, IndicatorValue

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return factories.seeded_plan()


def signed_in(client, role):
    member = factories.staff(role=role)
    staff_client_login(client, member)
    return member


def test_the_public_page_shows_every_measure_and_the_schedule(client, plan):
    response = client.get(reverse("plan:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ["1-1", "1-8", "2-4", "3-2", "4-2"]:
        assert f'data-measure="{code}"' in html
    assert "電子申請事務数" in html
    assert "目標（2025年度）：30事務以上" in html
    assert "実施スケジュール" in html
    assert "範囲拡大" in html
    assert "再構築" in html
    assert "未計測" in html
    assert "推移：未計測" in html  # no chart is drawn without data


def test_the_home_page_links_the_progress_page(client, plan):
    assert f'href="{reverse("plan:home")}"' in client.get("/").content.decode()


def test_the_public_page_has_no_personal_data(client, plan):
    ict = factories.staff(display_name="情報 政子（テスト）")
    from ukai.plan import services

    services.indicator_value_enter(
        indicator=Indicator.objects.get(code="1-7-a"),
        value_text="13000",
        measured_on=timezone.localdate(),
        description="アクセス解析",
        evidence=factories.evidence_pdf(),
        entered_by=ict,
    )
    html = client.get(reverse("plan:home")).content.decode()
    assert "13000件" in html or "13,000件" in html
    assert "情報 政子" not in html
    assert ict.username not in html
    assert "evidence" not in html
    assert "/staff/plan/values/" not in html


@pytest.mark.parametrize("role", [Role.CIO, Role.ICT, Role.ADMIN, Role.MANAGER])
def test_dashboard_for_the_committee(client, plan, role):
    signed_in(client, role)
    response = client.get(reverse("plan:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-measure=") == 16
    assert "▼今年度" in html or "計画期間（2020〜2025年度）の外" in html
    assert ("指標を今すぐ集計する" in html) == (role in (Role.ICT, Role.ADMIN))


@pytest.mark.parametrize("role", [Role.COUNTER, Role.DEPARTMENT])
def test_other_staff_may_not_open_the_dashboard(client, plan, role):
    signed_in(client, role)
    assert client.get(reverse("plan:dashboard")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(reverse("plan:dashboard"))
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_the_cio_reads_but_does_not_write(client, plan):
    signed_in(client, Role.CIO)
    indicator = Indicator.objects.get(code="1-7-a")
    assert client.get(reverse("plan:value_enter", args=[indicator.pk])).status_code == 403
    assert client.post(reverse("plan:collect")).status_code == 403


def test_ict_enters_a_manual_value_and_the_status_changes(client, plan):
    signed_in(client, Role.ICT)
    indicator = Indicator.objects.get(code="1-7-a")
    url = reverse("plan:value_enter", args=[indicator.pk])
    page = client.get(reverse("plan:measure", args=["1-7"])).content.decode()
    assert "未計測" in page
    response = client.post(
        url,
        {
            "value": "１２，５５０件",
            "measured_on": timezone.localdate().isoformat(),
            "description": "アクセス解析の年間ページビュー",
            "evidence": factories.evidence_pdf(),
        },
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator).value == 12550
    page = client.get(reverse("plan:measure", args=["1-7"])).content.decode()
    assert "12,550件" in page
    assert 'role="img" aria-label="市公式ＨＰのアクセス数 の月末ごとの実績値の推移' in page
    assert "達成度 100%" in page


def test_a_value_in_the_wrong_unit_is_refused_with_the_input_kept(client, plan):
    signed_in(client, Role.ICT)
    indicator = Indicator.objects.get(code="1-7-a")
    response = client.post(
        reverse("plan:value_enter", args=[indicator.pk]),
        {
            "value": "80%",
            "measured_on": timezone.localdate().isoformat(),
            "description": "x",
            "evidence": factories.evidence_pdf(),
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "単位が違います。この指標の単位は「件」です" in html
    assert 'value="80%"' in html
    assert not IndicatorValue.objects.exists()


def test_a_target_outside_the_plan_shows_a_message(client, plan):
    signed_in(client, Role.ICT)
    indicator = Indicator.objects.get(code="1-4-a")
    response = client.post(
        reverse("plan:target_set", args=[indicator.pk]),
        {"fiscal_year": "2027", "value": "40"},
        follow=True,
    )
    assert "2027年度は計画期間（2020年度〜2025年度）の外です" in response.content.decode()
    assert not indicator.targets.filter(fiscal_year=2027).exists()


def test_running_collectors_shows_the_results(client, plan):
    signed_in(client, Role.ICT)
    with factories.temporary_collector("test-broken", factories.RaisingCollector):
        Indicator.objects.filter(code="1-2-a").update(collector_id="test-broken")
        response = client.post(reverse("plan:collect"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "RuntimeError: データベースに接続できません" in html
    assert "未計測（モジュール未導入）" in html
    page = client.get(reverse("plan:measure", args=["1-2"])).content.decode()
    assert "直近の自動集計" in page
    assert "失敗しました" in page


def test_exports(client, plan):
    signed_in(client, Role.CIO)
    csv_response = client.get(reverse("plan:export_csv") + "?fy=2025")
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert "電子申請事務数" in text
    assert "未計測" in text
    assert len(text.strip().splitlines()) > 16
    xlsx = client.get(reverse("plan:export_xlsx"))
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames[1] == "実施スケジュール"
    rows = list(workbook["実施スケジュール"].values)
    assert rows[1][:3] == ("1-1", "ワンストップ総合窓口サービス", "導入")


def _pdf_bytes(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated (font names live in object streams)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.mark.slow
def test_the_annual_report_pdf(client, plan):
    signed_in(client, Role.CIO)
    response = client.get(reverse("plan:report_pdf") + "?fy=2025")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert b"IPAexGothic" in _pdf_bytes(response.content)  # the Japanese font is embedded


def test_evidence_download_is_staff_only_and_audited(client, plan):
    AuditEvent = apps.get_model("core", "AuditEvent")  # the core's audit log
    from ukai.plan import services

    value = services.indicator_value_enter(
        indicator=Indicator.objects.get(code="1-7-a"),
        value_text="1",
        measured_on=timezone.localdate(),
        description="x",
        evidence=factories.evidence_pdf(),
        entered_by=None,
    )
    url = reverse("plan:evidence", args=[value.pk])
    assert client.get(url).status_code == 302
    signed_in(client, Role.CIO)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="read", object_id=str(value.pk)).exists()


def test_ict_records_the_committees_review(client, plan):
    signed_in(client, Role.ICT)
    response = client.post(
        reverse("plan:review_record", args=["2-1"]),
        {
            "fiscal_year": "2022",
            "rating": "achieved",
            "findings": "作成時間が導入前の4分の1以下になった。",
            "next_actions": "全庁に広げる。",
            "approved_on": "2023-06-01",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "年次評価を記録しました。" in html
    assert "作成時間が導入前の4分の1以下になった。" in html
    assert "2023-06-01" in html


def test_the_gantt_marks_todays_fiscal_year(plan):
    from datetime import date

    from django.template.loader import render_to_string

    from ukai.plan.models import Phase
    from ukai.plan.selectors import plan_dashboard

    dashboard = plan_dashboard(plan=plan, fy=2023, today=date(2023, 5, 1))
    html = render_to_string("plan/_gantt.html", {"dashboard": dashboard, "phases": Phase.choices})
    assert "今年度（2023年度）の列に「今年度」と表示しています。" in html
    assert html.count('aria-current="date"') == 1
    assert '<th scope="col" class="plan-gantt__today" aria-current="date">2023年度' in html
    assert html.count("plan-gantt__today") == 1 + 16  # the header and one cell per measure


def test_a_too_large_evidence_file_gets_a_clear_message(client, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in(client, Role.ICT)
    indicator = Indicator.objects.get(code="2-3-a")
    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * (11 * 1024 * 1024), "application/pdf")
    response = client.post(
        reverse("plan:value_enter", args=[indicator.pk]),
        {
            "value": "120000",
            "measured_on": timezone.localdate().isoformat(),
            "description": "会議資料の印刷枚数の差",
            "evidence": big,
        },
    )
    assert response.status_code == 422
    assert "根拠資料は10MB以下のファイルにしてください。" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_ict_marks_a_milestone_reached(client, plan):
    from ukai.plan.models import Milestone

    signed_in(client, Role.ICT)
    milestone = Milestone.objects.get(title="新庁舎の災害対策本部室の整備")
    response = client.post(
        reverse("plan:milestone_mark", args=[milestone.pk]), {"done_on": "2021-05-06"}, follow=True
    )
    assert "マイルストーンを更新しました。" in response.content.decode()
    milestone.refresh_from_db()
    assert str(milestone.done_on) == "2021-05-06"
    public = client.get(reverse("plan:home")).content.decode()
    assert "マイルストーン：2件中1件達成" in public
    bad = client.post(
        reverse("plan:milestone_mark", args=[milestone.pk]), {"done_on": "2099-01-01"}, follow=True
    )
    assert "達成日に未来の日付は指定できません。" in bad.content.decode()
    milestone.refresh_from_db()
    assert str(milestone.done_on) == "2021-05-06"
