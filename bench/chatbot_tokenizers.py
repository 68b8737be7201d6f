"""BM25 tokens for the chatbot: SudachiPy (what ships) against fugashi + unidic-lite.

    .venv/bin/python bench/chatbot_tokenizers.py

fugashi and unidic-lite are not dependencies of Ukai; install them somewhere apart to
run the comparison, e.g. ``pip install --target /tmp/fugashi fugashi==1.5.2 unidic-lite==1.0.8``
and ``PYTHONPATH=/tmp/fugashi .venv/bin/python bench/chatbot_tokenizers.py``.

For each tokenizer the 305 seed FAQs are indexed exactly as ``chatbot_eval`` indexes a
collection (same ``Index``, same multilingual vectors, only ``text_tokens`` swapped), the
fusion weights and the confidence calibration are tuned on the development split (as
``chatbot_eval --tune`` does), and the figures of ``chatbot_eval`` are computed on the
development split, and on the test split for reference. Also: tokenizer load time and
the time to tokenise every entry and question.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.test")

import django

django.setup()

from harness import Result, print_results, write_json  # noqa: E402
from ukai.chatbot import retrieval, services, text  # noqa: E402
from ukai.chatbot.evaluation import evaluate, queries_parse, tune  # noqa: E402
from ukai.chatbot.retrieval import EmbeddingStore, EntryDoc, Index, Tuning  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "src" / "ukai" / "chatbot" / "data"
# The same content parts of speech and stop forms as the Sudachi tokens (chatbot/text.py).
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "接尾辞", "接頭辞"}


def fugashi_tokens_factory() -> Callable[[str], list[str]]:
    import fugashi

    tagger = fugashi.Tagger()  # unidic-lite, found by fugashi when installed

    def tokens(value: str) -> list[str]:
        found: list[str] = []
        for word in tagger(value[:5000]):
            feature = word.feature
            if feature.pos1 not in _CONTENT_POS or feature.pos2 == "数詞":
                continue
            # UniDic lemmas of loanwords carry their origin: カード-card.
            form = (feature.lemma or word.surface).split("-")[0]
            if form in text._STOP_FORMS or not form.strip():
                continue
            found.append(form)
        return found

    return tokens


def measure(
    name: str,
    tokens: Callable[[str], list[str]],
    docs: list[EntryDoc],
    keys: dict[int, str],
    splits: dict[str, Any],
    store: EmbeddingStore,
) -> Result:
    started = time.perf_counter()
    for doc in docs:
        tokens(text.text_normalize(" ".join([doc.question, *doc.phrasings, doc.answer])))
    for queries in splits.values():
        for query in queries:
            tokens(text.query_clean(query.text))
    tokenize_s = time.perf_counter() - started
    retrieval.text_tokens = tokens  # what Index uses for BM25 (entries and questions)
    index = Index(docs, store=store)
    tuned = tune(index=index, keys_by_id=keys, queries=splits["dev"], base=Tuning.load())
    figures: dict[str, float | int] = {"tokenize_all_s": round(tokenize_s, 3)}
    for split, queries in splits.items():
        result = evaluate(index=index, keys_by_id=keys, queries=queries, tuning=tuned)
        for key in (
            "p_at_1",
            "mrr",
            "map",
            "sr_at_5",
            "ndcg_at_10",
            "answered_correctly_rate",
            "unanswerable_refused_rate",
        ):
            figures[f"{split}_{key}"] = result[key]
        figures[f"{split}_latency_ms_p95"] = result["latency_ms_p95"]
    return Result(
        name=name,
        params={
            "entries": len(docs),
            "dev_queries": len(splits["dev"]),
            "test_queries": len(splits["test"]),
            "weights": (
                f"q={tuned.w_question} a={tuned.w_answer} bm25q={tuned.w_bm25_question}"
                f" bm25a={tuned.w_bm25_answer} k={tuned.bm25_k} threshold={tuned.threshold}"
            ),
        },
        figures=figures,
        unit="",
        notes=[
            "tuned on dev as chatbot_eval --tune; dev figures are in-sample, test out of sample"
        ],
    )


def main() -> None:
    records = [
        json.loads(line)
        for line in (DATA / "faq_gifu.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    docs = [
        EntryDoc(
            id=number,
            question=record["question"],
            phrasings=record.get("phrasings", []),
            answer=record["answer"],
        )
        for number, record in enumerate(records, start=1)
    ]
    keys = {number: record["id"] for number, record in enumerate(records, start=1)}
    splits = {
        split: queries_parse(
            services.jsonl_records(
                (DATA / "eval" / f"gifu_{split}.jsonl").read_text(encoding="utf-8")
            )
        )
        for split in ("dev", "test")
    }
    sudachi_tokens = text.text_tokens
    started = time.perf_counter()
    sudachi_tokens("住民票")
    sudachi_load_s = time.perf_counter() - started
    try:
        started = time.perf_counter()
        fugashi_tokens = fugashi_tokens_factory()
        fugashi_tokens("住民票")
        fugashi_load_s = time.perf_counter() - started
    except (ImportError, RuntimeError) as exc:
        print(f"fugashi + unidic-lite are not installed here ({exc}); see this file's docstring.")
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddingStore(Path(folder) / "embeddings.npz")  # vectors shared by both runs
        for name, tokens, load_s in (
            ("sudachi", sudachi_tokens, sudachi_load_s),
            ("fugashi-unidic-lite", fugashi_tokens, fugashi_load_s),
        ):
            result = measure(name, tokens, docs, keys, splits, store)
            result.figures["tokenizer_load_s"] = round(load_s, 3)
            results.append(result)
    retrieval.text_tokens = sudachi_tokens
    print_results(results, title="chatbot BM25 tokens")
    path = write_json(results, "chatbot_tokenizers")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
