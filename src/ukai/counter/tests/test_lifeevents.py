"""Life events as data: the seed's own test cases pass, facts, conditions and located errors."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ukai.counter.lifeevents import (
    LifeEventInvalid,
    cases_run,
    determine,
    facts_of,
    life_event_parse,
    visible_questions,
)

SEED = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "lifeevents.json").read_text(encoding="utf-8")
)["events"]


def event(code: str) -> dict[str, Any]:
    return copy.deepcopy(next(e for e in SEED if e["code"] == code)["spec"])


def test_the_eight_life_events_are_defined_and_pass_their_own_cases() -> None:
    codes = {e["code"] for e in SEED}
    assert codes >= {
        "moving_in",
        "moving_out",
        "moving_within",
        "birth",
        "death",
        "marriage",
        "divorce",
        "pregnancy",
    }
    for data in SEED:
        spec = life_event_parse(data["spec"])
        results = cases_run(spec, on=date(2026, 4, 1))
        assert results, data["code"]
        failed = [(r.name, r.missing, r.unexpected) for r in results if not r.passed]
        assert failed == [], data["code"]


def test_school_age_follows_the_school_year_born_on_1_april_belongs_to_the_earlier_year() -> None:
    on = date(2026, 5, 1)
    # Born 2019-04-01: 7 on 2026-04-01, a second-year pupil; born 2019-04-02: first year.
    assert facts_of([date(2019, 4, 1)], on=on)["children_primary"] == 1
    assert facts_of([date(2020, 4, 1)], on=on)["children_primary"] == 1
    assert facts_of([date(2020, 4, 2)], on=on)["children_primary"] == 0
    assert facts_of([date(2020, 4, 2)], on=on)["children_under_6"] == 1
    # 中学3年生 (born 2011-04-02 … 2012-04-01) is still of school age; a high-school pupil is not.
    assert facts_of([date(2011, 4, 2)], on=on)["school_age_children"] == 1
    assert facts_of([date(2011, 4, 1)], on=on)["school_age_children"] == 0
    assert facts_of([date(2011, 4, 1)], on=on)["children_under_18"] == 1


def test_reasons_say_why_with_the_household_s_numbers() -> None:
    spec = life_event_parse(event("moving_in"))
    facts = facts_of(
        [date(1984, 5, 1), date(1986, 7, 15), date(2015, 5, 10), date(2018, 9, 3)],
        on=date(2026, 4, 1),
    )
    answers = {"insurance": "kokuho", "city_school": "yes", "seal": "no", "pension_first": "no"}
    found = {s.procedure: s for s in determine(spec, answers, facts)}
    assert list(found) == [
        "tennyu-todoke",
        "kokuho-kanyu",
        "jido-teate-nintei-seikyu",
        "kodomo-iryohi-jukyusha",
        "tennyugaku",
    ]
    assert found["jido-teate-nintei-seikyu"].reasons == [
        "18歳未満のお子さん（2人）がいるため：児童手当"
    ]
    assert found["jido-teate-nintei-seikyu"].reasons_en == [
        "There are 2 children under 18: child allowance"
    ]


def test_the_answer_of_a_question_that_does_not_apply_is_ignored() -> None:
    spec = life_event_parse(event("moving_in"))
    facts = facts_of([date(1990, 1, 1)], on=date(2026, 4, 1))  # no children
    shown = [q.key for q in visible_questions(spec, {"insurance": "employer"}, facts)]
    assert "city_school" not in shown
    assert "pension_first" not in shown
    # A stale answer to a hidden question does not bring in 転入学.
    answers = {"insurance": "employer", "city_school": "yes", "seal": "no"}
    assert [s.procedure for s in determine(spec, answers, facts)] == ["tennyu-todoke"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda s: s["rules"].append(
                {"procedure": "x", "when": {"answer": "nope", "equals": "yes"}, "reason": "r"}
            ),
            "nope",
        ),
        (
            lambda s: s["rules"].append(
                {"procedure": "x", "when": {"fact": "pets", "gte": 1}, "reason": "r"}
            ),
            "unknown fact",
        ),
        (
            lambda s: s["rules"].append({"procedure": "x", "reason": "{pets}人"}),
            "unknown fact {pets}",
        ),
        (lambda s: s["questions"].append(dict(s["questions"][0])), "used twice"),
        (
            lambda s: s["rules"].append(
                {"procedure": "x", "when": {"answer": "seal"}, "reason": "r"}
            ),
            "needs equals",
        ),
    ],
)
def test_a_broken_definition_is_refused_with_the_place_of_the_problem(change, where: str) -> None:
    spec = event("moving_in")
    change(spec)
    with pytest.raises(LifeEventInvalid) as raised:
        life_event_parse(spec)
    text = json.dumps(raised.value.problems, ensure_ascii=False)
    assert where in text
    assert raised.value.message_ja == "ライフイベントの定義に誤りがあります。"


def test_a_case_that_expects_something_else_fails_and_names_the_difference() -> None:
    spec = event("moving_out")
    spec["tests"][1]["expect"] = ["tenshutsu-todoke", "kokuho-dattai"]
    (result,) = [r for r in cases_run(life_event_parse(spec), on=date(2026, 4, 1)) if not r.passed]
    assert result.missing == ["kokuho-dattai"]
    assert result.unexpected == []
