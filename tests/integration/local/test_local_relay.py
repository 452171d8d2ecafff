"""The outbox relay follows the table's stream and hands new records to the relay handler."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from shop.local.orchestration.stack import EmbeddedStack
from tests.support.waiting import within

pytestmark = pytest.mark.integration


def _relayed(recorder: Any) -> list[str]:
    with recorder.lock:
        return [r["dynamodb"]["Keys"]["pk"]["S"] for r in recorder.stream_records]


def _put(stack: EmbeddedStack, pk: str) -> None:
    stack.client("dynamodb").put_item(
        TableName="shop-echo",
        Item={"pk": {"S": pk}, "sk": {"S": "OUTBOX"}, "payload": {"S": "{}"}, "blob": {"B": b"\x01"}},
    )


def test_inserts_reach_the_relay_handler(stack: EmbeddedStack, recorder: Any) -> None:
    pk = f"OUTBOX#{uuid.uuid4()}"
    _put(stack, pk)
    stack.nudge_relay()
    within(5, lambda: pk in _relayed(recorder))
    record = next(r for r in recorder.stream_records if r["dynamodb"]["Keys"]["pk"]["S"] == pk)
    assert record["eventName"] == "INSERT"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == stack.provisioned.stream_arns["echo"]
    assert record["dynamodb"]["NewImage"]["payload"] == {"S": "{}"}
    assert record["dynamodb"]["NewImage"]["blob"] == {"B": "AQ=="}  # base64, as in a Lambda event
    assert record["dynamodb"]["SequenceNumber"]
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)


def test_a_failed_record_is_retried_in_order(stack: EmbeddedStack, recorder: Any) -> None:
    first, second, third = (f"OUTBOX#{uuid.uuid4()}" for _ in range(3))
    recorder.fail_stream_keys[second] = 2
    for pk in (first, second, third):
        _put(stack, pk)
    stack.nudge_relay()
    within(10, lambda: third in _relayed(recorder))
    relayed = _relayed(recorder)
    assert relayed.count(first) == 1  # the success before the failure is not relayed again
    assert relayed.index(first) < relayed.index(second) < relayed.index(third)
    assert recorder.fail_stream_keys[second] == 0


def test_writes_through_the_gateway_wake_the_relay(stack: EmbeddedStack) -> None:
    relay = stack.relays[0]
    relay.idle_poll_seconds = 30  # only a nudge can wake it now
    time.sleep(0.6)
    before = relay.delivered
    _put(stack, f"OUTBOX#{uuid.uuid4()}")
    import requests

    requests.post(f"{stack.url}/echo", json={}, timeout=5)  # a write request nudges the relay
    within(3, lambda: relay.delivered > before)
    relay.idle_poll_seconds = 0.5


def test_old_stream_iterators_expire_and_the_relay_recovers(stack: EmbeddedStack) -> None:
    relay = stack.relays[0]
    relay.idle_poll_seconds = 30
    time.sleep(0.6)  # the relay now waits for a nudge
    assert stack.emulator.command("stream_stats")["shard_iterators"] > 0  # every read left one behind
    assert stack.emulator.command("expire_iterators", max_age_seconds=100) == 0  # all younger
    assert stack.emulator.command("expire_iterators", max_age_seconds=0) > 0
    assert stack.emulator.command("stream_stats")["shard_iterators"] == 0  # the relay's too
    before = relay.delivered
    _put(stack, f"OUTBOX#{uuid.uuid4()}")
    stack.nudge_relay()
    within(10, lambda: relay.delivered > before)  # reopened after the last record handed over
    relay.idle_poll_seconds = 0.5


def test_the_emulator_forgets_the_stream_records_the_relay_delivered(
    stack: EmbeddedStack, recorder: Any
) -> None:
    keys = [f"OUTBOX#{uuid.uuid4()}" for _ in range(5)]
    for key in keys:
        _put(stack, key)
    stack.nudge_relay()
    within(10, lambda: set(keys) <= set(_relayed(recorder)))
    within(5, lambda: stack.emulator.command("stream_stats")["shop-echo"] == 0)
    later = f"OUTBOX#{uuid.uuid4()}"
    _put(stack, later)  # sequence numbers go on after a trim: the relay still follows
    stack.nudge_relay()
    within(10, lambda: later in _relayed(recorder))
