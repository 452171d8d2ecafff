"""The unit of work on moto: one transaction, all or nothing, outbox included."""

from collections.abc import Iterator

import pytest

from shop.kernel.events import Event
from shop.platform.aws import client
from shop.platform.dynamo import TransactionCancelled, UnitOfWork, from_item, to_item
from tests.conftest import create_table

pytestmark = pytest.mark.integration


@pytest.fixture
def table(aws: None) -> Iterator[str]:
    return create_table("things", stream=True)


def items(table: str) -> list[dict[str, object]]:
    return [from_item(item) for item in client("dynamodb").scan(TableName=table)["Items"]]


def test_commits_state_and_outbox_together(table: str) -> None:
    uow = UnitOfWork()
    uow.put(table, {"pk": "THING#1", "sk": "THING", "stock": 5}, "attribute_not_exists(pk)")
    uow.publish(table, Event(event_type="ThingMade", correlation_id="c1", data={"thing_id": "1"}))
    uow.commit()
    stored = {item["pk"]: item for item in items(table)}
    assert stored["THING#1"]["stock"] == 5
    [outbox] = [item for key, item in stored.items() if str(key).startswith("OUTBOX#")]
    assert Event.model_validate_json(str(outbox["event"])).event_type == "ThingMade"


def test_a_failing_condition_writes_nothing_and_names_the_operation(table: str) -> None:
    client("dynamodb").put_item(TableName=table, Item=to_item({"pk": "THING#1", "sk": "THING", "stock": 1}))
    uow = UnitOfWork()
    uow.put(table, {"pk": "THING#2", "sk": "THING", "stock": 3})
    decrement = uow.update(
        table,
        {"pk": "THING#1", "sk": "THING"},
        "SET stock = stock - :q",
        "stock >= :q",
        values={":q": 2},
        return_old_on_failure=True,
    )
    uow.publish(table, Event(event_type="ThingMade", correlation_id="c1", data={}))
    with pytest.raises(TransactionCancelled) as cancelled:
        uow.commit()
    assert cancelled.value.failed(decrement)
    assert not cancelled.value.failed(0)
    assert cancelled.value.old_items[decrement] == {"pk": "THING#1", "sk": "THING", "stock": 1}
    assert items(table) == [{"pk": "THING#1", "sk": "THING", "stock": 1}]


def test_values_round_trip_as_plain_python() -> None:
    values = {"pk": "A", "n": 3, "tags": ["x"], "nested": {"amount": 1999, "currency": "EUR"}, "gone": None}
    assert from_item(to_item(values)) == {k: v for k, v in values.items() if v is not None}
