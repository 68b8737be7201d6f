from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ukai.core.errors import UkaiError
from ukai.core.plugins import Registry
from ukai.plan import services
from ukai.plan.base import Collector
from ukai.plan.models import CollectorRun, Indicator, IndicatorTarget, IndicatorValue
from ukai.plan.progress import Status
from ukai.plan.selectors import measure_detail, plan_dashboard

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return factories.seeded_plan()


def test_a_target_outside_the_plan_is_refused_and_nothing_changes(plan):
    indicator = Indicator.objects.get(code="1-4-a")
    with pytest.raises(UkaiError) as caught:
        services.indicator_target_set(indicator=indicator, fiscal_year=2026, value=40)
    assert caught.value.code == "fy_outside_plan"
    assert "計画期間（2020年度〜2025年度）の外" in caught.value.message_ja
    assert "outside the plan period" in caught.value.message_en
    assert not IndicatorTarget.objects.filter(indicator=indicator, fiscal_year=2026).exists()
    services.indicator_target_set(indicator=indicator, fiscal_year=2022, value=20)
    assert dict(indicator.targets.values_list("fiscal_year", "value")) == {2022: 20, 2025: 30}


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("1-4-a", "32", 32),
        ("1-4-a", "３２事務", 32),
        ("1-7-a", "12,550", 12550),
        ("1-7-a", "１２，５５０件", 12550),
        ("1-1-a", "81.5%", 81.5),
        ("2-1-a", "0.3", 0.3),
        ("2-3-a", "120,000枚", 120000),
        ("2-3-a", "120000枚/年", 120000),
    ],
)
def test_values_are_parsed_with_their_unit(plan, code, text, expected):
    indicator = Indicator.objects.get(code=code)
    assert services.indicator_value_parse(indicator=indicator, text=text) == expected


@pytest.mark.parametrize(
    ("code", "text", "error"),
    [
        ("1-7-a", "12550%", "value_wrong_unit"),
        ("1-4-a", "30件", "value_wrong_unit"),
        ("2-3-a", "120000年", "value_wrong_unit"),
        ("1-4-a", "たくさん", "value_not_number"),
        ("1-4-a", "", "value_required"),
        ("1-4-a", "30.5", "value_not_integer"),
        ("1-1-a", "120", "value_percent_range"),
        ("1-7-a", "-3", "value_negative"),
    ],
)
def test_bad_values_get_a_clear_message(plan, code, text, error):
    indicator = Indicator.objects.get(code=code)
    with pytest.raises(UkaiError) as caught:
        services.indicator_value_parse(indicator=indicator, text=text)
    assert caught.value.code == error
    assert caught.value.message_ja
    assert caught.value.message_en


def test_a_manual_value_with_evidence_is_stored_and_audited(plan):
    AuditEvent = apps.get_model("core", "AuditEvent")  # the core's audit log

    ict = factories.staff()
    indicator = Indicator.objects.get(code="1-7-a")
    record = services.indicator_value_enter(
        indicator=indicator,
        value_text="13,000件",
        measured_on=timezone.localdate(),
        description="アクセス解析の月間ページビュー",
        evidence=factories.evidence_pdf(),
        entered_by=ict,
    )
    assert record.value == 13000
    assert record.source == "manual"
    assert record.entered_by == ict
    assert str(record.evidence.name).endswith(".pdf")
    event = AuditEvent.objects.get(object_type="plan.indicatorvalue", object_id=str(record.pk))
    assert event.action == "create"


@pytest.mark.parametrize(
    ("evidence", "error"),
    [
        (None, "evidence_required"),
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00"), "evidence_type"),
        (SimpleUploadedFile("a.pdf", b"not a pdf"), "evidence_mismatch"),
        (SimpleUploadedFile("a.pdf", b""), "evidence_empty"),
        (SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024)), "evidence_too_large"),
    ],
)
def test_evidence_limits(plan, evidence, error):
    indicator = Indicator.objects.get(code="1-7-a")
    with pytest.raises(UkaiError) as caught:
        services.indicator_value_enter(
            indicator=indicator,
            value_text="1",
            measured_on=timezone.localdate(),
            description="x",
            evidence=evidence,
            entered_by=None,
        )
    assert caught.value.code == error
    assert not IndicatorValue.objects.exists()


def test_a_future_measurement_date_is_refused(plan):
    with pytest.raises(UkaiError) as caught:
        services.indicator_value_enter(
            indicator=Indicator.objects.get(code="1-7-a"),
            value_text="1",
            measured_on=timezone.localdate() + timedelta(days=2),
            description="x",
            evidence=factories.evidence_pdf(),
            entered_by=None,
        )
    assert caught.value.code == "measured_in_future"


def _registry(**collectors: type[Collector]) -> Registry[Collector]:
    registry: Registry[Collector] = Registry("plan-collector-test", track=False)
    for identifier, cls in collectors.items():
        registry.register(identifier)(cls)
    return registry


def test_a_collector_for_a_missing_module_records_no_value(plan):
    # translation is not built yet: its collector must not invent a number.
    summary = services.collectors_run(plan=plan)
    run = next(r for r in summary.runs if r.collector_id == "translation-departments")
    assert run.status == CollectorRun.Status.NO_DATA
    assert not IndicatorValue.objects.filter(indicator__code="1-3-a").exists()
    row = measure_detail(measure=Indicator.objects.get(code="1-3-a").measure, fy=2025)
    assert row.progress.status is Status.UNMEASURED
    assert row.indicators[0].latest is None


class Fixed(Collector):
    def collect(self, *, as_of):
        from ukai.plan.base import CollectedValue

        return CollectedValue(12.0, "テスト：公開中のデータセットを数えた")


class Broken(Collector):
    def collect(self, *, as_of):
        raise RuntimeError("データベースに接続できません")


def test_collectors_store_values_and_a_failing_one_keeps_the_last_good_value(plan):
    Indicator.objects.filter(code="1-6-a").update(collector_id="fixed")
    registry = _registry(fixed=Fixed, broken=Broken)
    Indicator.objects.filter(code="1-2-a").update(collector_id="fixed")
    others = Indicator.objects.exclude(code__in=["1-6-a", "1-2-a"]).exclude(collector_id="")
    others.update(collector_id="")  # only the two under test
    services.collectors_run(plan=plan, registry=registry)
    assert IndicatorValue.objects.get(indicator__code="1-6-a").value == 12.0
    first = plan_dashboard(plan=plan, fy=2025)
    row = next(m for m in first.measures if m.measure.code == "1-6")
    assert row.progress.percent == 80  # 12 of 15
    assert row.progress.status is Status.DELAYED  # 80% < the expected 100% − 10

    Indicator.objects.filter(code="1-6-a").update(collector_id="broken")
    summary = services.collectors_run(plan=plan, registry=registry)
    failed = next(r for r in summary.runs if r.collector_id == "broken")
    assert failed.status == CollectorRun.Status.FAILED
    assert "RuntimeError: データベースに接続できません" in failed.message
    assert IndicatorValue.objects.filter(indicator__code="1-6-a").count() == 1
    again = plan_dashboard(plan=plan, fy=2025)
    row = next(m for m in again.measures if m.measure.code == "1-6")
    latest = row.indicators[0].latest
    assert latest is not None
    assert latest.value == 12.0
    assert row.progress.percent == 80


def test_an_unknown_collector_id_is_a_failed_run(plan):
    Indicator.objects.filter(code="1-6-a").update(collector_id="gone")
    summary = services.collectors_run(plan=plan, registry=_registry())
    assert {r.status for r in summary.runs} == {CollectorRun.Status.FAILED}


def test_opendata_kpi_collector_reads_the_real_module_when_installed(plan):

    from ukai.plan.registry import collector_registry

    collector = collector_registry.create("opendata-datasets-published")
    result = collector.collect(as_of=timezone.localdate())
    if apps.is_installed("ukai.opendata"):
        assert result is not None
        assert result.value >= 0
        assert result.description
    else:
        assert result is None


def test_the_dashboard_shows_fy_end_snapshots_and_the_latest_value(plan):
    indicator = Indicator.objects.get(code="1-4-a")
    tz = timezone.get_current_timezone()
    from datetime import datetime

    for day, value in [(date(2021, 3, 1), 5), (date(2022, 3, 1), 12), (date(2023, 6, 1), 20)]:
        IndicatorValue.objects.create(
            indicator=indicator,
            value=value,
            measured_at=datetime(day.year, day.month, day.day, 12, tzinfo=tz),
            source="manual",
            description="x",
        )
    dashboard = plan_dashboard(plan=plan, fy=2022, today=date(2026, 1, 1))
    row = next(m for m in dashboard.measures if m.measure.code == "1-4")
    item = row.indicators[0]
    assert item.fy_values == {2020: 5, 2021: 12, 2022: 12}
    assert item.latest is not None
    assert item.latest.value == 12  # as of the end of FY2022
    assert [p.percent for p in row.fy_progress.values()] == [17, 40, 40]


def test_the_monthly_trend_is_the_value_at_each_month_end(plan):
    from datetime import datetime

    from ukai.plan.selectors import indicator_monthly_trend

    indicator = Indicator.objects.get(code="1-4-a")
    tz = timezone.get_current_timezone()
    for day, value in [(date(2020, 5, 10), 5), (date(2020, 5, 20), 6), (date(2020, 7, 1), 8)]:
        IndicatorValue.objects.create(
            indicator=indicator,
            value=value,
            measured_at=datetime(day.year, day.month, day.day, 12, tzinfo=tz),
            source="manual",
            description="x",
        )
    trend = indicator_monthly_trend(
        plan=plan, indicator_ids=[indicator.pk], until=date(2020, 8, 15)
    )
    assert trend[indicator.pk] == [
        (date(2020, 4, 30), None),
        (date(2020, 5, 31), 6),
        (date(2020, 6, 30), 6),
        (date(2020, 7, 31), 8),
        (date(2020, 8, 15), 8),
    ]


def test_an_annual_review_is_recorded_once_per_fy(plan):
    from ukai.plan.models import AnnualReview, Measure

    measure = Measure.objects.get(code="1-6")
    services.annual_review_record(
        measure=measure,
        fiscal_year=2022,
        rating="on_track",
        findings="県と連携してデータセットを追加した。",
        next_actions="標準データセットへの準拠を進める。",
        approved_on=date(2023, 5, 30),
    )
    services.annual_review_record(
        measure=measure,
        fiscal_year=2022,
        rating="delayed",
        findings="",
        next_actions="",
        approved_on=None,
    )
    review = AnnualReview.objects.get(measure=measure)
    assert (review.rating, review.approved_on) == ("delayed", None)
    with pytest.raises(UkaiError) as caught:
        services.annual_review_record(
            measure=measure,
            fiscal_year=2019,
            rating="on_track",
            findings="",
            next_actions="",
            approved_on=None,
        )
    assert caught.value.code == "fy_outside_plan"
    with pytest.raises(UkaiError) as caught:
        services.annual_review_record(
            measure=measure,
            fiscal_year=2023,
            rating="on_track",
            findings="",
            next_actions="",
            approved_on=date(2023, 1, 1),
        )
    assert caught.value.code == "review_approved_before_fy"
    assert AnnualReview.objects.count() == 1


def _indicator(unit="件", value_type="integer"):
    from ukai.plan.models import Indicator as IndicatorModel

    return IndicatorModel(code="x", name="x", unit=unit, value_type=value_type)


@given(number=st.integers(min_value=0, max_value=10**12), width=st.booleans(), commas=st.booleans())
def test_parsing_round_trips_whole_numbers(number, width, commas):
    import unicodedata as ud

    text = f"{number:,}" if commas else str(number)
    if width:
        text = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    assert ud.normalize("NFKC", text).replace(",", "") == str(number)
    assert services.indicator_value_parse(indicator=_indicator(), text=text + "件") == number


@given(text=st.text(max_size=40))
def test_parsing_any_text_either_succeeds_or_says_why(text):
    outcome: float | UkaiError
    try:
        outcome = services.indicator_value_parse(indicator=_indicator("%", "percent"), text=text)
    except UkaiError as error:
        outcome = error
    if isinstance(outcome, UkaiError):
        assert outcome.code.startswith("value_")
        assert outcome.message_ja
    else:
        assert 0 <= outcome <= 100
