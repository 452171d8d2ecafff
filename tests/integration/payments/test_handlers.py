"""The payments Lambda entry points end to end on moto: a hand-built SQS event and API
Gateway v2 events, with every DynamoDB request counted against the budgets."""

from collections.abc import Iterator
from typing import Any

import pytest

from shop.kernel.events import Event
from tests.conftest import create_table
from tests.support.dynamodb import DynamoCalls, dynamodb_calls, outbox_events, table_items
from tests.support.http_events import api_request, json_body, sqs_batch

pytestmark = pytest.mark.integration

TABLE = "payments"


@pytest.fixture
def requests(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoCalls]:
    monkeypatch.setenv("PAYMENTS_TABLE_NAME", create_table(TABLE, stream=True))
    with dynamodb_calls() as calls:
        yield calls


def payment_requested(order_id: str = "o1", token: str = "tok_visa") -> Event:
    data = {
        "order_id": order_id,
        "customer_id": "c1",
        "amount": {"amount": 2599, "currency": "EUR"},
        "payment_token": token,
        "placed_at": "2026-01-01T00:00:00Z",  # a field payments does not read
    }
    return Event(event_type="PaymentRequested", correlation_id="corr-1", data=data)


def refund_requested(payment_id: str, order_id: str = "o1") -> Event:
    data = {
        "order_id": order_id,
        "customer_id": "c1",
        "payment_id": payment_id,
        "amount": {"amount": 2599, "currency": "EUR"},
    }
    return Event(event_type="RefundRequested", correlation_id="corr-2", data=data)


def http_event(query: dict[str, str] | None, user_id: str | None = "c1") -> dict[str, Any]:
    return api_request("GET", "/payments", claims={"sub": user_id} if user_id else None, query=query)


def consume(event: dict[str, Any]) -> dict[str, Any]:
    from shop.payments.handlers.events import handler

    return handler(event, None)


def deliver(*events: Event) -> dict[str, Any]:
    return consume(sqs_batch(events))


def get_payments(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from shop.payments.handlers.http import handler

    response = handler(event, None)
    return response["statusCode"], json_body(response)


def test_the_same_message_twice_records_one_payment_and_one_event(requests: DynamoCalls) -> None:
    message = sqs_batch([payment_requested()])

    assert consume(message) == {"batchItemFailures": []}
    assert requests.take() == ["TransactWriteItems", "TransactWriteItems"]  # requested, then settled
    assert consume(message) == {"batchItemFailures": []}
    assert requests.take() == ["TransactWriteItems"]  # refused: the payment it returns is settled

    payments = [item for item in table_items(TABLE) if item["sk"] == "PAYMENT"]
    assert len(payments) == 1
    assert payments[0]["status"] == "CAPTURED"
    assert "payment_token" not in payments[0]
    [event] = outbox_events(TABLE)
    assert event["event_type"] == "PaymentCaptured"
    assert event["correlation_id"] == "corr-1"
    assert event["data"]["payment_id"] == payments[0]["payment_id"]
    assert event["data"]["amount"] == {"amount": 2599, "currency": "EUR"}


def test_a_declined_card_is_recorded_and_published_as_declined(requests: DynamoCalls) -> None:
    declined = payment_requested(order_id="o-declined", token="tok_chargeDeclined")
    assert deliver(declined) == {"batchItemFailures": []}

    [event] = outbox_events(TABLE)
    assert event["event_type"] == "PaymentDeclined"
    assert event["data"]["reason"] == "card_declined"


def test_a_refund_is_made_once_within_the_budget(requests: DynamoCalls) -> None:
    deliver(payment_requested())
    payment_id = outbox_events(TABLE)[0]["data"]["payment_id"]
    requests.take()

    refund = sqs_batch([refund_requested(payment_id)])
    assert consume(refund) == {"batchItemFailures": []}
    assert requests.take() == ["GetItem", "TransactWriteItems"]
    assert consume(refund) == {"batchItemFailures": []}
    assert requests.take() == ["GetItem"]

    assert sorted(event["event_type"] for event in outbox_events(TABLE)) == [
        "PaymentCaptured",
        "PaymentRefunded",
    ]
    status, body = get_payments(http_event({"order_id": "o1"}))
    assert status == 200
    assert body["items"][0]["status"] == "REFUNDED"


def test_a_malformed_event_fails_only_its_own_record(requests: DynamoCalls) -> None:
    bad = Event(event_type="PaymentRequested", correlation_id="corr", data={"order_id": "o9"})
    result = deliver(payment_requested("o1"), bad)

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert len([item for item in table_items(TABLE) if item["sk"] == "PAYMENT"]) == 1


def test_the_customer_gets_their_payment_in_one_request(requests: DynamoCalls) -> None:
    deliver(payment_requested())
    requests.take()

    status, body = get_payments(http_event({"order_id": "o1"}))

    assert requests.take() == ["GetItem"]
    assert status == 200
    [payment] = body["items"]
    assert set(payment) >= {"payment_id", "order_id", "amount", "status", "provider_reference", "created_at"}
    assert payment["order_id"] == "o1"
    assert payment["status"] == "CAPTURED"
    assert payment["amount"] == {"amount": 2599, "currency": "EUR"}
    assert payment["provider_reference"].startswith("ch_")
    assert payment["created_at"].endswith("Z")


def test_another_customers_order_and_an_order_without_payment_are_both_an_empty_list(
    requests: DynamoCalls,
) -> None:
    deliver(payment_requested())

    assert get_payments(http_event({"order_id": "o1"}, user_id="c2")) == (200, {"items": []})
    assert get_payments(http_event({"order_id": "nope"})) == (200, {"items": []})


def test_a_missing_order_id_is_400_and_no_token_is_401(requests: DynamoCalls) -> None:
    status, body = get_payments(http_event(None))
    assert status == 400
    assert body["errors"][0]["field"] == "order_id"

    status, _ = get_payments(http_event({"order_id": "o1"}, user_id=None))
    assert status == 401
