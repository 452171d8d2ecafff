"""The transaction on moto: one TransactWriteItems, all or nothing, outbox included, and a
failed condition turned into the error its caller named."""

from typing import Any, ClassVar

import pytest

from shop.kernel.events import Event, EventData
from shop.platform.aws import client
from shop.platform.context import set_correlation_id
from shop.platform.dynamo import from_item, to_item
from shop.platform.transaction import Transaction, TransactionCancelled
from tests.conftest import create_table

pytestmark = pytest.mark.integration


class ThingMade(EventData):
    event_type: ClassVar[str] = "ThingMade"
    thing_id: str


class ThingTaken(Exception):
    def __init__(self, old: dict[str, Any] | None) -> None:
        super().__init__(old)
        self.old = old


@pytest.fixture
def table(aws: None) -> str:
    return create_table("things", stream=True)


def items(table: str) -> list[dict[str, object]]:
    return [from_item(item) for item in client("dynamodb").scan(TableName=table)["Items"]]


def test_commits_state_and_outbox_together_in_the_current_correlation(table: str) -> None:
    set_correlation_id("c1")
    transaction = Transaction(client("dynamodb"), table)
    transaction.put({"pk": "THING#1", "sk": "THING", "stock": 5}, "attribute_not_exists(pk)")
    transaction.publish([ThingMade(thing_id="1")])
    transaction.commit()
    stored = {item["pk"]: item for item in items(table)}
    assert stored["THING#1"]["stock"] == 5
    [outbox] = [item for key, item in stored.items() if str(key).startswith("OUTBOX#")]
    event = Event.model_validate_json(str(outbox["event"]))
    assert (event.event_type, event.correlation_id, event.data) == ("ThingMade", "c1", {"thing_id": "1"})


def _failing(table: str) -> tuple[Transaction, int]:
    client("dynamodb").put_item(TableName=table, Item=to_item({"pk": "THING#1", "sk": "THING", "stock": 1}))
    transaction = Transaction(client("dynamodb"), table)
    transaction.put({"pk": "THING#2", "sk": "THING", "stock": 3})
    decrement = transaction.update(
        {"pk": "THING#1", "sk": "THING"},
        "SET stock = stock - :q",
        "stock >= :q",
        values={":q": 2},
        return_old_on_failure=True,
    )
    transaction.publish([ThingMade(thing_id="2")])
    return transaction, decrement


def test_a_failing_condition_writes_nothing_and_names_the_operation(table: str) -> None:
    transaction, decrement = _failing(table)
    with pytest.raises(TransactionCancelled) as cancelled:
        transaction.commit()
    assert cancelled.value.failed(decrement)
    assert not cancelled.value.failed(0)
    assert cancelled.value.old_items[decrement] == {"pk": "THING#1", "sk": "THING", "stock": 1}
    assert items(table) == [{"pk": "THING#1", "sk": "THING", "stock": 1}]


def test_the_failed_operation_named_by_the_caller_decides_the_error(table: str) -> None:
    transaction, decrement = _failing(table)
    with pytest.raises(ThingTaken) as taken:
        transaction.commit({0: lambda _: RuntimeError("not this one"), decrement: ThingTaken})
    assert taken.value.old == {"pk": "THING#1", "sk": "THING", "stock": 1}
    assert isinstance(taken.value.__cause__, TransactionCancelled)


def test_otherwise_stands_for_a_failure_no_one_named(table: str) -> None:
    transaction, _ = _failing(table)
    with pytest.raises(LookupError, match="stock"):
        transaction.commit({0: ThingTaken}, otherwise=lambda cancelled: LookupError(f"stock: {cancelled}"))


def test_values_round_trip_as_plain_python() -> None:
    values = {"pk": "A", "n": 3, "tags": ["x"], "nested": {"amount": 1999, "currency": "EUR"}, "gone": None}
    assert from_item(to_item(values)) == {k: v for k, v in values.items() if v is not None}
