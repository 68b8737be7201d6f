"""One-stop counter: deciding the procedures for a life event of a 6-person household (issue 4).

    .venv/bin/python bench/counter_determination.py
    .venv/bin/python bench/counter_determination.py --database-url postgresql:///ukai_bench
    scripts/with-postgres.sh .venv/bin/python bench/counter_determination.py --output counter_determination_postgresql

A six-person household (grandparent 72, parents 45 and 43, children 15, 12 and 4) is imported
through ``residents_import`` and identified at the counter. Then, for every life event, the
interview is saved as staff save it (``visit_interview_save``: the answers checked against the
questions shown, the facts of the household, the rules, the catalog looked up, the visit
written under its lock) and timed; so is the pure rule evaluation (``lifeevents.determine``)
and the prefilling of every decided procedure's form (``visit_procedures_save``).
Target: determination p95 <= 20 ms. Writes ``bench/results/counter_determination.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from harness import (  # noqa: E402
    Result,
    django_setup,
    percentile,
    print_machine,
    print_results,
    write_json,
)

TARGET_P95_MS = 20.0
HEADER = "宛名番号,住民票コード,世帯番号,氏名,氏名フリガナ,生年月日,性別,続柄,郵便番号,住所,番地,方書,住民となった日,住民状態,異動事由,異動日,届出日"
HOUSEHOLD = [
    ("0000900001", "長良\u3000義雄", "ナガラ ヨシオ", "昭和29年3月2日", "1", "父"),
    ("0000900002", "長良\u3000健太", "ナガラ ケンタ", "1981-02-11", "1", "世帯主"),
    ("0000900003", "長良\u3000由美", "ナガラ ユミ", "1983-06-30", "2", "妻"),
    ("0000900004", "長良\u3000大翔", "ナガラ ヒロト", "2011-01-15", "1", "子"),
    ("0000900005", "長良\u3000美桜", "ナガラ ミオ", "2013-10-08", "2", "子"),
    ("0000900006", "長良\u3000湊", "ナガラ ミナト", "2021-12-24", "1", "子"),
]
ANSWERS: dict[str, dict[str, str]] = {
    "moving_in": {
        "move_date": "2026-04-01",
        "from_abroad": "no",
        "insurance": "kokuho",
        "pension_first": "yes",
        "city_school": "yes",
        "child_care": "yes",
        "care_certified": "no",
        "seal": "yes",
    },
    "moving_out": {"move_date": "2026-04-01", "kokuho": "yes", "child_allowance": "yes"},
    "moving_within": {
        "move_date": "2026-04-01",
        "new_postal_code": "500-8076",
        "new_address": "岐阜県岐阜市司町40番地1",
        "child_allowance": "yes",
        "school_change": "yes",
    },
    "birth": {"birth_date": "2026-04-01", "allowance_now": "yes", "baby_insurance": "kokuho"},
    "death": {
        "death_date": "2026-04-01",
        "notified": "no",
        "insurance": "kokuho",
        "funeral": "yes",
        "child_allowance": "no",
    },
    "marriage": {
        "marriage_date": "2026-04-01",
        "notified": "no",
        "address_change": "within",
        "new_postal_code": "500-8076",
        "new_address": "岐阜県岐阜市司町40番地1",
        "leave_kokuho": "yes",
        "surname_seal": "yes",
    },
    "divorce": {
        "divorce_date": "2026-04-01",
        "notified": "no",
        "custody": "yes",
        "allowance_to_you": "yes",
        "address_change": "yes",
        "new_postal_code": "500-8076",
        "new_address": "岐阜県岐阜市司町40番地1",
        "join_kokuho": "yes",
    },
    "pregnancy": {"due_date": "2026-10-01", "multiple": "no"},
}


def timed_ms(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="interviews saved per life event")
    parser.add_argument("--database-url", help="PostgreSQL instead of a throwaway SQLite file")
    parser.add_argument("--output", default="counter_determination")
    args = parser.parse_args()

    data_dir = django_setup(prefix="counter", database_url=args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from ukai.counter import lifeevents, services
    from ukai.counter.models import LifeEvent, VisitStep

    print_machine()
    call_command("migrate", verbosity=0)
    call_command("procedures_seed", verbosity=0)
    call_command("counter_seed", verbosity=0)
    csv_path = Path(data_dir) / "household.csv"
    rows = [
        f"{pid},,00900001,{name},{kana},{born},{sex},{rel},500-8076,岐阜県岐阜市長良,1番地,,2000-04-01,,,,"
        for pid, name, kana, born, sex, rel in HOUSEHOLD
    ]
    csv_path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    call_command("residents_import", str(csv_path), verbosity=0)
    clerk, _ = get_user_model().objects.get_or_create(
        username="bench-counter", defaults={"role": "counter"}
    )

    results = []
    service_times: list[float] = []
    pure_times: list[float] = []
    prefill_times: list[float] = []
    for event in LifeEvent.objects.all():
        visit = services.visit_start(life_event=event, staff=clerk)
        services.visit_identify(
            visit=visit,
            revision=visit.revision,
            applicant_id=HOUSEHOLD[1][0],
            concerned_ids=[pid for pid, *_ in HOUSEHOLD],
            staff=clerk,
        )
        visit.refresh_from_db()
        spec = lifeevents.life_event_parse(event.spec)
        facts = services.visit_facts(visit)
        answers = ANSWERS[event.code]
        decided = 0
        times = []
        for _ in range(args.rounds):
            visit.refresh_from_db()
            visit.step = VisitStep.INTERVIEW
            visit.save(update_fields=["step"])
            times.append(
                timed_ms(
                    lambda v=visit, a=answers: services.visit_interview_save(
                        visit=v, revision=v.revision, raw_answers=a, staff=clerk
                    )
                )
            )
            pure_times.append(
                timed_ms(lambda s=spec, a=answers, f=facts: lifeevents.determine(s, a, f))
            )
        visit.refresh_from_db()
        decided = len(visit.procedures)
        prefill_ms = timed_ms(
            lambda v=visit: services.visit_procedures_save(
                visit=v,
                revision=v.revision,
                selected=[r["slug"] for r in v.procedures],
                added=[],
                staff=clerk,
            )
        )
        prefill_times.append(prefill_ms)
        service_times.extend(times)
        print(
            f"{event.code:14s} {decided} procedures  determination p50 {percentile(times, 50):6.2f} ms  "
            f"p95 {percentile(times, 95):6.2f} ms  prefill of all forms {prefill_ms:6.1f} ms"
        )
        results.append(
            Result(
                name=f"determination: {event.code}",
                params={
                    "household": len(HOUSEHOLD),
                    "procedures": decided,
                    "database": connection.vendor,
                },
                figures={
                    "p50_ms": percentile(times, 50),
                    "p95_ms": percentile(times, 95),
                    "max_ms": max(times),
                    "calls": len(times),
                    "prefill_all_forms_ms": prefill_ms,
                    "target_p95_ms": TARGET_P95_MS,
                },
                unit="ms",
            )
        )
    results.insert(
        0,
        Result(
            name="determination: all life events (saved interview, 6-person household)",
            params={"household": len(HOUSEHOLD), "database": connection.vendor},
            figures={
                "p50_ms": percentile(service_times, 50),
                "p95_ms": percentile(service_times, 95),
                "max_ms": max(service_times),
                "calls": len(service_times),
                "rules_only_p95_ms": percentile(pure_times, 95),
                "prefill_all_forms_p95_ms": percentile(prefill_times, 95),
                "target_p95_ms": TARGET_P95_MS,
            },
            unit="ms",
        ),
    )
    print_results(results)
    write_json(results, args.output)


if __name__ == "__main__":
    main()
