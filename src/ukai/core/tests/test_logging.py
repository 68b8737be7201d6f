import json
import logging

from ukai.core.context import ActorContext, actor_reset, actor_set
from ukai.core.logging import JsonFormatter, RequestIdFilter


def test_log_lines_are_json_objects_with_the_request_id_and_actor():
    record = logging.LogRecord(
        "ukai.test", logging.WARNING, __file__, 1, "受付 %s", ("完了",), None
    )
    token = actor_set(ActorContext(username="counter", request_id="req-42"))
    try:
        RequestIdFilter().filter(record)
    finally:
        actor_reset(token)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "受付 完了"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "ukai.test"
    assert entry["request_id"] == "req-42"
    assert entry["actor"] == "counter"
    assert "time" in entry
