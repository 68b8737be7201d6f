"""The procedure catalog and form validation: page render, API and ``form_validate`` times.

    .venv/bin/python bench/procedures_catalog.py              # 200 requests per page, 2,000 validations
    .venv/bin/python bench/procedures_catalog.py --repeat 30 --validations 200   # quick

Pages and API calls go through Django's test client in-process (URL routing,
middleware, the view and its template), so the figures are the server's time
without the network. The database is a throwaway SQLite file (WAL) with the
Gifu City demo (departments and the 32-procedure catalog). ``form_validate``
runs on the 児童手当 認定請求 form with two children: once with valid answers
and once with answers that give field errors.

Target (issue 3): form page render p95 <= 50 ms.
Writes ``bench/results/procedures_catalog.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from harness import Result, percentile, print_machine, print_results, write_json  # noqa: E402

TARGET_P95_MS = 50.0
PAGES = [
    ("catalog page /procedures/", "/procedures/", {}),
    ("catalog search page (かな)", "/procedures/", {"q": "じどうてあて"}),
    ("catalog by life event", "/procedures/", {"life_event": "long-term-care"}),
    ("procedure page with form outline", "/procedures/jido-teate-nintei-seikyu/", {}),
    ("form step page (児童, 1 child)", "/procedures/jido-teate-nintei-seikyu/apply/children/", {}),
    ("API list", "/api/v1/procedures", {"limit": "50"}),
    ("API detail with form", "/api/v1/procedures/jido-teate-nintei-seikyu", {}),
]


def child_allowance_answers(*, valid: bool) -> dict[str, Any]:
    child = {"relationship": "child", "lives_with_applicant": "yes"}
    return {
        "applicant_name": {"name": "髙橋 花子", "kana": "タカハシ ハナコ"},
        "applicant_birth_date": "平成2年4月1日" if valid else "平成2年2月30日",
        "postal_code": "500-8701",
        "address": "岐阜県岐阜市司町40番地1",
        "phone": "058-265-4141" if valid else "058-265",
        "is_public_servant": "no",
        "has_spouse": "no",
        "children": [
            {
                **child,
                "name": {"name": "髙橋 一郎", "kana": "タカハシ イチロウ"},
                "birth_date": "R3.5.1",
            },
            {
                **child,
                "name": {"name": "髙橋 𠮷子", "kana": "たかはし よしこ"},
                "birth_date": "R5.6.1",
            },
        ],
        "bank_name": "十六銀行",
        "branch_name": "本店",
        "account_type": "ordinary",
        "account_number": "1234567",
        "account_holder_kana": "ﾀｶﾊｼ ﾊﾅｺ",
        "declaration": True,
    }


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def figures(times: list[float]) -> dict[str, float | int | str]:
    return {
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
        "max_ms": round(max(times), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--validations", type=int, default=2000)
    parser.add_argument("--output", default="procedures_catalog")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="ukai-bench-procedures-")
    os.environ["UKAI_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "ukai.config.settings.test"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from ukai.procedures.service import form_spec_parse, form_validate

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    print_machine()
    call_command("migrate", verbosity=0)
    from ukai.core.demo import demo_load
    from ukai.procedures.seed import procedures_seed

    demo_load()
    procedures_seed()

    client = Client()
    results: list[Result] = []
    for label, url, query in PAGES:
        response = client.get(url, query)
        assert response.status_code == 200, (url, response.status_code)
        times = timed(lambda url=url, query=query: client.get(url, query), args.repeat)
        results.append(
            Result(name=label, params={"url": url, **query}, figures=figures(times), unit="ms")
        )

    form_path = BENCH_DIR.parent / "src/ukai/procedures/data/forms/jido-teate-nintei-seikyu.json"
    spec = form_spec_parse(json.loads(form_path.read_text(encoding="utf-8")))
    for valid in (True, False):
        answers = child_allowance_answers(valid=valid)
        _, errors = form_validate(spec, answers)
        assert bool(errors) != valid, errors
        times = timed(lambda answers=answers: form_validate(spec, answers), args.validations)
        results.append(
            Result(
                name=f"form_validate 児童手当 2 children ({'valid' if valid else f'{len(errors)} errors'})",
                params={"validations": args.validations},
                figures={**figures(times), "per_s": round(1000 / percentile(times, 50))},
                unit="ms",
            )
        )
    page = next(r for r in results if r.name.startswith("form step page"))
    page.notes.append(f"target p95 <= {TARGET_P95_MS:.0f} ms (form page render)")
    print_results(results, title="procedures: catalog pages, API and form validation (SQLite)")
    path = write_json(results, args.output)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
