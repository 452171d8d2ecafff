"""An EmbeddedStack per test module, on test resources whose handlers the tests register themselves."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shop.local.orchestration.stack import EmbeddedStack
from shop.local.runtime.lambda_runtime import register_handler

ECHO = "local_tests.echo.handler"
BOOM = "local_tests.boom.handler"
CALLBACK = "local_tests.callback.handler"
EVENTS = "local_tests.events.handler"
RELAY = "local_tests.relay.handler"

TEST_RESOURCES: dict[str, Any] = {
    "events_topic": "events",
    "notifications_topic": "notifications",
    "queue_defaults": {
        "batch_size": 10,
        "visibility_timeout_seconds": 1,
        "max_receive_count": 2,
        "message_retention_seconds": 3600,
    },
    "table_defaults": {
        "hash_key": "pk",
        "range_key": "sk",
        "ttl_attribute": "expires_at",
        "indexes": [{"name": "gsi1", "hash_key": "gsi1pk", "range_key": "gsi1sk"}],
    },
    "outbox_relay": {"handler": RELAY, "tables": ["echo"]},
    "services": {
        "echo": {
            "http_handler": ECHO,
            "events_handler": EVENTS,
            "table": {"stream": True},
            "consumes": ["ThingHappened"],
            "routes": [
                {"method": "GET", "path": "/echo", "auth": "public"},
                {"method": "POST", "path": "/echo", "auth": "public"},
                {"method": "GET", "path": "/echo/{thing_id}", "auth": "public"},
                {"method": "GET", "path": "/echo/special", "auth": "public"},
                {"method": "GET", "path": "/me", "auth": "customer"},
                {"method": "GET", "path": "/slow", "auth": "public"},
                {"method": "POST", "path": "/admin/things", "auth": "admin"},
            ],
        },
        "boom": {
            "http_handler": BOOM,
            "table": None,
            "consumes": [],
            "routes": [{"method": "GET", "path": "/boom", "auth": "public"}],
        },
        "callback": {
            "http_handler": CALLBACK,
            "table": None,
            "consumes": [],
            "routes": [{"method": "GET", "path": "/callback", "auth": "public"}],
        },
        "absent": {
            "http_handler": "shop.not_written_yet.handlers.http.handler",
            "table": None,
            "consumes": [],
            "routes": [{"method": "GET", "path": "/absent", "auth": "public"}],
        },
    },
}


class Recorder:
    """What the registered handlers saw, and how the event handlers should answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.http_events: list[dict[str, Any]] = []
        self.sqs_records: list[dict[str, Any]] = []
        self.stream_records: list[dict[str, Any]] = []
        self.fail_bodies: set[str] = set()  # SQS messages with these bodies fail
        self.fail_stream_keys: dict[str, int] = {}  # pk -> how many more times to fail it
        self.in_flight = 0
        self.max_in_flight = 0

    def echo(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self.lock:
            self.http_events.append(event)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if event["rawPath"] == "/slow":
            time.sleep(0.02)
        with self.lock:
            self.in_flight -= 1
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"X-Multi": ["a", "b"]},
            "cookies": ["session=abc; Path=/"],
            "body": json.dumps({"event": event, "function_name": context.function_name}),
        }

    def boom(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("secret internal detail")

    def events(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures = []
        with self.lock:
            for record in event["Records"]:
                self.sqs_records.append(record)
                if record["body"] in self.fail_bodies:
                    failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def relay(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self.lock:
            for record in event["Records"]:
                pk = record["dynamodb"]["Keys"]["pk"]["S"]
                if self.fail_stream_keys.get(pk, 0) > 0:
                    self.fail_stream_keys[pk] -= 1
                    return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
                self.stream_records.append(record)
        return {"batchItemFailures": []}


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def test_resources_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("resources") / "resources.json"
    path.write_text(json.dumps(TEST_RESOURCES))
    return path


@pytest.fixture(scope="module")
def stack(recorder: Recorder, test_resources_path: Path) -> Iterator[EmbeddedStack]:
    import requests

    register_handler(ECHO, recorder.echo)
    register_handler(BOOM, recorder.boom)
    register_handler(EVENTS, recorder.events)
    register_handler(RELAY, recorder.relay)

    def callback(event: dict[str, Any], context: Any) -> dict[str, Any]:
        import os

        # A handler calling back into the gateway, as cart calls catalog.
        inner = requests.get(f"{os.environ['SHOP_API_URL']}/echo/inner", timeout=5)
        return {"statusCode": 200, "body": json.dumps({"inner_status": inner.status_code})}

    register_handler(CALLBACK, callback)
    with EmbeddedStack(port=0, resources_path=test_resources_path) as running:
        yield running
