"""Retrieval quality: the metrics of ``chatbot_eval`` and the tuning of the fusion weights.

Metrics are over the *answerable* queries (those with at least one relevant id);
queries with ``"relevant": []`` measure how often the bot says it does not know.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .retrieval import Index, Tuning, fuse


@dataclass(frozen=True)
class Query:
    text: str
    relevant: frozenset[str]


def queries_parse(records: Sequence[tuple[int, Any]]) -> list[Query]:
    """Queries from JSONL records; ValueError with the line for a malformed one."""
    queries = []
    for line, record in records:
        if not isinstance(record, dict) or not isinstance(record.get("query"), str):
            raise ValueError(
                f"{line}行目: query（文字列）が必要です。 / line {line}: query (text) is required."
            )
        relevant = record.get("relevant", [])
        if not isinstance(relevant, list):
            raise ValueError(
                f"{line}行目: relevant はidのリストです。 / line {line}: relevant must be a list of ids."
            )
        queries.append(Query(text=record["query"], relevant=frozenset(str(r) for r in relevant)))
    return queries


def _ndcg_at_10(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    gains = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:10]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return gains / ideal if ideal else 0.0


def _average_precision(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    hits, total = 0, 0.0
    for i, key in enumerate(ranked, start=1):
        if key in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def _reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for i, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1 / i
    return 0.0


def _percentile(values: Sequence[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p)) if values else 0.0


def evaluate(
    *, index: Index, keys_by_id: dict[int, str], queries: Sequence[Query], tuning: Tuning
) -> dict[str, float | int]:
    """Rank every query and compute the figures ``chatbot_eval`` prints."""
    p1, rr, ap, s5, ndcg = [], [], [], [], []
    answered_correct = 0
    refused = 0
    latencies = []
    unanswerable = 0
    for query in queries:
        started = time.perf_counter()
        ranking = index.rank(query.text, tuning=tuning, limit=max(len(index), 1))
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = [keys_by_id[r.entry_id] for r in ranking.results]
        if not query.relevant:
            unanswerable += 1
            refused += not ranking.answered
            continue
        p1.append(1.0 if ranked[:1] and ranked[0] in query.relevant else 0.0)
        rr.append(_reciprocal_rank(ranked, query.relevant))
        ap.append(_average_precision(ranked, query.relevant))
        s5.append(1.0 if any(key in query.relevant for key in ranked[:5]) else 0.0)
        ndcg.append(_ndcg_at_10(ranked, query.relevant))
        answered_correct += ranking.answered and p1[-1] == 1.0
    answerable = len(p1)

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "p_at_1": mean(p1),
        "mrr": mean(rr),
        "map": mean(ap),
        "sr_at_5": mean(s5),
        "ndcg_at_10": mean(ndcg),
        "latency_ms_p50": round(_percentile(latencies, 50), 2),
        "latency_ms_p95": round(_percentile(latencies, 95), 2),
        "queries": len(queries),
        "answerable": answerable,
        "answered_correctly_rate": round(answered_correct / answerable, 4) if answerable else 0.0,
        "unanswerable": unanswerable,
        "unanswerable_refused_rate": round(refused / unanswerable, 4) if unanswerable else 0.0,
    }


def tune(
    *, index: Index, keys_by_id: dict[int, str], queries: Sequence[Query], base: Tuning
) -> Tuning:
    """Weights, BM25 saturation and confidence calibration fitted on ``queries`` (dev split)."""
    keys = np.array([keys_by_id[int(i)] for i in index.entry_ids])
    features = [index.features(query.text) for query in queries]
    stacked = {name: np.vstack([f[name] for f in features]) for name in features[0]}
    relevant = np.array([[key in query.relevant for key in keys] for query in queries])
    answerable = relevant.any(axis=1)

    best: tuple[float, Tuning] | None = None
    grid = itertools.product(
        (0.4, 0.55, 0.7, 0.85),  # w_question
        (0.0, 0.1, 0.2, 0.3),  # w_answer
        (0.0, 0.1, 0.2, 0.3, 0.45),  # w_bm25_question
        (0.0, 0.05, 0.1, 0.2),  # w_bm25_answer
        (2.0, 4.0, 8.0, 16.0),  # bm25_k
    )
    for w_q, w_a, w_bq, w_ba, k in grid:
        candidate = replace(
            base, w_question=w_q, w_answer=w_a, w_bm25_question=w_bq, w_bm25_answer=w_ba, bm25_k=k
        )
        scores = fuse(stacked, candidate)[answerable]
        top = scores.argmax(axis=1)
        rows = np.arange(len(top))
        p_at_1 = relevant[answerable][rows, top].mean()
        best_relevant = np.where(relevant[answerable], scores, -np.inf).max(axis=1)
        ranks = (scores > best_relevant[:, None]).sum(axis=1) + 1
        mrr = (1.0 / ranks).mean()
        objective = float(p_at_1 + mrr)
        if best is None or objective > best[0]:
            best = (objective, candidate)
    assert best is not None
    chosen = best[1]

    # Calibrate: P(the first entry is right) as a logistic curve of its score.
    scores = fuse(stacked, chosen)
    top = scores.argmax(axis=1)
    top_score = scores[np.arange(len(top)), top]
    correct = relevant[np.arange(len(top)), top].astype(float)
    a, b = _logistic_fit(top_score, correct)
    chosen = replace(chosen, conf_a=a, conf_b=b)
    confidence = 1 / (1 + np.exp(-(a * top_score + b)))

    # Threshold: most queries handled right (answered correctly or refused when
    # unanswerable), among thresholds that refuse ≥ 85% of unanswerable dev queries.
    best_threshold, best_rate = 0.5, -1.0
    for threshold in np.arange(0.05, 0.95, 0.01):
        answered = confidence >= threshold
        refused_rate = (~answered[~answerable]).mean() if (~answerable).any() else 1.0
        handled = ((answered & (correct == 1) & answerable) | (~answered & ~answerable)).mean()
        if refused_rate >= 0.85 and handled > best_rate:
            best_threshold, best_rate = float(threshold), float(handled)
    return replace(chosen, threshold=round(best_threshold, 2))


def _logistic_fit(x: np.ndarray, y: np.ndarray, *, steps: int = 2000) -> tuple[float, float]:
    """Maximum-likelihood a, b of P(y=1) = σ(a·x + b), by gradient ascent on standardised x."""
    mean, std = float(x.mean()), float(x.std() or 1.0)
    z = (x - mean) / std
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * z + b)))
        a += 0.1 * float(((y - p) * z).mean())
        b += 0.1 * float((y - p).mean())
    return round(a / std, 4), round(b - a * mean / std, 4)
