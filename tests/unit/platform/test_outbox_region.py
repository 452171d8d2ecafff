"""Multi-region: an outbox record carries the region it was written in, and a relay
publishes only its own region's records (a global table replicates every record to every
region's stream; the other region's relay publishes those)."""

from __future__ import annotations

from typing import Any

import pytest

from shop.kernel.events import Event
from shop.platform import outbox_relay
from shop.platform.dynamo import to_item
from shop.platform.outbox import REGION_ATTRIBUTE, outbox_item, written_here


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    monkeypatch.setenv("SHOP_EVENTS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:events")
    monkeypatch.setattr(
        outbox_relay, "publish", lambda events, topic: sent.extend(e.event_id for e in events)
    )
    return sent


def written_in(region: str | None, monkeypatch: pytest.MonkeyPatch) -> tuple[Event, dict[str, Any]]:
    if region is None:
        monkeypatch.delenv("AWS_REGION", raising=False)
    else:
        monkeypatch.setenv("AWS_REGION", region)
    event = Event(event_type="OrderPlaced", correlation_id="c", data={"order_id": "o1"})
    return event, outbox_item(event)


def relay(monkeypatch: pytest.MonkeyPatch, region: str, *images: dict[str, Any]) -> dict[str, Any]:
    monkeypatch.setenv("AWS_REGION", region)
    records = [
        {
            "eventID": str(index),
            "eventName": "INSERT",
            "eventSource": "aws:dynamodb",
            "awsRegion": region,  # the stream's region, not the writer's: no use for the filter
            "dynamodb": {"NewImage": to_item(image), "SequenceNumber": str(index), "Keys": {}},
        }
        for index, image in enumerate(images)
    ]
    return outbox_relay.handler({"Records": records}, None)


def test_the_writer_stamps_its_region(monkeypatch: pytest.MonkeyPatch) -> None:
    _, item = written_in("eu-west-1", monkeypatch)
    assert item[REGION_ATTRIBUTE] == "eu-west-1"


def test_without_a_region_the_record_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    _, item = written_in(None, monkeypatch)
    assert REGION_ATTRIBUTE not in item


def test_a_record_from_another_region_is_not_published(
    monkeypatch: pytest.MonkeyPatch, published: list[str]
) -> None:
    _, replicated = written_in("eu-west-1", monkeypatch)
    result = relay(monkeypatch, "eu-central-1", replicated)
    assert result["batchItemFailures"] == []
    assert published == []


def test_own_records_are_published_and_replicated_ones_skipped_in_one_batch(
    monkeypatch: pytest.MonkeyPatch, published: list[str]
) -> None:
    mine, own = written_in("eu-central-1", monkeypatch)
    _, replicated = written_in("eu-west-1", monkeypatch)
    result = relay(monkeypatch, "eu-central-1", replicated, own)
    assert result["batchItemFailures"] == []
    assert published == [mine.event_id]


def test_a_record_written_before_regions_were_stamped_is_still_published(
    monkeypatch: pytest.MonkeyPatch, published: list[str]
) -> None:
    legacy, item = written_in(None, monkeypatch)
    relay(monkeypatch, "eu-west-1", item)
    assert published == [legacy.event_id]


def test_written_here_compares_with_the_relays_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert written_here({REGION_ATTRIBUTE: "eu-west-1"})
    assert not written_here({REGION_ATTRIBUTE: "eu-central-1"})
    assert written_here({})
