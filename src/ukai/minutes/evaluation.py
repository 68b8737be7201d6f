"""Scoring the minutes pipeline: character error rate, and ケバ取り precision and recall.

Pure Python; ``bench/minutes_*.py`` and the tests use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_NOT_COUNTED = re.compile(r"[\s\W_]+", re.UNICODE)


def cer_normalise(text: str) -> str:
    """NFKC, without punctuation, symbols and spaces (what a CER compares)."""
    return _NOT_COUNTED.sub("", unicodedata.normalize("NFKC", text))


def edit_distance(reference: str, hypothesis: str) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref_char in enumerate(reference, start=1):
        current = [i]
        for j, hyp_char in enumerate(hypothesis, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (ref_char != hyp_char),
                )
            )
        previous = current
    return previous[-1]


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Edit distance over normalised characters ÷ the reference's length."""
    ref = cer_normalise(reference)
    hyp = cer_normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


@dataclass(frozen=True)
class LabelledUtterance:
    text: str
    fillers: tuple[tuple[int, int], ...]


def labelled_parse(line: str) -> LabelledUtterance:
    """``[えー]、本件は`` → text ``えー、本件は`` with the filler span (0, 2)."""
    text = []
    spans = []
    position = 0
    for piece in re.split(r"(\[[^\]]*\])", line):
        if piece.startswith("[") and piece.endswith("]"):
            word = piece[1:-1]
            spans.append((position, position + len(word)))
            text.append(word)
            position += len(word)
        else:
            text.append(piece)
            position += len(piece)
    return LabelledUtterance(text="".join(text), fillers=tuple(spans))


def labelled_load(path: Path) -> list[LabelledUtterance]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [labelled_parse(line) for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class FillerScore:
    utterances: int
    filler_chars: int
    precision: float
    recall: float
    false_positives: tuple[str, ...]
    misses: tuple[str, ...]


def _chars(spans: Iterable[tuple[int, int]]) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def filler_score(
    utterances: list[LabelledUtterance], spans_of: Callable[[str], list[tuple[int, int]]]
) -> FillerScore:
    """Character-level precision and recall of the removed spans against the labels."""
    true_positive = predicted = gold = 0
    false_positives: list[str] = []
    misses: list[str] = []
    for utterance in utterances:
        wanted = _chars(utterance.fillers)
        found = _chars(spans_of(utterance.text))
        true_positive += len(wanted & found)
        predicted += len(found)
        gold += len(wanted)
        if found - wanted:
            false_positives.append(utterance.text)
        if wanted - found:
            misses.append(utterance.text)
    return FillerScore(
        utterances=len(utterances),
        filler_chars=gold,
        precision=true_positive / predicted if predicted else 1.0,
        recall=true_positive / gold if gold else 1.0,
        false_positives=tuple(false_positives),
        misses=tuple(misses),
    )
