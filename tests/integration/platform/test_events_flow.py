"""Outbox relay → SNS → filtered SQS → consumer, on moto, with partial batch failures."""

import json
from typing import Any

import pytest

from shop.kernel.events import Event
from shop.platform.aws import client
from shop.platform.consumer import sqs_handler
from shop.platform.outbox import outbox_item
from shop.platform.outbox_relay import handler as relay
from shop.resources import load_resources
from tests.support.http_events import sqs_batch

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    topic = client("sns").create_topic(Name="events")["TopicArn"]
    monkeypatch.setenv("SHOP_EVENTS_TOPIC_ARN", topic)
    url: str = client("sqs").create_queue(QueueName="catalog-events")["QueueUrl"]
    arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    consumes = list(load_resources().service("catalog").consumes)
    client("sns").subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"event_type": consumes})},
    )
    return url


def stream_event(*images: dict[str, Any]) -> dict[str, Any]:
    from shop.platform.dynamo import to_item

    return {
        "Records": [
            {
                "eventID": str(index),
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "dynamodb": {"NewImage": to_item(image), "SequenceNumber": str(index), "Keys": {}},
            }
            for index, image in enumerate(images)
        ]
    }


def received(url: str) -> list[dict[str, Any]]:
    messages = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def test_relay_publishes_outbox_records_and_filters_reach_only_subscribers(queue: str) -> None:
    placed = Event(event_type="OrderPlaced", correlation_id="req-1", data={"order_id": "o1"})
    unrelated = Event(event_type="PaymentCaptured", correlation_id="req-1", data={"order_id": "o1"})
    result = relay(
        stream_event(outbox_item(placed), outbox_item(unrelated), {"pk": "ORDER#o1", "sk": "ORDER"}), None
    )
    assert result["batchItemFailures"] == []
    bodies = received(queue)
    assert [body["event_id"] for body in bodies] == [placed.event_id]
    assert bodies[0]["correlation_id"] == "req-1"


def test_consumer_reports_only_the_failed_records() -> None:
    seen: list[str] = []

    def reserve(event: Event) -> None:
        if event.data.get("poison"):
            raise ValueError("cannot reserve")
        seen.append(event.data["order_id"])

    handler = sqs_handler("catalog", {"OrderPlaced": reserve})
    good = Event(event_type="OrderPlaced", correlation_id="c", data={"order_id": "o1"})
    bad = Event(event_type="OrderPlaced", correlation_id="c", data={"order_id": "o2", "poison": True})
    ignored = Event(event_type="Unrelated", correlation_id="c", data={})
    result = handler(sqs_batch([good, bad, ignored, "not json"]), None)
    assert seen == ["o1"]
    assert result["batchItemFailures"] == [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-3"}]
