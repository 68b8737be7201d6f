from collections import Counter

import pytest
from django.core.management import call_command

from ukai.plan.models import (
    Indicator,
    IndicatorTarget,
    Measure,
    Milestone,
    Plan,
    Policy,
    ScheduleEntry,
)
from ukai.plan.registry import collector_registry
from ukai.plan.services import plan_seed_load

pytestmark = pytest.mark.django_db

# The plan's own targets (section 6), quoted exactly.
PLAN_TARGETS = {
    "1-1-a": (80, "%", "higher"),  # ８割以上の市民が移動せず手続きを可能とします
    "1-1-b": (7, "%", "higher"),  # 手続き時間を平均７％ … 削減
    "1-1-c": (4, "%", "higher"),  # 待ち時間を平均４％削減
    "1-1-d": (19, "%", "higher"),  # 申請書への記入量を１９％削減
    "1-2-a": (18, "分野", "higher"),  # １８分野以上
    "1-3-a": (10, "部署", "higher"),  # １０部署以上
    "1-4-a": (30, "事務", "higher"),  # ３０事務以上
    "1-5-a": (5, "種類", "higher"),  # ５種類以上
    "1-6-a": (15, "件", "higher"),  # １５以上
    "1-7-a": (12550, "件", "higher"),  # １２，５５０件以上
    "1-7-b": (7000, "件", "higher"),  # ７，０００件以上
    "2-1-a": (0.25, "倍", "lower"),  # ４分の１以下
    "2-2-a": (60, "%", "higher"),  # ６０％以上削減
    "2-3-a": (100000, "枚/年", "higher"),  # 年間１０万枚以上
}

NEW = {"1-1", "1-2", "1-8", "2-1", "2-2", "2-3", "2-4", "3-1"}


def test_the_plan_is_seeded_exactly():
    summary = plan_seed_load()
    plan = summary.plan
    assert (plan.name, plan.start_fy, plan.end_fy, plan.review_fy) == (
        "岐阜市ＩＣＴ活用推進計画",
        2020,
        2025,
        2022,
    )
    assert [p.title for p in plan.policies.all()] == [
        "市民の利便性向上、安全・安心の確保",
        "行政運営の効率化（働き方改革）",
        "庁内情報システムの最適化",
        "ＩＣＴガバナンスの強化",
    ]
    measures = list(Measure.objects.filter(policy__plan=plan))
    assert [m.code for m in measures] == [
        "1-1", "1-2", "1-3", "1-4", "1-5", "1-6", "1-7", "1-8",
        "2-1", "2-2", "2-3", "2-4", "3-1", "3-2", "4-1", "4-2",
    ]  # fmt: skip
    assert {m.code for m in measures if m.kind == Measure.Kind.NEW} == NEW
    assert Measure.objects.get(code="1-4").title == "手続きのデジタル化"
    for code, (value, unit, direction) in PLAN_TARGETS.items():
        indicator = Indicator.objects.get(code=code)
        assert (indicator.unit, indicator.direction) == (unit, direction), code
        assert dict(indicator.targets.values_list("fiscal_year", "value")) == {2025: value}, code
    assert Indicator.objects.get(code="2-1-a").baseline == 1


def test_the_schedule_follows_chart_26():
    plan_seed_load()
    assert ScheduleEntry.objects.count() == 16 * 6
    phases: Counter[str] = Counter()
    for measure in Measure.objects.all():
        sequence: list[str] = []
        for phase in measure.schedule.order_by("fiscal_year").values_list("phase", flat=True):
            if not sequence or sequence[-1] != phase:
                sequence.append(phase)
        phases.update(sequence)
    # The labels of chart 26, counted in the plan's text.
    assert phases == {
        "study": 4, "partial": 11, "introduce": 1, "expand": 12, "evaluate": 16, "rebuild": 1,
    }  # fmt: skip


def test_collectors_in_the_seed_are_registered_and_others_manual():
    plan_seed_load()
    for indicator in Indicator.objects.all():
        assert not indicator.collector_id or indicator.collector_id in collector_registry
    manual = set(Indicator.objects.filter(collector_id="").values_list("code", flat=True))
    assert {"1-7-a", "1-7-b", "2-3-a"} <= manual


def test_seeding_twice_changes_nothing():
    plan_seed_load()
    before = [
        m.objects.count()
        for m in (Plan, Policy, Measure, Indicator, IndicatorTarget, ScheduleEntry, Milestone)
    ]
    plan_seed_load()
    after = [
        m.objects.count()
        for m in (Plan, Policy, Measure, Indicator, IndicatorTarget, ScheduleEntry, Milestone)
    ]
    assert before == after
    assert before[:3] == [1, 4, 16]


def test_the_demo_loads_the_plan():
    from django_tasks_db.models import DBTaskResult

    from ukai.plan.tasks import plan_collect_daily

    call_command("ukai_demo", verbosity=0)
    call_command("ukai_demo", verbosity=0)
    # The demo also queues the daily collection, once.
    assert DBTaskResult.objects.filter(task_path=plan_collect_daily.module_path).count() == 1
    assert Plan.objects.count() == 1
    assert Measure.objects.count() == 16
