"""Lambda for DynamoDB Streams: publishes each new outbox record to the events topic.

A record that fails to publish is reported as a batch item failure, so the stream
retries from it; nothing after it is skipped."""

from __future__ import annotations

from typing import Any

from shop.kernel.events import Event
from shop.platform.batch import Record, process_partial_batch
from shop.platform.cold_start import ends_cold_start
from shop.platform.dynamo import from_item
from shop.platform.observability import enable_tracing, logger
from shop.platform.outbox import is_outbox_item, written_here
from shop.platform.publisher import publish
from shop.platform.settings import setting
from shop.platform.snapstart import register_restore_hooks

_log = logger("outbox-relay")
register_restore_hooks()


def relay_record(record: Record) -> None:
    if record.get("eventName") != "INSERT":
        return
    image = from_item(record["dynamodb"].get("NewImage", {}))
    if not is_outbox_item(image):
        return
    if not written_here(image):
        # Replicated from another region, whose relay publishes it. The stream mapping's
        # filter already keeps these away in AWS; this guards any other event source.
        _log.debug("skipped: written in another region", extra={"region": image.get("region")})
        return
    event = Event.model_validate_json(str(image["event"]))
    publish([event], setting("SHOP_EVENTS_TOPIC_ARN"))
    _log.info("relayed", extra={"event_type": event.event_type, "event_id": event.event_id})


@ends_cold_start
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    enable_tracing()
    return process_partial_batch(event, relay_record, _log)
