import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ukai.chatbot.models import Collection

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"


def test_seed_command_is_idempotent(db, real_encoder):
    out = StringIO()
    call_command("chatbot_seed", stdout=out)
    assert "405 created" in out.getvalue()
    call_command("chatbot_seed", stdout=(out := StringIO()))
    assert "0 created, 0 updated, 405 unchanged" in out.getvalue()


def test_import_refuses_the_public_collection_and_bad_files(db, tmp_path):
    with pytest.raises(CommandError, match="chatbot_seed"):
        call_command("chatbot_import", "--collection", "public", str(DATA / "faq_gifu.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q", "answer": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match="2行目"):
        call_command("chatbot_import", "--collection", "x", str(bad))
    assert not Collection.objects.filter(name="x").exists()
    with pytest.raises(CommandError, match="コレクション"):
        call_command(
            "chatbot_eval", "--collection", "missing", str(DATA / "eval" / "gifu_test.jsonl")
        )


@pytest.mark.slow
def test_eval_on_the_test_split_meets_the_targets(db, real_encoder):
    call_command(
        "chatbot_import",
        "--collection",
        "gifu-eval",
        str(DATA / "faq_gifu.jsonl"),
        stdout=StringIO(),
    )
    out = StringIO()
    call_command(
        "chatbot_eval",
        "--collection",
        "gifu-eval",
        str(DATA / "eval" / "gifu_test.jsonl"),
        stdout=out,
    )
    figures = json.loads(out.getvalue())
    for key in (
        "p_at_1",
        "mrr",
        "map",
        "sr_at_5",
        "ndcg_at_10",
        "latency_ms_p50",
        "latency_ms_p95",
        "queries",
    ):
        assert key in figures
    assert figures["queries"] >= 100
    assert figures["p_at_1"] >= 0.75
    assert figures["mrr"] >= 0.85
    assert figures["unanswerable_refused_rate"] >= 0.8
