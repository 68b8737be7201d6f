"""Counter queue: issuing tickets, calling the next one, and the calling board's polls (issue 4, item 4).

    .venv/bin/python bench/counter_queue.py                          # 1,500 tickets, SQLite file
    .venv/bin/python bench/counter_queue.py --tickets 300            # quick
    scripts/with-postgres.sh .venv/bin/python bench/counter_queue.py --output counter_queue_postgresql

A busy day at a city hall's one-stop counter is about 1,500 visitors. The script issues that many
tickets one after another (``ticket_issue``: locked per-day counter row, ticket, segment, audit
entry), then issues more from 4 threads at once and checks the numbers stay distinct and
consecutive; times a desk's whole cycle (call next, start, end) with the day's queue waiting; has 4
desks press 「次の方を呼ぶ」 at the same moment in rounds and counts tickets called twice (must be 0);
and times the board's JSON as the board polls it: a full answer (200) and an unchanged one (304,
ETag). Writes ``bench/results/counter_queue.json`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
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

THREADS = 4


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def latency(times: list[float]) -> dict[str, float | int | str]:
    return {
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times),
        "calls": len(times),
    }


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    from django.db import connections

    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # reported by the caller
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1500, help="tickets issued in the day")
    parser.add_argument("--cycles", type=int, default=200, help="desk cycles timed")
    parser.add_argument("--rounds", type=int, default=25, help="rounds of 4 desks calling at once")
    parser.add_argument("--polls", type=int, default=300, help="board requests timed per kind")
    parser.add_argument("--database-url", help="PostgreSQL instead of a throwaway SQLite file")
    parser.add_argument("--output", default="counter_queue")
    args = parser.parse_args()

    django_setup(prefix="queue", database_url=args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ukai.counter.queue import services
    from ukai.counter.queue.models import Desk, Status, Ticket

    settings.ALLOWED_HOSTS = ["*"]
    print_machine()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    print(f"database: {vendor} ({connection.settings_dict['NAME']})")
    desks = [
        services.desk_create(label=f"総合窓口 {n}番", number=str(n), department_code="shimin")
        for n in range(1, THREADS + 1)
    ]
    categories = ["moving_in", "moving_out", "moving_within", "birth", "death", "other"]
    results: list[Result] = []

    # 1. Issuing, one after another: the day's queue.
    counter = iter(range(10**9))
    issue_times = timed(
        lambda: services.ticket_issue(category=categories[next(counter) % len(categories)]),
        args.tickets,
    )
    results.append(
        Result("issue", {"database": vendor, "tickets": args.tickets}, latency(issue_times), "ms")
    )

    # 2. Issuing from 4 threads at once: distinct, consecutive numbers.
    per_thread = max(1, args.tickets // 20)
    before = Ticket.objects.filter(prefix="H").count()
    started = time.perf_counter()
    outcome = in_threads(
        THREADS,
        lambda _i: [services.ticket_issue(category="pregnancy").number for _ in range(per_thread)],
    )
    elapsed = time.perf_counter() - started
    errors = [r for r in outcome if isinstance(r, BaseException)]
    numbers = [n for r in outcome if isinstance(r, list) for n in r]
    expected = {f"H-{n:03d}" for n in range(before + 1, before + THREADS * per_thread + 1)}
    results.append(
        Result(
            "issue_concurrent",
            {"database": vendor, "threads": THREADS, "tickets": THREADS * per_thread},
            {
                "throughput_per_s": len(numbers) / elapsed,
                "errors": len(errors),
                "numbers_distinct_and_consecutive": str(set(numbers) == expected),
            },
            "tickets/s",
            notes=[repr(e) for e in errors[:3]],
        )
    )

    # 3. A desk's cycle with the day's queue waiting.
    desk = desks[0]

    def cycle() -> None:
        ticket = services.desk_call_next(desk_id=desk.pk, staff=None)
        assert ticket is not None
        services.ticket_start(ticket_id=ticket.pk, desk_id=desk.pk, staff=None)
        services.ticket_end(ticket_id=ticket.pk, staff=None)

    waiting = Ticket.objects.filter(status=Status.WAITING).count()
    cycle_times = timed(cycle, min(args.cycles, waiting - THREADS * args.rounds))
    results.append(
        Result(
            "desk_cycle",
            {"database": vendor, "waiting": waiting},
            latency(cycle_times),
            "ms",
            notes=["call next + start + end: three transactions, three audit entries"],
        )
    )

    # 4. Four desks press 「次の方を呼ぶ」 at the same moment.
    called: list[int] = []
    press_errors: list[BaseException] = []
    started = time.perf_counter()
    for _ in range(args.rounds):

        def press(index: int) -> int:
            ticket = services.desk_call_next(desk_id=desks[index].pk, staff=None)
            assert ticket is not None
            services.ticket_end(
                ticket_id=services.ticket_start(
                    ticket_id=ticket.pk, desk_id=desks[index].pk, staff=None
                ).pk,
                staff=None,
            )
            return int(ticket.pk)

        for outcome_item in in_threads(THREADS, press):
            if isinstance(outcome_item, BaseException):
                press_errors.append(outcome_item)
            else:
                called.append(outcome_item)
    elapsed = time.perf_counter() - started
    twice = sum(1 for _pk, n in Counter(called).items() if n > 1)
    results.append(
        Result(
            "call_next_concurrent",
            {"database": vendor, "desks": THREADS, "rounds": args.rounds},
            {
                "calls": len(called),
                "called_twice": twice,
                "errors": len(press_errors),
                "cycles_per_s": len(called) / elapsed,
            },
            "tickets",
            notes=[repr(e) for e in press_errors[:3]],
        )
    )

    # 5. The board's poll: full answer and unchanged answer.
    services.desk_call_next(desk_id=desks[1].pk, staff=None)
    client = Client()
    first = client.get("/counter/board.json")
    etag = first["ETag"]
    full = timed(lambda: client.get("/counter/board.json"), args.polls)
    unchanged = timed(
        lambda: client.get("/counter/board.json", HTTP_IF_NONE_MATCH=etag), args.polls
    )
    assert client.get("/counter/board.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    page = timed(lambda: client.get("/counter/board/"), max(20, args.polls // 5))
    waiting = Ticket.objects.filter(status=Status.WAITING).count()
    for name, times, size in [
        ("board_json_200", full, len(first.content)),
        ("board_json_304", unchanged, 0),
        ("board_page", page, len(client.get("/counter/board/").content)),
    ]:
        results.append(
            Result(
                name,
                {"database": vendor, "waiting": waiting},
                {**latency(times), "bytes": size},
                "ms",
            )
        )

    print_results(results, title="Counter queue")
    path = write_json(results, args.output, extra={"desks": Desk.objects.count()})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
