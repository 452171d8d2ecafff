"""SQS consumers: each record is one event envelope, dispatched by `event_type` to a use
case. Failures are reported per record (partial batch response), so one poison message
does not block the batch and ends in the DLQ after the queue's receive count."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shop.kernel.events import Event
from shop.platform.batch import Record, process_partial_batch
from shop.platform.cold_start import ends_cold_start
from shop.platform.context import set_correlation_id
from shop.platform.observability import enable_tracing, logger
from shop.platform.snapstart import register_restore_hooks

EventHandler = Callable[[Event], None]


def sqs_handler(
    service: str, handlers: Mapping[str, EventHandler]
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Build the Lambda entry point of a service's queue."""
    log = logger(service)
    register_restore_hooks()

    def handle_record(record: Record) -> None:
        event = Event.model_validate_json(record["body"])
        set_correlation_id(event.correlation_id)
        log.thread_safe_clear_keys()
        log.thread_safe_append_keys(
            correlation_id=event.correlation_id, event_type=event.event_type, event_id=event.event_id
        )
        use_case = handlers.get(event.event_type)
        if use_case is None:
            log.warning("ignored an event this service does not consume")
            return
        use_case(event)
        log.info("consumed")

    @ends_cold_start
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        enable_tracing()
        return process_partial_batch(event, handle_record, log)

    return handler
