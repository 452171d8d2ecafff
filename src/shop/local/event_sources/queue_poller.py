"""Event-source mappings for SQS: feed each service's queue to its events handler in batches,
with partial batch failure (`ReportBatchItemFailures`) semantics, as Lambda does."""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from typing import Any

from shop.local.runtime.lambda_runtime import Handler, HandlerUnavailable, Runtime
from shop.resources import REGION

log = logging.getLogger(__name__)

WAIT_TIME_SECONDS = 1  # long poll: an idle stack reacts at once and stops within a second


class QueuePoller:
    """One thread polling one queue. Successes are deleted; failures stay invisible until the
    visibility timeout ends, come back with a higher receive count, and after maxReceiveCount
    SQS itself moves them to the DLQ."""

    def __init__(
        self,
        *,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        handler: str | Handler,
        batch_size: int = 10,
        wait_time_seconds: int = WAIT_TIME_SECONDS,
        on_batch_done: Callable[[], None] | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.handler = handler
        self.batch_size = max(1, min(batch_size, 10))
        self.wait_time_seconds = wait_time_seconds
        self.on_batch_done = on_batch_done
        self.runtime = runtime or Runtime()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned_unavailable = False

    @property
    def name(self) -> str:
        return self.queue_arn.rsplit(":", 1)[-1]

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"poller-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                if self._stop.is_set():
                    break
                log.exception("poller %s: polling failed; retrying", self.name)
                self._stop.wait(1.0)

    def poll_once(self) -> int:
        """Receive one batch and hand it to the handler; the number of messages received."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_time_seconds,
            AttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        failed = self._deliver(messages)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(done[start : start + 10])
            ]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        if self.on_batch_done is not None:
            self.on_batch_done()
        return len(messages)

    def _deliver(self, messages: list[dict[str, Any]]) -> set[str]:
        """The ids of the messages that failed (all of them if the handler raised)."""
        everything = {m["MessageId"] for m in messages}
        event = {"Records": [sqs_record(m, self.queue_arn) for m in messages]}
        try:
            result = self.runtime.invoke(self.handler, event)
        except HandlerUnavailable as exc:
            if not self._warned_unavailable:
                log.warning("poller %s: handler unavailable, messages will go to the DLQ: %s", self.name, exc)
                self._warned_unavailable = True
            return everything
        except Exception as exc:  # the function failed, or stayed throttled: the batch comes back
            log.error(
                "poller %s: the handler failed the whole batch of %d (correlation ids %s): %s",
                self.name,
                len(messages),
                _correlation_ids(messages),
                exc,
            )
            return everything
        failures = (result.get("batchItemFailures") or []) if isinstance(result, dict) else []
        failed = {str(item.get("itemIdentifier") or "") for item in failures}
        if not failed <= everything:
            # Lambda treats an unknown or empty identifier as a failure of the whole batch.
            log.warning(
                "poller %s: batchItemFailures names unknown messages: %s", self.name, failed - everything
            )
            return everything
        if failed:
            log.info("poller %s: %d of %d messages failed", self.name, len(failed), len(messages))
        return failed


def _correlation_ids(messages: list[dict[str, Any]]) -> str:
    ids = {
        str(m.get("MessageAttributes", {}).get("correlation_id", {}).get("StringValue", "-"))
        for m in messages
    }
    return ",".join(sorted(ids))


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One ReceiveMessage message as a record of Lambda's SQS event."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": {k: str(v) for k, v in message.get("Attributes", {}).items()},
        "messageAttributes": {
            name: _lambda_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def _lambda_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SQS's `StringValue`/`BinaryValue` spelled as Lambda's SQS event spells them."""
    attribute: dict[str, Any] = {
        "dataType": value.get("DataType", "String"),
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [_b64(v) for v in value.get("BinaryListValues", [])],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _b64(value["BinaryValue"])
    return attribute


def _b64(value: bytes | str) -> str:
    return value if isinstance(value, str) else base64.b64encode(value).decode("ascii")
