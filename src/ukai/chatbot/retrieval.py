"""Hybrid retrieval over a collection: BM25 on Sudachi tokens plus multilingual USE vectors.

An ``Index`` is built from plain ``EntryDoc`` records (no database access here) and
ranks every entry for a question:

    score = w_q·cos(question, best of entry question/phrasings) + w_a·cos(question, answer)
          + w_bq·sat(BM25 on question+phrasings) + w_ba·sat(BM25 on answer)

with ``sat(x) = x / (x + k)`` so that BM25 adds a bounded amount. The weights, ``k``
and the confidence calibration (a logistic curve fitted on the development split)
are in ``data/tuning.json``, written by ``chatbot_eval --tune``; see docs/chatbot.md.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import math
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import bm25s
import numpy as np

from .encoder import DIMENSIONS, texts_encode
from .text import query_clean, text_normalize, text_tokens

# bm25s logs every index build at DEBUG level.
logging.getLogger("bm25s").setLevel(logging.WARNING)

TUNING_PATH = Path(__file__).resolve().parent / "data" / "tuning.json"
ANSWER_CHARS = 200  # the part of an answer that is embedded (its first sentences)


@dataclass(frozen=True)
class Tuning:
    w_question: float = 0.55
    w_answer: float = 0.15
    w_bm25_question: float = 0.25
    w_bm25_answer: float = 0.05
    bm25_k: float = 6.0
    # confidence = 1 / (1 + exp(-(conf_a · score + conf_b)))
    conf_a: float = 12.0
    conf_b: float = -7.0
    threshold: float = 0.5

    @classmethod
    def load(cls, path: Path = TUNING_PATH) -> Tuning:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {name: float(data[name]) for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def save(self, path: Path = TUNING_PATH) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    def confidence(self, score: float) -> float:
        exponent = -(self.conf_a * score + self.conf_b)
        return 1.0 / (1.0 + math.exp(max(min(exponent, 60.0), -60.0)))


@dataclass(frozen=True)
class EntryDoc:
    """What the index needs of one entry."""

    id: int
    question: str
    phrasings: Sequence[str]
    answer: str
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    score: float


@dataclass
class Ranking:
    """Entries best first, with the calibrated confidence of the first."""

    results: list[Ranked]
    confidence: float
    answered: bool
    features: dict[str, float] = field(default_factory=dict)


def _answer_head(answer: str) -> str:
    return answer.split("\nお問い合わせ")[0][:ANSWER_CHARS]


class EmbeddingStore:
    """Vectors of texts already encoded, kept in a file so a restart does not re-encode.

    Keyed by a hash of the text: any process may share the file; it is replaced
    atomically. Losing it only costs time.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._loaded = False

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.path is None or not self.path.exists():
            return
        try:
            with np.load(self.path) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError):
            return
        if vectors.ndim == 2 and vectors.shape[1] == DIMENSIONS:
            self._vectors.update(zip((str(k) for k in keys), vectors, strict=True))

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self._load()
            keys = [self.key(text) for text in texts]
            missing = sorted(
                {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items()
            )
            if missing:
                vectors = texts_encode([text for _, text in missing])
                self._vectors.update(zip((k for k, _ in missing), vectors, strict=True))
            if not texts:
                return np.zeros((0, DIMENSIONS), dtype=np.float32)
            return np.vstack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self.path is None:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = np.array(list(self._vectors), dtype="U32")
            vectors = (
                np.vstack(list(self._vectors.values()))
                if self._vectors
                else np.zeros((0, DIMENSIONS), dtype=np.float32)
            )
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
            try:
                with os.fdopen(handle, "wb") as file:
                    np.savez(file, keys=keys, vectors=vectors)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(corpus, show_progress=False)
    return retriever


class Index:
    """The searchable form of one collection's published entries."""

    def __init__(self, docs: Sequence[EntryDoc], *, store: EmbeddingStore) -> None:
        self.entry_ids = np.array([doc.id for doc in docs], dtype=np.int64)
        self.validity = [(doc.valid_from, doc.valid_until) for doc in docs]
        question_texts: list[str] = []
        self._owner_starts: list[int] = []
        for doc in docs:
            self._owner_starts.append(len(question_texts))
            question_texts.extend(
                text_normalize(text) for text in [doc.question, *doc.phrasings] if text.strip()
            )
        answer_texts = [text_normalize(_answer_head(doc.answer)) for doc in docs]
        self.question_vectors = store.encode(question_texts)
        self.answer_vectors = store.encode(answer_texts)
        self._size = len(docs)
        question_tokens = [
            text_tokens(" ".join(text_normalize(t) for t in [doc.question, *doc.phrasings]))
            for doc in docs
        ]
        answer_tokens = [text_tokens(text_normalize(doc.answer)) for doc in docs]
        self._bm25_question = _bm25(question_tokens) if docs else None
        self._bm25_answer = _bm25(answer_tokens) if docs else None

    def __len__(self) -> int:
        return self._size

    def with_entry_ids(self, entry_ids: Sequence[int]) -> Index:
        """The same index for the same texts stored under other ids (shares the arrays)."""
        if len(entry_ids) != self._size:
            raise ValueError("one id per entry")
        twin = copy.copy(self)
        twin.entry_ids = np.array(entry_ids, dtype=np.int64)
        return twin

    def features(self, question: str) -> dict[str, np.ndarray]:
        """The four per-entry similarities of ``question`` (arrays of the index's length)."""
        cleaned = query_clean(question)
        size = self._size
        if size == 0:
            empty = np.zeros(0, dtype=np.float32)
            return {"dense_q": empty, "dense_a": empty, "bm25_q": empty, "bm25_a": empty}
        vector = texts_encode([cleaned])[0]
        question_sims = self.question_vectors @ vector
        dense_q = np.maximum.reduceat(question_sims, self._owner_starts)
        dense_a = self.answer_vectors @ vector
        tokens = text_tokens(cleaned)
        assert self._bm25_question is not None
        assert self._bm25_answer is not None
        if tokens:
            bm25_q = np.asarray(self._bm25_question.get_scores(tokens), dtype=np.float32)
            bm25_a = np.asarray(self._bm25_answer.get_scores(tokens), dtype=np.float32)
        else:
            bm25_q = bm25_a = np.zeros(size, dtype=np.float32)
        return {"dense_q": dense_q, "dense_a": dense_a, "bm25_q": bm25_q, "bm25_a": bm25_a}

    def valid_mask(self, day: date | None) -> np.ndarray:
        if day is None:
            return np.ones(self._size, dtype=bool)
        return np.array(
            [
                (start is None or start <= day) and (end is None or day <= end)
                for start, end in self.validity
            ],
            dtype=bool,
        )

    def rank(
        self, question: str, *, tuning: Tuning, limit: int = 10, day: date | None = None
    ) -> Ranking:
        """Entries for ``question``, best first, and whether the best one answers it."""
        if self._size == 0:
            return Ranking(results=[], confidence=0.0, answered=False)
        features = self.features(question)
        scores = fuse(features, tuning)
        scores = np.where(self.valid_mask(day), scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:limit]
        results = [
            Ranked(entry_id=int(self.entry_ids[i]), score=float(scores[i]))
            for i in order
            if np.isfinite(scores[i])
        ]
        if not results:
            return Ranking(results=[], confidence=0.0, answered=False)
        confidence = tuning.confidence(results[0].score)
        best = int(order[0])
        return Ranking(
            results=results,
            confidence=confidence,
            answered=confidence >= tuning.threshold,
            features={name: float(values[best]) for name, values in features.items()},
        )


def fuse(features: dict[str, np.ndarray], tuning: Tuning) -> np.ndarray:
    """The weighted sum of the similarities (BM25 saturated into 0–1)."""
    k = tuning.bm25_k
    return (
        tuning.w_question * features["dense_q"]
        + tuning.w_answer * features["dense_a"]
        + tuning.w_bm25_question * (features["bm25_q"] / (features["bm25_q"] + k))
        + tuning.w_bm25_answer * (features["bm25_a"] / (features["bm25_a"] + k))
    )
