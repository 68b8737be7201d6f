"""The glossary's rules, without Django: loops between corrections, and the JSON seed.

A correction ``wrong → right`` replaces every ``wrong`` in a transcript. It "loops"
when its ``right`` form contains a ``wrong`` form that leads, through other
corrections, back to itself (意義 → 異議 with 異議 → 意義), or when its own ``right``
contains its ``wrong`` (市長 → 岐阜市長 turns 岐阜市長 into 岐阜岐阜市長): applied
again, the text would keep changing. Such an entry is refused (ADR 0099).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .cleanup import Glossary


@dataclass(frozen=True)
class SeedRow:
    wrong: str
    right: str
    category: str


def glossary_build(*, terms: Iterable[str], corrections: Iterable[tuple[str, str]]) -> Glossary:
    """The correction step's glossary: corrections longest ``wrong`` first, as the file's."""
    pairs = sorted(
        {(wrong, right) for wrong, right in corrections if wrong},
        key=lambda pair: (-len(pair[0]), pair[0]),
    )
    return Glossary(terms=tuple(dict.fromkeys(terms)), corrections=tuple(pairs))


def correction_loop(
    corrections: Sequence[tuple[str, str]], candidate: tuple[str, str]
) -> list[tuple[str, str]]:
    """The chain of corrections through which ``candidate`` leads back to itself
    (``[]`` if none). ``corrections`` are the other enabled ones."""
    wrong, right = candidate
    if not wrong:
        return []
    if wrong in right:
        return [candidate]
    others = [pair for pair in corrections if pair[0] and pair != candidate]
    # Breadth-first from the candidate: an edge a → b when b's wrong form is in a's right form.
    paths: dict[tuple[str, str], list[tuple[str, str]]] = {candidate: [candidate]}
    queue = [candidate]
    while queue:
        current = queue.pop(0)
        for pair in others:
            if pair[0] in current[1] and pair not in paths:
                paths[pair] = [*paths[current], pair]
                if wrong in pair[1]:
                    return paths[pair]
                queue.append(pair)
    return []


def glossary_seed_rows(data: dict[str, object]) -> list[SeedRow]:
    """The rows of the demo seed ``data/glossary.json``: each term (its category from
    ``categories``, 議会用語 otherwise) and each correction."""
    categories: dict[str, str] = {}
    raw_categories = data.get("categories") or {}
    if isinstance(raw_categories, dict):
        for category, words in raw_categories.items():
            for word in words:
                categories[str(word)] = str(category)
    rows: list[SeedRow] = []
    terms = data.get("terms") or []
    corrections = data.get("corrections") or []
    if not isinstance(terms, list) or not isinstance(corrections, list):
        raise ValueError("glossary data: terms and corrections must be lists")
    for term in terms:
        rows.append(
            SeedRow(wrong="", right=str(term), category=categories.get(str(term), "council"))
        )
    for item in corrections:
        if item.get("wrong"):
            right = str(item["right"])
            rows.append(
                SeedRow(
                    wrong=str(item["wrong"]),
                    right=right,
                    category=str(item.get("category") or categories.get(right, "council")),
                )
            )
    return rows
