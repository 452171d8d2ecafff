"""Event-source mapping for DynamoDB Streams: feed each outbox table's stream to the relay
handler in order, retrying from the first failed record (`ReportBatchItemFailures`)."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from shop.local.runtime.lambda_runtime import Handler, HandlerUnavailable, Runtime
from shop.resources import REGION

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.5  # between empty reads; `nudge()` wakes the relay at once after a write
MAX_BACKOFF_SECONDS = 5.0


class StreamRelay:
    """One thread following one table's stream (moto has one shard per table)."""

    def __init__(
        self,
        *,
        streams: Any,
        stream_arn: str,
        handler: str | Handler,
        batch_size: int = 100,
        start_at: str = "TRIM_HORIZON",
        idle_poll_seconds: float = IDLE_POLL_SECONDS,
        runtime: Runtime | None = None,
        on_delivered: Callable[[str, str], None] | None = None,
    ) -> None:
        self.streams = streams
        self.stream_arn = stream_arn
        self.handler = handler
        self.batch_size = batch_size
        self.start_at = start_at
        self.idle_poll_seconds = idle_poll_seconds
        self.runtime = runtime or Runtime()
        self.on_delivered = on_delivered  # (table name, last sequence number): the emulator may forget them
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._iterators: dict[str, str] = {}  # shard id -> next iterator
        self._delivered_up_to: dict[str, str] = {}  # shard id -> last sequence number handed over
        self._backoff = 0.0
        self._warned_unavailable = False
        self.delivered = 0

    @property
    def name(self) -> str:
        return self.stream_arn.split(":table/", 1)[-1].split("/", 1)[0]

    def start(self) -> None:
        self._open_shards()
        self._thread = threading.Thread(target=self._run, name=f"relay-{self.name}", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Something may have been written: read the stream now instead of after the idle pause."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _open_shards(self) -> None:
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._iterator(shard["ShardId"], self.start_at)

    def _iterator(self, shard_id: str, kind: str, sequence_number: str | None = None) -> str:
        args: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id, "ShardIteratorType": kind}
        if sequence_number is not None:
            args["SequenceNumber"] = sequence_number
        iterator: str = self.streams.get_shard_iterator(**args)["ShardIterator"]
        return iterator

    def _reopen(self, shard_id: str) -> None:
        try:
            last = self._delivered_up_to.get(shard_id)
            if last is None:
                self._iterators[shard_id] = self._iterator(shard_id, self.start_at)
            else:
                self._iterators[shard_id] = self._iterator(shard_id, "AFTER_SEQUENCE_NUMBER", last)
        except Exception:
            log.exception("relay %s: reopening shard %s failed", self.name, shard_id)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll_once()
            except Exception:
                if self._stop.is_set():
                    break
                log.exception("relay %s: reading the stream failed; retrying", self.name)
                busy = False
                self._backoff = min(MAX_BACKOFF_SECONDS, max(0.5, self._backoff * 2))
            if self._backoff:
                self._stop.wait(self._backoff)
            elif not busy:
                self._wake.wait(self.idle_poll_seconds)
                self._wake.clear()

    def poll_once(self) -> bool:
        """Read every shard once and deliver what was there; True if anything was."""
        busy = False
        for shard_id, iterator in list(self._iterators.items()):
            try:
                response = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
            except Exception:
                self._reopen(shard_id)  # e.g. an expired iterator: go on after the last record handed over
                raise
            records = response.get("Records", [])
            if not records:
                self._iterators[shard_id] = response["NextShardIterator"]
                continue
            busy = True
            failed_at = self._deliver(records)
            if failed_at is None:
                self._iterators[shard_id] = response["NextShardIterator"]
                self._delivered_up_to[shard_id] = str(records[-1]["dynamodb"]["SequenceNumber"])
                self._backoff = 0.0
                self._forget_delivered(shard_id)
            else:
                # As Lambda does: the batch is retried from the first failed record, in order.
                self._iterators[shard_id] = self._iterator(shard_id, "AT_SEQUENCE_NUMBER", failed_at)
                self._backoff = min(MAX_BACKOFF_SECONDS, max(0.2, self._backoff * 2))
        return busy

    def _deliver(self, records: list[dict[str, Any]]) -> str | None:
        """The sequence number to retry from, or None if the whole batch succeeded."""
        first = str(records[0]["dynamodb"]["SequenceNumber"])
        event = {"Records": [self._record(r) for r in records]}
        try:
            result = self.runtime.invoke(self.handler, event)
        except HandlerUnavailable as exc:
            if not self._warned_unavailable:
                log.warning("relay %s: handler unavailable, the outbox waits: %s", self.name, exc)
                self._warned_unavailable = True
            return first
        except Exception as exc:  # the function failed, or stayed throttled: retried in order
            log.error(
                "relay %s: the handler failed a batch of %d (correlation ids %s): %s",
                self.name,
                len(records),
                _correlation_ids(records),
                exc,
            )
            return first
        self._warned_unavailable = False
        failures = (result.get("batchItemFailures") or []) if isinstance(result, dict) else []
        if not failures:
            self.delivered += len(records)
            log.info(
                "relay %s: %d records published (correlation ids %s)",
                self.name,
                len(records),
                _correlation_ids(records),
                extra={"correlation_ids": _correlation_ids(records).split(",")},
            )
            return None
        sequence_numbers = [str(r["dynamodb"]["SequenceNumber"]) for r in records]
        named = [str(item.get("itemIdentifier") or "") for item in failures]
        known = [s for s in named if s in sequence_numbers]
        if len(known) != len(named):
            log.warning("relay %s: batchItemFailures names unknown records; retrying the batch", self.name)
            return first
        retry_from = min(known, key=sequence_numbers.index)
        self.delivered += sequence_numbers.index(retry_from)
        log.info(
            "relay %s: retrying from record %s (correlation id %s)",
            self.name,
            retry_from,
            _correlation_ids([records[sequence_numbers.index(retry_from)]]),
        )
        return retry_from

    def _forget_delivered(self, shard_id: str) -> None:
        if self.on_delivered is None:
            return
        try:
            self.on_delivered(self.name, self._delivered_up_to[shard_id])
        except Exception:  # housekeeping: a failure costs memory, never an event
            log.exception("relay %s: trimming the delivered stream records failed", self.name)

    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
        return {
            "eventID": record.get("eventID"),
            "eventName": record.get("eventName"),
            "eventVersion": record.get("eventVersion", "1.1"),
            "eventSource": "aws:dynamodb",
            "awsRegion": record.get("awsRegion", REGION),
            "dynamodb": _json_safe(dynamodb),
            "eventSourceARN": self.stream_arn,
        }


def _correlation_ids(records: list[dict[str, Any]]) -> str:
    """The correlation ids of the outbox events among these stream records ("-" if none)."""
    ids: list[str] = []
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage") or {}
        try:
            found = str(json.loads(image["event"]["S"])["correlation_id"])
        except (KeyError, TypeError, ValueError):
            found = "-"
        if found not in ids:
            ids.append(found)
    return ",".join(found for found in ids if found != "-") or "-"


def _json_safe(value: Any) -> Any:
    """Binary attribute values as base64 text, as they arrive in a Lambda event."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    return value
