"""SQS event-source mapping: batches, partial failures, redelivery, redrive to the DLQ."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from shop.local.orchestration.stack import EmbeddedStack
from tests.support.waiting import within

pytestmark = pytest.mark.integration


def _publish(stack: EmbeddedStack, event_type: str, body: str) -> None:
    stack.client("sns").publish(
        TopicArn=stack.provisioned.events_topic_arn,
        Message=body,
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}},
    )


def _bodies(recorder: Any) -> list[str]:
    with recorder.lock:
        return [r["body"] for r in recorder.sqs_records]


def _queue_count(stack: EmbeddedStack, url: str) -> int:
    attributes = stack.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_delivers_consumed_events_as_an_sqs_lambda_event(stack: EmbeddedStack, recorder: Any) -> None:
    body = json.dumps({"event_id": str(uuid.uuid4()), "event_type": "ThingHappened"})
    _publish(stack, "ThingHappened", body)
    within(5, lambda: body in _bodies(recorder))
    record = next(r for r in recorder.sqs_records if r["body"] == body)
    queue = stack.provisioned.queues["echo"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue.arn
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["event_type"]["stringValue"] == "ThingHappened"
    assert record["receiptHandle"]
    within(5, lambda: _queue_count(stack, queue.url) == 0)  # deleted once handled


def test_filter_policy_keeps_other_events_out(stack: EmbeddedStack, recorder: Any) -> None:
    ignored = json.dumps({"event_id": str(uuid.uuid4())})
    consumed = json.dumps({"event_id": str(uuid.uuid4())})
    _publish(stack, "SomethingElse", ignored)
    _publish(stack, "ThingHappened", consumed)
    within(5, lambda: consumed in _bodies(recorder))
    time.sleep(0.3)
    assert ignored not in _bodies(recorder)


def test_failed_messages_come_back_and_then_land_in_the_dlq(stack: EmbeddedStack, recorder: Any) -> None:
    good = json.dumps({"event_id": str(uuid.uuid4()), "kind": "good"})
    bad = json.dumps({"event_id": str(uuid.uuid4()), "kind": "bad"})
    recorder.fail_bodies.add(bad)
    _publish(stack, "ThingHappened", good)
    _publish(stack, "ThingHappened", bad)
    queue = stack.provisioned.queues["echo"]

    # visibility timeout 1 s, maxReceiveCount 2 (test resources): tried twice, then redriven.
    within(10, lambda: _bodies(recorder).count(bad) >= 2)
    assert _bodies(recorder).count(good) == 1
    counts = [r["attributes"]["ApproximateReceiveCount"] for r in recorder.sqs_records if r["body"] == bad]
    assert counts[:2] == ["1", "2"]

    sqs = stack.client("sqs")

    def in_dlq() -> bool:
        # The DLQ is not polled: receiving it with visibility 0 leaves the message there.
        messages = sqs.receive_message(QueueUrl=queue.dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return any(m["Body"] == bad for m in messages.get("Messages", []))

    within(10, in_dlq)
    assert _bodies(recorder).count(bad) == 2
    assert _queue_count(stack, queue.url) == 0


def test_a_handler_exception_fails_the_whole_batch(stack: EmbeddedStack, recorder: Any) -> None:
    from shop.local.event_sources.queue_poller import QueuePoller

    sqs = stack.client("sqs")
    url = sqs.create_queue(QueueName=f"t-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "30"})[
        "QueueUrl"
    ]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))

    def explode(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    poller = QueuePoller(sqs=sqs, queue_url=url, queue_arn="arn:aws:sqs:us-east-1:1:t", handler=explode)
    received = 0
    while received < 3:
        received += poller.poll_once()
    assert _queue_count(stack, url) == 3  # all in flight, none deleted
