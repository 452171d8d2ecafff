"""Lambda for DynamoDB Streams: publishes each new outbox record to the events topic.

A record that fails to publish is reported as a batch item failure, so the stream
retries from it; nothing after it is skipped."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from shop.kernel.events import Event
from shop.platform.cold_start import ends_cold_start
from shop.platform.observability import enable_tracing, logger
from shop.platform.outbox import is_outbox_item, written_here
from shop.platform.publisher import publish
from shop.platform.settings import setting
from shop.platform.snapstart import register_restore_hooks

_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
_log = logger("outbox-relay")
register_restore_hooks()


def relay_record(record: DynamoDBRecord) -> None:
    if record.event_name is None or record.event_name.name != "INSERT" or record.dynamodb is None:
        return
    image = record.dynamodb.new_image
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
    result = process_partial_response(
        event=event, record_handler=relay_record, processor=_processor, context=context
    )
    return dict(result)
