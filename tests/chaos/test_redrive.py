"""scripts/redrive.py (`make redrive`) against a moto server: the dry run lists the dead letters
and moves nothing; the redrive puts each back on its queue once, body and attributes intact,
and empties the DLQ. moto has no StartMessageMoveTask, so this is the copy path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "redrive.py"
LETTERS = [
    {"event_id": f"01EVENT{n}", "event_type": "PaymentRequested", "correlation_id": "c", "data": {"n": n}}
    for n in range(12)  # more than one receive batch
]
POISON = "not an event"


@pytest.fixture
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    finally:
        server.stop()


@pytest.fixture
def queues(endpoint: str) -> tuple[Any, str, str]:
    """shop-payments-events with its DLQ, as the local stack names them, the DLQ holding letters."""
    sqs = boto3.session.Session().client("sqs", region_name="us-east-1", endpoint_url=endpoint)
    dlq = sqs.create_queue(QueueName="shop-payments-events-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    queue = sqs.create_queue(QueueName="shop-payments-events", Attributes={"RedrivePolicy": policy})[
        "QueueUrl"
    ]
    for letter in LETTERS:
        attributes = {"event_type": {"DataType": "String", "StringValue": letter["event_type"]}}
        sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(letter), MessageAttributes=attributes)
    sqs.send_message(QueueUrl=dlq, MessageBody=POISON)
    return sqs, queue, dlq


def redrive(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SHOP_AWS_ENDPOINT": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def everything(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=60
    ).get("Messages", []):
        messages.extend(batch)
    return messages


def test_dry_run_lists_the_dead_letters_and_moves_nothing(
    endpoint: str, queues: tuple[Any, str, str]
) -> None:
    sqs, queue, dlq = queues
    done = redrive(endpoint, "payments", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert f"{len(LETTERS) + 1} messages in {dlq}" in done.stdout
    for letter in LETTERS:
        assert letter["event_id"] in done.stdout
    assert done.stdout.count("PaymentRequested") == len(LETTERS)
    assert "?" in done.stdout  # the poison message: no event type to show
    assert "received 1" in done.stdout
    assert everything(sqs, queue) == []
    assert len(everything(sqs, dlq)) == len(LETTERS) + 1  # visible again at once


def test_redrive_moves_each_letter_back_once(endpoint: str, queues: tuple[Any, str, str]) -> None:
    sqs, queue, dlq = queues
    done = redrive(endpoint, "payments")
    assert done.returncode == 0, done.stderr
    assert f"copy: moved {len(LETTERS) + 1} messages" in done.stdout
    assert "move tasks unavailable" in done.stderr
    moved = everything(sqs, queue)
    bodies = sorted(message["Body"] for message in moved)
    assert bodies == sorted([*(json.dumps(letter) for letter in LETTERS), POISON])
    typed = [m for m in moved if m["Body"] != POISON]
    assert all(m["MessageAttributes"]["event_type"]["StringValue"] == "PaymentRequested" for m in typed)
    assert everything(sqs, dlq) == []


def test_an_unknown_service_is_an_error(endpoint: str, queues: tuple[Any, str, str]) -> None:
    done = redrive(endpoint, "nosuchservice", "--dry-run")
    assert done.returncode != 0
    assert "no queue named" in done.stderr
