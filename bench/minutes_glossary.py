"""The stored glossary: checking an entry, building the correction step, correcting an
hour of transcript, and a CSV import, at the demo size and at larger glossaries.

    .venv/bin/python bench/minutes_glossary.py [--sizes 71,1000,3000]

Synthetic entries (``誤りN`` → ``正しいN``, no loops) are added to the demo glossary in a
throwaway SQLite database (migrated, so the demo seed is there). "check" is one
``glossary_entry_check`` of a new correction against all entries (the loop search is
the costly part); "build" is ``glossary_current()`` after a change, "cached" the same
call when nothing changed (one stamp query); "apply" corrects 18,000 characters (about
an hour of speech at 300 characters a minute); "csv_reimport" imports the exported file
back (every row unchanged), "csv_add_500" adds 500 new rows from a CP932 file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from harness import Result, django_setup, print_results, write_json


def _median_ms(call, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="71,1000,3000")
    args = parser.parse_args()
    django_setup(prefix="minutes-glossary")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ukai.minutes import selectors, services
    from ukai.minutes.glossary_csv import glossary_csv, glossary_import
    from ukai.minutes.models import GlossaryEntry

    manager = get_user_model().objects.create_user(
        username="bench-manager", password="x" * 20, role="manager"
    )
    services.glossary_seed()
    transcript = (
        "ご意義ありませんか。意義なしと認めます。ギアン第1号は原案の通り可決すべきものと決しました。"
        "長良側の河川敷と柳瀬の商店街について、担当家から説明します。"
    ) * 200
    transcript = transcript[:18_000]
    results = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        existing = GlossaryEntry.objects.count()
        if size > existing:
            GlossaryEntry.objects.bulk_create(
                GlossaryEntry(wrong=f"誤り{n}", right=f"正しい{n}", category="other")
                for n in range(existing, size)
            )
        entries = list(GlossaryEntry.objects.all())
        check_ms = _median_ms(
            lambda entries=entries: services.glossary_entry_check(
                wrong="ぎふ駅", right="岐阜駅", category="place", others=entries
            )
        )

        def rebuild() -> None:
            selectors._glossary_cache.clear()
            selectors.glossary_current()

        build_ms = _median_ms(rebuild)
        cached_ms = _median_ms(selectors.glossary_current, repeat=20)
        glossary = selectors.glossary_current()
        apply_ms = _median_ms(lambda glossary=glossary: glossary.apply(transcript))
        data = glossary_csv(GlossaryEntry.objects.all()).encode("utf-8")
        started = time.perf_counter()
        outcome = glossary_import(staff=manager, data=data)
        import_s = round(time.perf_counter() - started, 3)
        assert not outcome.errors, outcome.errors[:3]
        rows = "".join(f"新誤り{size}-{n},新正しい{size}-{n},その他,有効\r\n" for n in range(500))
        started = time.perf_counter()
        outcome = glossary_import(
            staff=manager, data=("誤認識の形,正しい形,分類,有効\r\n" + rows).encode("cp932")
        )
        import_new_s = round(time.perf_counter() - started, 3)
        assert outcome.added == 500, outcome.errors[:3]
        GlossaryEntry.objects.filter(wrong__startswith="新誤り").delete()
        results.append(
            Result(
                name="minutes_glossary",
                params={"entries": GlossaryEntry.objects.count()},
                figures={
                    "check_ms": check_ms,
                    "build_ms": build_ms,
                    "cached_ms": cached_ms,
                    "apply_18k_chars_ms": apply_ms,
                    "csv_reimport_s": import_s,
                    "csv_add_500_s": import_new_s,
                },
                unit="ms",
            )
        )
    print_results(results, title="minutes glossary (stored entries)")
    print(f"written to {write_json(results, 'minutes_glossary')}")


if __name__ == "__main__":
    main()
