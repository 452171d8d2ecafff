"""Move a service's dead letters back to its queue, once the cause is fixed.

    make redrive QUEUE=orders DRY_RUN=1                      # list them: event type, id, receive count
    make redrive QUEUE=orders                                # move them
    .venv/bin/python scripts/redrive.py orders --prefix shop-dev --dry-run   # a deployment

The queue is found by name (`<prefix>-<service>-events` as the local stack names it,
`<prefix>-<service>` as Terraform does, or a full name or URL), its DLQ from its own
RedrivePolicy. The endpoint is `--endpoint`, else `SHOP_AWS_ENDPOINT`, else boto3's own
(`AWS_ENDPOINT_URL`, or AWS with the usual credentials).

Two ways to move, reported on the last line:
- `move-task`: SQS's StartMessageMoveTask (AWS), which moves every message server-side;
- `copy`: where an emulator lacks it (moto 5 answers 500), or with `--copy`: each message is
  sent to the queue, then deleted from the DLQ. A send whose delete fails is not sent again
  in the same run (its id is remembered); across runs it may be delivered twice, which the
  consumers absorb (they are idempotent). Nothing is deleted before it was sent.

A dry run receives the messages to read them and makes them visible again at once; that
raises their receive count on the DLQ (which has no redrive policy, so nothing moves).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

READ_VISIBILITY_SECONDS = 60  # long enough to send and delete one batch


@dataclass(frozen=True)
class Pair:
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt_handle: str
    event_type: str
    event_id: str
    receive_count: int
    body: str
    attributes: dict[str, Any]

    def line(self) -> str:
        return f"{self.event_type:24s} {self.event_id:40s} received {self.receive_count}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("queue", help="a service (orders, catalog, ...), a queue name or a queue URL")
    parser.add_argument("--dry-run", action="store_true", help="list the dead letters; move nothing")
    parser.add_argument("--prefix", default=os.environ.get("SHOP_NAME_PREFIX", "shop"), help="e.g. shop-dev")
    parser.add_argument("--endpoint", default=os.environ.get("SHOP_AWS_ENDPOINT"), help="an emulator's URL")
    parser.add_argument("--copy", action="store_true", help="receive/send/delete even if move tasks exist")
    args = parser.parse_args(argv)

    sqs = sqs_client(args.endpoint)
    pair = find_pair(sqs, args.queue, args.prefix)
    letters = read(sqs, pair.dlq_url, release=True) if args.dry_run else []
    if args.dry_run:
        print(f"{len(letters)} messages in {pair.dlq_url}")
        for letter in letters:
            print("  " + letter.line())
        return 0
    if not args.copy:
        emulated = bool(args.endpoint or os.environ.get("AWS_ENDPOINT_URL"))
        handle = start_move_task(sqs, pair, emulated=emulated)
        if handle is not None:
            print(f"move-task: started {handle} from {pair.dlq_arn} to {pair.queue_arn}")
            print(f"  follow it: aws sqs list-message-move-tasks --source-arn {pair.dlq_arn}")
            return 0
    moved = copy_back(sqs, pair)
    print(f"copy: moved {len(moved)} messages from {pair.dlq_url} to {pair.queue_url}")
    for letter in moved:
        print("  " + letter.line())
    return 0


def sqs_client(endpoint: str | None) -> Any:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.session.Session().client("sqs", region_name=region, endpoint_url=endpoint or None)


def find_pair(sqs: Any, queue: str, prefix: str) -> Pair:
    """The queue named (or the service's) and its DLQ, from its RedrivePolicy."""
    if queue.startswith(("http://", "https://")):
        queue_url = queue
    else:
        queue_url = _first_url(sqs, [f"{prefix}-{queue}-events", f"{prefix}-{queue}", queue])
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn", "RedrivePolicy"])[
        "Attributes"
    ]
    if "RedrivePolicy" not in attributes:
        raise SystemExit(f"{queue_url} has no dead-letter queue (no RedrivePolicy)")
    dlq_arn = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
    account, name = dlq_arn.split(":")[4], dlq_arn.split(":")[5]
    dlq_url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
    return Pair(queue_url, attributes["QueueArn"], dlq_url, dlq_arn)


def _first_url(sqs: Any, names: list[str]) -> str:
    for name in names:
        try:
            url: str = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            return url
        except ClientError as error:
            if "NonExistentQueue" not in str(error.response.get("Error", {}).get("Code")):
                raise
    raise SystemExit(f"no queue named any of {', '.join(names)}")


def read(sqs: Any, dlq_url: str, *, release: bool) -> list[DeadLetter]:
    """Every message of the DLQ, each once; made visible again at once if `release`."""
    letters: dict[str, DeadLetter] = {}
    while True:
        batch = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=READ_VISIBILITY_SECONDS,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        fresh = [message for message in batch if message["MessageId"] not in letters]
        if not fresh:
            break
        for message in fresh:
            letters[message["MessageId"]] = _letter(message)
    if release:
        for letter in letters.values():
            sqs.change_message_visibility(
                QueueUrl=dlq_url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0
            )
    return list(letters.values())


def _letter(message: dict[str, Any]) -> DeadLetter:
    body = message.get("Body", "")
    try:
        envelope = json.loads(body)
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        envelope = {}
    attributes = message.get("MessageAttributes", {})
    event_type = envelope.get("event_type") or attributes.get("event_type", {}).get("StringValue") or "?"
    return DeadLetter(
        message_id=message["MessageId"],
        receipt_handle=message["ReceiptHandle"],
        event_type=str(event_type),
        event_id=str(envelope.get("event_id") or f"(message {message['MessageId']})"),
        receive_count=int(message.get("Attributes", {}).get("ApproximateReceiveCount", 0)),
        body=body,
        attributes=attributes,
    )


def start_move_task(sqs: Any, pair: Pair, *, emulated: bool) -> str | None:
    """The move task's handle; None if an emulator lacks move tasks (moto answers 500)."""
    try:
        handle: str = sqs.start_message_move_task(SourceArn=pair.dlq_arn, DestinationArn=pair.queue_arn)[
            "TaskHandle"
        ]
        return handle
    except ClientError as error:
        if not emulated:
            raise
        code = error.response.get("Error", {}).get("Code")
        print(f"move tasks unavailable at this endpoint ({code}); copying instead", file=sys.stderr)
        return None


def copy_back(sqs: Any, pair: Pair) -> list[DeadLetter]:
    """Send each dead letter to the queue, then delete it from the DLQ."""
    sent: dict[str, DeadLetter] = {}
    while True:
        letters = read(sqs, pair.dlq_url, release=False)
        if not letters:
            return list(sent.values())
        for letter in letters:
            if letter.message_id not in sent:  # a delete that failed earlier: do not send it twice
                sqs.send_message(
                    QueueUrl=pair.queue_url,
                    MessageBody=letter.body,
                    MessageAttributes=_sendable(letter.attributes),
                )
                sent[letter.message_id] = letter
            sqs.delete_message(QueueUrl=pair.dlq_url, ReceiptHandle=letter.receipt_handle)


def _sendable(attributes: dict[str, Any]) -> dict[str, Any]:
    """Message attributes as SendMessage takes them (received ones carry list fields too)."""
    keep = ("DataType", "StringValue", "BinaryValue")
    return {name: {k: v for k, v in value.items() if k in keep} for name, value in attributes.items()}
