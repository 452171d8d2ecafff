"""The shop as the chaos suite's buyers and checks see it: HTTP with retries of the answers a
client should retry, and the emulator's view of tables and queues."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from typing import Any

import requests

from shop.local.emulator.provisioning import QueueInfo
from shop.platform.dynamo import from_item

TIMEOUT = 30
SHIPPING_ADDRESS = {"line1": "1 Rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR"}
PASSWORD = "Chaos12345!"
RETRYABLE = frozenset({429, 502, 503, 504})


class Api:
    """HTTP to the gateway; 429/502/503/504 are retried (honouring Retry-After) and counted."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.retried: Counter[int] = Counter()
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for _ in range(30):
            answer = requests.request(method, self.url + path, headers=headers, timeout=TIMEOUT, **kwargs)
            with self._lock:
                self.statuses[answer.status_code] += 1
                if answer.status_code in RETRYABLE:
                    self.retried[answer.status_code] += 1
            if answer.status_code not in RETRYABLE:
                return answer
            time.sleep(min(2.0, float(answer.headers.get("Retry-After") or 0.5)))
        return answer

    def register(self) -> str:
        email = f"chaos-{uuid.uuid4().hex[:10]}@example.com"
        signed_up = self.call("POST", "/users", json={"email": email, "password": PASSWORD, "name": "Chaos"})
        assert signed_up.status_code == 201, signed_up.text
        return self.login(email, PASSWORD)

    def login(self, email: str, password: str) -> str:
        answer = self.call("POST", "/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])


class Emulator:
    """Tables and queues read straight from the emulator, as an operator would."""

    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.dynamodb = stack.client("dynamodb")
        self.sqs = stack.client("sqs")

    def scan(self, service: str) -> list[dict[str, Any]]:
        table = self.stack.provisioned.tables[service]
        items: list[dict[str, Any]] = []
        for page in self.dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            items.extend(from_item(item) for item in page["Items"])
        return items

    def queues(self) -> list[QueueInfo]:
        return list(self.stack.provisioned.queues.values())

    def in_flight(self, url: str) -> int:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        names.append("ApproximateNumberOfMessagesDelayed")
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes.get(name, 0)) for name in names)

    def drain(self, url: str) -> list[dict[str, Any]]:
        """Every message of a queue nobody else reads (each received once and deleted)."""
        messages: list[dict[str, Any]] = []
        empty = 0
        while empty < 2:
            batch = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, AttributeNames=["All"]
            ).get("Messages", [])
            empty = 0 if batch else empty + 1
            for message in batch:
                messages.append(message)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return messages

    def relay_backlog(self) -> int:
        """Stream records not yet relayed (the relay trims what it delivered)."""
        stats = self.stack.emulator.command("stream_stats")
        relayed = {self.stack.provisioned.tables[service] for service in self.stack.resources.relay_tables}
        return sum(count for name, count in stats.items() if name in relayed)

    def audit_queue(self) -> str:
        """A queue subscribed to every event of the topic: what was published, at least once."""
        url: str = self.sqs.create_queue(QueueName="chaos-audit")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.stack.client("sns").subscribe(
            TopicArn=self.stack.provisioned.events_topic_arn,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        return url


def events_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(message["Body"]) for message in messages]
