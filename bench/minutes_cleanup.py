"""ケバ取り (filler removal): precision and recall on the labelled set, and 整文 throughput.

    .venv/bin/python bench/minutes_cleanup.py

The labelled set is ``src/ukai/minutes/tests/fixtures/fillers.txt`` (fillers in
[brackets]; it includes words that only look like fillers: あの件, その結果, まあまあ).
Precision and recall are counted over characters. The set was written together with
the rules, so the figures say the rules do what the set describes, not how they fare on
unseen speech.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from harness import Result, print_results, write_json
from ukai.minutes.cleanup import filler_spans, glossary_load, written_style
from ukai.minutes.evaluation import filler_score, labelled_load

FILLERS = Path(__file__).resolve().parents[1] / "src/ukai/minutes/tests/fixtures/fillers.txt"


def main() -> None:
    utterances = labelled_load(FILLERS)
    score = filler_score(utterances, filler_spans)
    glossary = glossary_load()
    text = "".join(u.text for u in utterances) * 20
    started = time.perf_counter()
    written_style(text, glossary=glossary)
    elapsed = time.perf_counter() - started
    result = Result(
        name="minutes_cleanup",
        params={"utterances": score.utterances, "filler_chars": score.filler_chars},
        figures={
            "precision": round(score.precision, 4),
            "recall": round(score.recall, 4),
            "false_positive_utterances": len(score.false_positives),
            "missed_utterances": len(score.misses),
            "written_style_kchars_per_s": round(len(text) / elapsed / 1000, 1),
        },
        unit="ratio",
        notes=[f"false positive: {t}" for t in score.false_positives]
        + [f"missed: {t}" for t in score.misses],
    )
    print_results([result], title="minutes ケバ取り")
    print(f"written to {write_json([result], 'minutes_cleanup')}")


if __name__ == "__main__":
    main()
