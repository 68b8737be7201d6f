"""The chatbot's hot path: answer latency with 2,000 entries, index build time, memory.

    .venv/bin/python bench/chatbot_answer.py [--entries 2000] [--repeat 3]

The 305 seed FAQs are grown to ``--entries`` by paraphrase: each copy takes one of the
entry's phrasings as its question, adds a field-specific context prefix, and keeps the
answer. Queries are the evaluation questions (development and test splits). Figures:
encoder load, index build (cold: every text encoded; warm: vectors from the embedding
store), answer latency p50/p95 warm (retrieval + fusion + ranking, as ``faq_answer`` does
minus the database), and the process's resident memory with the encoder loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.test")

import django

django.setup()

from harness import Result, percentile, print_results, write_json  # noqa: E402
from ukai.chatbot import encoder  # noqa: E402
from ukai.chatbot.retrieval import EmbeddingStore, EntryDoc, Index, Tuning  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "src" / "ukai" / "chatbot" / "data"
PREFIXES = ["", "岐阜市で", "市役所の", "手続きとして", "家族のために", "急ぎで", "はじめて"]


def _memory_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def corpus(size: int) -> list[EntryDoc]:
    seed = [
        json.loads(line)
        for line in (DATA / "faq_gifu.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    docs: list[EntryDoc] = []
    round_ = 0
    while len(docs) < size:
        for record in seed:
            if len(docs) >= size:
                break
            phrasings = record["phrasings"]
            if round_ == 0:
                question = record["question"]
            else:
                base = phrasings[round_ % len(phrasings)] if phrasings else record["question"]
                question = f"{PREFIXES[round_ % len(PREFIXES)]}{base}（{round_}）"
            docs.append(
                EntryDoc(
                    id=len(docs) + 1,
                    question=question,
                    phrasings=[p for p in phrasings if p != question],
                    answer=record["answer"],
                )
            )
        round_ += 1
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="passes over the evaluation questions"
    )
    args = parser.parse_args()

    rss_start = _memory_mib("VmRSS")
    started = time.perf_counter()
    encoder.encoder_get()
    load_s = time.perf_counter() - started
    rss_encoder = _memory_mib("VmRSS")

    docs = corpus(args.entries)
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddingStore(Path(folder) / "embeddings.npz")
        started = time.perf_counter()
        Index(docs, store=store)
        build_cold_s = time.perf_counter() - started
        store.save()
        warm_store = EmbeddingStore(Path(folder) / "embeddings.npz")
        started = time.perf_counter()
        index = Index(docs, store=warm_store)
        build_warm_s = time.perf_counter() - started

    tuning = Tuning.load()
    queries = [
        json.loads(line)["query"]
        for name in ("gifu_dev.jsonl", "gifu_test.jsonl")
        for line in (DATA / "eval" / name).read_text(encoding="utf-8").splitlines()
    ]
    for query in queries[:20]:  # warm up caches and code paths
        index.rank(query, tuning=tuning, limit=4)
    latencies = []
    for _ in range(args.repeat):
        for query in queries:
            started = time.perf_counter()
            index.rank(query, tuning=tuning, limit=4)
            latencies.append((time.perf_counter() - started) * 1000)

    result = Result(
        name="chatbot_answer",
        params={"entries": len(docs), "queries": len(latencies), "encoder_threads": 1},
        figures={
            "answer_p50_ms": round(percentile(latencies, 50), 2),
            "answer_p95_ms": round(percentile(latencies, 95), 2),
            "answer_max_ms": round(max(latencies), 2),
            "index_build_cold_s": round(build_cold_s, 2),
            "index_build_warm_s": round(build_warm_s, 2),
            "encoder_load_s": round(load_s, 2),
            "rss_start_mib": round(rss_start, 1),
            "rss_with_encoder_mib": round(rss_encoder, 1),
            "rss_end_mib": round(_memory_mib("VmRSS"), 1),
            "rss_peak_mib": round(_memory_mib("VmHWM"), 1),
        },
        unit="ms",
        notes=[
            "targets (issue 5): p95 <= 50 ms warm with 2,000 entries; build <= 60 s; RSS <= 800 MB",
            "latency is retrieval in-process (no HTTP, no database write)",
        ],
    )
    print_results([result], title="chatbot answer")
    path = write_json([result], "chatbot_answer")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
