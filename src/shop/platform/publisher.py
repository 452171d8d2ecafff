"""Publishing events to SNS with the `event_type` attribute the subscriptions filter on."""

from __future__ import annotations

from collections.abc import Sequence

from shop.kernel.events import Event
from shop.platform.aws import client

_SNS_BATCH = 10


class PublishFailed(Exception):
    pass


def publish(events: Sequence[Event], topic_arn: str) -> None:
    for start in range(0, len(events), _SNS_BATCH):
        batch = events[start : start + _SNS_BATCH]
        result = client("sns").publish_batch(
            TopicArn=topic_arn,
            PublishBatchRequestEntries=[
                {
                    "Id": str(index),
                    "Message": event.model_dump_json(),
                    "MessageAttributes": {
                        "event_type": {"DataType": "String", "StringValue": event.event_type},
                        "correlation_id": {"DataType": "String", "StringValue": event.correlation_id},
                    },
                }
                for index, event in enumerate(batch)
            ],
        )
        if result.get("Failed"):
            raise PublishFailed(f"{len(result['Failed'])} of {len(batch)} events were not published")
