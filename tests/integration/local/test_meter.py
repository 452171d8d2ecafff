"""The emulator's meter (`SHOP_METER=1`) on moto's server in its own process: each request counted
by its caller's app id, DynamoDB's units from what the items hold as DynamoDB bills them, SNS's
messages and deliveries (tests/unit/local/test_meter.py holds the sizes themselves)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from shop.local.emulator.server import Emulator
from shop.resources import REGION

pytestmark = pytest.mark.integration

TABLE = "metered"
CALLER = "shop-test-http"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOP_METER", "1")
        emulator = Emulator()
        emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def client(emulator: Emulator, service: str, caller: str = CALLER) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=emulator.endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(user_agent_appid=caller),  # type: ignore[call-arg]  # older stubs lack it
    )


@pytest.fixture(scope="module")
def dynamodb(emulator: Emulator) -> Any:
    dynamodb = client(emulator, "dynamodb", caller="")
    attributes = [{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")]
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=attributes,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return client(emulator, "dynamodb")


def units_of(emulator: Emulator, work: Any) -> dict[str, float]:
    """The units `work` consumed, by kind, as the meter counted them for CALLER."""
    emulator.command("meter", reset=True)
    work()
    tally = emulator.command("meter")
    units: Counter[str] = Counter()
    for caller, _table, kind, amount in tally["units"]:
        assert caller == CALLER
        units[kind] += amount
    return dict(units)


def item(key: str, body_bytes: int, **extra: str) -> dict[str, Any]:
    return {"pk": {"S": key}, "sk": {"S": "A"}, "body": {"S": "x" * body_bytes}} | {
        name: {"S": value} for name, value in extra.items()
    }


def test_a_put_bills_its_size_per_kb_and_once_more_for_the_index_it_enters(
    emulator: Emulator, dynamodb: Any
) -> None:
    big = item("P#1", 1500, gsi1pk="C#1", gsi1sk="1")
    assert units_of(emulator, lambda: dynamodb.put_item(TableName=TABLE, Item=big)) == {
        "write": 2,
        "index_write": 2,
    }
    # the bigger of before and after: shrinking a 1.5 KB item still writes 2 units
    small = item("P#1", 10)
    assert units_of(emulator, lambda: dynamodb.put_item(TableName=TABLE, Item=small)) == {
        "write": 2,
        "index_write": 2,  # it leaves the index
    }


def test_reads_bill_per_4_kb_half_when_eventually_consistent(emulator: Emulator, dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=item("R#1", 5000))
    key = {"pk": {"S": "R#1"}, "sk": {"S": "A"}}
    assert units_of(emulator, lambda: dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)) == {
        "read": 2
    }
    assert units_of(emulator, lambda: dynamodb.get_item(TableName=TABLE, Key=key)) == {"read": 1}
    missing = {"pk": {"S": "R#none"}, "sk": {"S": "A"}}
    assert units_of(emulator, lambda: dynamodb.get_item(TableName=TABLE, Key=missing)) == {"read": 0.5}


def test_a_query_bills_what_it_read_before_its_filter(emulator: Emulator, dynamodb: Any) -> None:
    for sort in ("1", "2", "3"):
        dynamodb.put_item(TableName=TABLE, Item={**item("Q#1", 2000), "sk": {"S": sort}})

    def query() -> None:
        answer = dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            FilterExpression="begins_with(body, :none)",
            ExpressionAttributeValues={":pk": {"S": "Q#1"}, ":none": {"S": "y"}},
            ConsistentRead=True,
        )
        assert answer["Items"] == []

    assert units_of(emulator, query) == {"read": 2}  # three 2 KB items: 6 KB


def test_transactions_bill_twice_and_a_failed_condition_still_bills(
    emulator: Emulator, dynamodb: Any
) -> None:
    puts = [{"Put": {"TableName": TABLE, "Item": item(f"T#{n}", 10)}} for n in (1, 2)]
    assert units_of(emulator, lambda: dynamodb.transact_write_items(TransactItems=puts)) == {"write": 4}

    def refused() -> None:
        with pytest.raises(dynamodb.exceptions.ConditionalCheckFailedException):
            dynamodb.put_item(
                TableName=TABLE, Item=item("T#1", 10), ConditionExpression="attribute_not_exists(pk)"
            )

    assert units_of(emulator, refused) == {"write": 1}


def test_requests_are_counted_by_caller_and_sns_by_message_and_delivery(emulator: Emulator) -> None:
    sns, sqs = client(emulator, "sns"), client(emulator, "sqs", caller="")
    topic = sns.create_topic(Name="metered-events")["TopicArn"]
    queue = sqs.create_queue(QueueName="metered-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    emulator.command("meter", reset=True)
    entries = [{"Id": str(n), "Message": json.dumps({"n": n})} for n in range(3)]
    sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    sqs.receive_message(QueueUrl=queue)
    tally = emulator.command("meter")
    assert [CALLER, "sns", "PublishBatch", 1] in tally["requests"]  # one request of three messages
    assert ["", "sqs", "ReceiveMessage", 1] in tally["requests"]  # a client without an app id
    assert tally["published"] == {"metered-events": 3}
    assert tally["deliveries"] == {"metered-queue": 3}
