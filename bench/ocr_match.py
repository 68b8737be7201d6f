"""Automatic template matching (docs/adr/0089): accuracy and seconds per page on a mixed set.

    .venv/bin/python bench/ocr_match.py [--pages 40] [--unknown 10] [--seed 3000]

The set mixes ``--pages`` generated scans of each of two forms that share one municipal frame
(the sample 住民票の写し等交付請求書 and 印鑑登録証明書交付申請書: same registration marks,
addressee, ruled table and footer), ``--unknown`` scans of a third form with the same frame
but no template, and ``--unknown`` pages that are no form at all (a typed letter). Scans go
through the simulated scanner (rotation up to ±3°, shift, 200/240/300 dpi, blur, noise, JPEG
55–90; every fifth page upside down). Each page is matched against both templates with
``reading.page_match`` (features found once per page, each template's descriptors cached)
and the default thresholds. The time covers matching and the registration of the accepted
page (not JPEG decoding); the old path's single registration (``page_align``, template chosen
at upload) is timed on the same known pages for comparison.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.test")

import django

django.setup()

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from harness import Result, percentile, print_results, write_json  # noqa: E402
from ukai.ocr import samples  # noqa: E402
from ukai.ocr.reading import (  # noqa: E402
    MATCH_MARGIN,
    MATCH_MIN_SCORE,
    page_align,
    page_match,
    template_geometry,
)


def _gray(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.uint8)


def _letter(seed: int) -> bytes:
    rng = random.Random(seed)
    page = Image.new("L", (samples.WIDTH, samples.HEIGHT), 255)
    draw = ImageDraw.Draw(page)
    lines = (
        "拝啓　時下ますますご清栄のこととお慶び申し上げます。",
        "さて、先日お問い合わせいただきました件につきまして、",
        "下記のとおりご案内いたします。",
        "記",
        "一　手続の窓口　岐阜市役所　市民課",
    )
    for index in range(22):
        draw.text(
            (150, 180 + index * 90),
            rng.choice(lines),
            font=samples.font(rng.choice(samples.available_fonts()), 42),
            fill=0,
        )
    return samples.scan_simulate(page, samples.ScanOptions.random(rng), seed=seed)


def _options(rng: random.Random, index: int) -> samples.ScanOptions:
    options = samples.ScanOptions.random(rng)
    if index % 5 == 4:
        options = samples.ScanOptions(**{**options.__dict__, "upside_down": True})
    return options


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=40, help="scans of each known form")
    parser.add_argument("--unknown", type=int, default=10, help="unknown forms, and letters")
    parser.add_argument("--seed", type=int, default=3000)
    parser.add_argument(
        "--siblings",
        type=int,
        default=8,
        help="second pass: this many more templates of the same frame (screening, finalists)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    juminhyo = template_geometry(np.asarray(samples.blank_form()))
    inkan = template_geometry(np.asarray(samples.inkan_blank_form()))
    templates_s = time.perf_counter() - started
    candidates = [(samples.TEMPLATE_NAME, juminhyo), (samples.INKAN_NAME, inkan)]
    geometry = dict(candidates)

    rng = random.Random(args.seed)
    cases: list[tuple[str, bytes]] = []
    for index in range(args.pages):
        seed = args.seed + index
        cases.append(
            (samples.TEMPLATE_NAME, samples.sample_scan(seed, options=_options(rng, index))[0])
        )
        cases.append(
            (samples.INKAN_NAME, samples.inkan_sample_scan(seed, options=_options(rng, index))[0])
        )
    for index in range(args.unknown):
        seed = args.seed + 500 + index
        cases.append(("", samples.unknown_form_scan(seed, options=_options(rng, index))))
        cases.append(("", _letter(seed)))
    print(f"{len(cases)} generated scans; 2 templates prepared in {templates_s:.2f} s")

    counts = {"right": 0, "wrong": 0, "unmatched_known": 0, "unknown_refused": 0, "unknown_read": 0}
    match_seconds: list[float] = []
    align_seconds: list[float] = []
    own_scores: list[float] = []
    other_scores: list[float] = []
    unknown_scores: list[float] = []
    margins: list[float] = []
    for truth, data in cases:
        scan = _gray(data)
        started = time.perf_counter()
        match = page_match(scan, candidates)
        match_seconds.append(time.perf_counter() - started)
        scores = dict(match.scores)
        if truth:
            own_scores.append(scores[truth])
            other_scores.extend(score for key, score in scores.items() if key != truth)
            best_other = max(score for key, score in scores.items() if key != truth)
            margins.append(scores[truth] / best_other if best_other else float("inf"))
            if match.key == truth:
                counts["right"] += 1
            elif match.key is None:
                counts["unmatched_known"] += 1
            else:
                counts["wrong"] += 1
            started = time.perf_counter()
            page_align(scan, geometry[truth])
            align_seconds.append(time.perf_counter() - started)
        else:
            unknown_scores.extend(scores.values())
            counts["unknown_refused" if match.key is None else "unknown_read"] += 1

    known = 2 * args.pages
    unknown = 2 * args.unknown
    finite = [m for m in margins if m != float("inf")]
    figures: dict[str, float | int | str] = {
        "known_pages": known,
        "unknown_pages": unknown,
        "right_template_pct": round(100 * counts["right"] / known, 2),
        "wrong_template": counts["wrong"],
        "known_left_unmatched": counts["unmatched_known"],
        "unknown_refused_pct": round(100 * counts["unknown_refused"] / unknown, 2)
        if unknown
        else 0,
        "unknown_read_as_a_template": counts["unknown_read"],
        "own_score_min": round(min(own_scores), 3),
        "own_score_median": round(percentile(own_scores, 50), 3),
        "other_template_score_max": round(max(other_scores), 3),
        "unknown_score_max": round(max(unknown_scores), 3) if unknown_scores else 0,
        "margin_min": round(min(finite), 2) if finite else "inf",
        "mean_s_per_page_match": round(sum(match_seconds) / len(match_seconds), 3),
        "p95_s_per_page_match": round(percentile(match_seconds, 95), 3),
        "mean_s_per_page_chosen": round(sum(align_seconds) / len(align_seconds), 3),
        "p95_s_per_page_chosen": round(percentile(align_seconds, 95), 3),
    }
    result = Result(
        name="ocr_match_two_templates",
        params={
            "templates": 2,
            "min_score": MATCH_MIN_SCORE,
            "margin": MATCH_MARGIN,
            "pages": len(cases),
        },
        figures=figures,
        notes=[
            "score = RANSAC inliers of an accepted registration / the template's ORB keypoints",
            "both forms share one frame: the other form's score is the hard negative",
            "match time = features once + each template's match and RANSAC + the winner's warp",
            "chosen = the old path: page_align against the page's own template only",
        ],
    )
    results = [result]
    if args.siblings:
        many = candidates + [
            (f"sibling-{index}", template_geometry(np.asarray(samples.sibling_blank_form(index))))
            for index in range(args.siblings)
        ]
        seconds: list[float] = []
        right = wrong = refused = 0
        for truth, data in cases:
            scan = _gray(data)
            started = time.perf_counter()
            match = page_match(scan, many)
            seconds.append(time.perf_counter() - started)
            if truth:
                right += match.key == truth
                wrong += match.key is not None and match.key != truth
            else:
                refused += match.key is None
        results.append(
            Result(
                name=f"ocr_match_{len(many)}_templates",
                params={
                    "templates": len(many),
                    "min_score": MATCH_MIN_SCORE,
                    "margin": MATCH_MARGIN,
                    "pages": len(cases),
                },
                figures={
                    "known_pages": known,
                    "unknown_pages": unknown,
                    "right_template_pct": round(100 * right / known, 2),
                    "wrong_template": wrong,
                    "unknown_refused_pct": round(100 * refused / unknown, 2) if unknown else 0,
                    "mean_s_per_page_match": round(sum(seconds) / len(seconds), 3),
                    "p95_s_per_page_match": round(percentile(seconds, 95), 3),
                },
                notes=[
                    f"the two forms plus {args.siblings} more blank forms of the same frame "
                    "(other titles and rows); a screen on the page's 600 strongest features picks "
                    "3 finalists for full registration"
                ],
            )
        )
    print_results(results, title="automatic template matching", figures=list(figures))
    path = write_json(
        results, "ocr_match", extra={"generated_pages": len(cases), "seed": args.seed}
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
