"""moto's failed transactions must neither leak into the stream nor cut the stream off,
and must not wipe a concurrent writer's change (see shop.local.emulator.patches.dynamodb)."""

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shop.local.emulator import patches
from shop.platform.aws import client
from shop.platform.dynamo import to_item
from shop.platform.transaction import Transaction, TransactionCancelled
from tests.conftest import create_table

pytestmark = pytest.mark.integration


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto in server mode, as the local stack runs it (in-process moto lacks Streams' API)."""
    from moto.server import ThreadedMotoServer

    from shop.platform.aws import reset_clients

    patches.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    reset_clients()
    try:
        yield create_table(f"shop-catalog-{uuid.uuid4().hex[:8]}", stream=True)  # backends outlive servers
    finally:
        server.stop()
        reset_clients()


def stream_keys(table: str, iterator: str) -> tuple[list[str], str]:
    response = client("dynamodbstreams").get_records(ShardIterator=iterator)
    keys = [record["dynamodb"]["Keys"]["pk"]["S"] for record in response["Records"]]
    return keys, response["NextShardIterator"]


def latest_iterator(table: str) -> str:
    streams = client("dynamodbstreams")
    arn = client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return str(
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    )


def failing_reservation(table: str) -> None:
    transaction = Transaction(client("dynamodb"), table)
    transaction.put({"pk": "OUTBOX#ghost", "sk": "OUTBOX"})
    transaction.update(
        {"pk": "PRODUCT#1", "sk": "PRODUCT"}, "SET stock = stock - :q", "stock >= :q", values={":q": 1}
    )
    with pytest.raises(TransactionCancelled):
        transaction.commit()


def test_a_failed_transaction_leaves_no_record_and_the_stream_goes_on(table: str) -> None:
    put: Any = client("dynamodb").put_item
    put(TableName=table, Item=to_item({"pk": "PRODUCT#1", "sk": "PRODUCT", "stock": 0}))
    iterator = latest_iterator(table)
    failing_reservation(table)
    put(TableName=table, Item=to_item({"pk": "OUTBOX#real", "sk": "OUTBOX"}))
    keys, _ = stream_keys(table, iterator)
    assert keys == ["OUTBOX#real"]


def test_concurrent_writes_survive_failed_transactions(table: str) -> None:
    client("dynamodb").put_item(
        TableName=table, Item=to_item({"pk": "PRODUCT#1", "sk": "PRODUCT", "stock": 0})
    )
    done = threading.Event()

    def keep_failing() -> None:
        while not done.is_set():
            failing_reservation(table)

    failer = threading.Thread(target=keep_failing)
    failer.start()
    try:
        for index in range(60):
            client("dynamodb").put_item(TableName=table, Item=to_item({"pk": f"ITEM#{index}", "sk": "X"}))
    finally:
        done.set()
        failer.join()
    stored = client("dynamodb").scan(TableName=table)["Items"]
    assert sum(1 for item in stored if item["pk"]["S"].startswith("ITEM#")) == 60
    assert not any(item["pk"]["S"] == "OUTBOX#ghost" for item in stored)


def test_a_failed_transaction_copies_no_table(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto backs up every table a transaction names, items and stream records included: a
    transaction's cost grew with everything the table ever held."""
    from moto.dynamodb.models.table import Table

    def refuse(table: Table, memo: dict[int, Any]) -> Table:
        raise AssertionError(f"deep copy of the whole table {table.name}")

    client("dynamodb").put_item(
        TableName=table, Item=to_item({"pk": "PRODUCT#1", "sk": "PRODUCT", "stock": 0})
    )
    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    failing_reservation(table)  # raises TransactionCancelled, not the AssertionError


def test_a_failed_transaction_puts_back_exactly_what_it_changed(table: str) -> None:
    put: Any = client("dynamodb").put_item
    put(TableName=table, Item=to_item({"pk": "PRODUCT#1", "sk": "PRODUCT", "stock": 0, "name": "one"}))
    put(TableName=table, Item=to_item({"pk": "PRODUCT#2", "sk": "PRODUCT", "stock": 5, "name": "two"}))
    transaction = Transaction(client("dynamodb"), table)
    transaction.update(
        {"pk": "PRODUCT#2", "sk": "PRODUCT"}, "SET stock = stock - :q", "stock >= :q", values={":q": 2}
    )
    transaction.put({"pk": "OUTBOX#ghost", "sk": "OUTBOX"})
    transaction.update(
        {"pk": "PRODUCT#1", "sk": "PRODUCT"}, "SET stock = stock - :q", "stock >= :q", values={":q": 1}
    )
    with pytest.raises(TransactionCancelled):
        transaction.commit()
    stored = {item["pk"]["S"]: item for item in client("dynamodb").scan(TableName=table)["Items"]}
    assert set(stored) == {"PRODUCT#1", "PRODUCT#2"}
    assert stored["PRODUCT#2"]["stock"] == {"N": "5"}  # updated in place by moto, then put back
    assert stored["PRODUCT#2"]["name"] == {"S": "two"}
