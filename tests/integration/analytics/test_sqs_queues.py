"""Queue depths from SQS on moto: the shop's queues by prefix, and only those."""

from __future__ import annotations

import pytest

from shop.analytics.adapters.sqs_queues import SqsQueues
from shop.analytics.container import queue_prefix
from shop.platform.aws import client

pytestmark = pytest.mark.integration


def test_every_queue_of_the_prefix_with_its_waiting_and_in_flight_messages(aws: None) -> None:
    sqs = client("sqs")
    orders = sqs.create_queue(QueueName="shop-dev-orders")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="shop-dev-orders-dlq")["QueueUrl"]
    sqs.create_queue(QueueName="other-app-orders")
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=orders, MessageBody=body)
    sqs.send_message(QueueUrl=dlq, MessageBody="poison")
    sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=1, VisibilityTimeout=60)

    depths = {d.name: (d.visible, d.in_flight) for d in SqsQueues(sqs, "shop-dev-").depths()}

    assert depths == {"shop-dev-orders": (2, 1), "shop-dev-orders-dlq": (1, 0)}


def test_the_prefix_is_that_of_the_services_own_table() -> None:
    assert queue_prefix("shop-dev-analytics") == "shop-dev-"
    assert queue_prefix("shop-analytics") == "shop-"
