"""Two members of staff pressing 「次の方を呼ぶ」 at the same moment never get the same ticket.

Threads with their own database connections press at once (a barrier releases
them together). On PostgreSQL this exercises the row locks and ``SKIP LOCKED``;
on SQLite the write lock taken at BEGIN serialises the transactions.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections

from ukai.counter.queue import services
from ukai.counter.queue.models import Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

DESKS = 4
ROUNDS = 3


def _in_threads(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except BaseException as exc:  # reported to the test below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture(autouse=True)
def shared_database() -> None:
    # The test suite's SQLite database lives in memory with a shared cache, whose
    # table locks fail at once instead of waiting: nothing to learn from racing there.
    if connection.vendor == "sqlite" and getattr(connection, "is_in_memory_db")():  # noqa: B009
        pytest.skip("threads need PostgreSQL or a SQLite file to race for real")


def test_simultaneous_call_next_never_calls_a_ticket_twice(django_user_model: Any) -> None:
    staff = [
        django_user_model.objects.create_user(username=f"desk{i}", password="x", role="counter")
        for i in range(DESKS)
    ]
    desks = [
        services.desk_create(
            label=f"総合窓口 {i + 1}番", number=str(i + 1), department_code="shimin"
        )
        for i in range(DESKS)
    ]
    for _ in range(DESKS * ROUNDS):
        services.ticket_issue(category="moving_in")

    called: list[int] = []
    for _round in range(ROUNDS):

        def press(index: int) -> int | None:
            ticket = services.desk_call_next(desk_id=desks[index].pk, staff=staff[index])
            if ticket is None:
                return None
            services.ticket_start(ticket_id=ticket.pk, desk_id=desks[index].pk, staff=staff[index])
            services.ticket_end(ticket_id=ticket.pk, staff=staff[index])
            return ticket.pk

        results = _in_threads(DESKS, press)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
        assert None not in results  # enough tickets were waiting: every press got one
        called.extend(results)

    assert len(called) == DESKS * ROUNDS
    assert Counter(called).most_common(1)[0][1] == 1  # no ticket went to two desks
    assert Ticket.objects.filter(status=Status.DONE).count() == DESKS * ROUNDS


def test_simultaneous_issuing_gives_distinct_consecutive_numbers() -> None:
    services.desk_create(label="総合窓口 1番", number="1", department_code="shimin")
    results = _in_threads(6, lambda _i: services.ticket_issue(category="birth").number)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert sorted(results) == [f"D-{n:03d}" for n in range(1, 7)]
