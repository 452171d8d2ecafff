"""The payments table on moto: the conditions and transactions really run."""

from datetime import UTC, datetime
from typing import Any

import pytest

from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.payments.adapters.dynamo_payments import DynamoPayments
from shop.payments.domain.errors import PaymentAlreadyRecorded, PaymentNotRefundable
from shop.payments.domain.payment import ChargeResult, Payment, PaymentStatus, RefundResult
from shop.platform.aws import client
from shop.platform.dynamo import from_item
from tests.conftest import create_table

pytestmark = pytest.mark.integration

AT = datetime(2026, 1, 1, 12, tzinfo=UTC)
EUR_10 = Money(amount=1000, currency="EUR")


@pytest.fixture
def payments(aws: None) -> DynamoPayments:
    return DynamoPayments(client("dynamodb"), create_table("payments", stream=True))


def items() -> list[dict[str, Any]]:
    return [from_item(item) for item in client("dynamodb").scan(TableName="payments")["Items"]]


def outbox_types() -> list[str]:
    return sorted(item["event_type"] for item in items() if item["pk"].startswith("OUTBOX#"))


def new_payment(payment_id: str = "p1", *, approved: bool = True) -> Payment:
    result = ChargeResult(
        approved=approved, provider_reference="ch_1", decline_reason=None if approved else "card_declined"
    )
    requested = Payment.requested(
        payment_id=payment_id, order_id="o1", customer_id="c1", amount=EUR_10, at=AT
    )
    return requested.after.settled(result).after


def record(payments: DynamoPayments, payment: Payment) -> None:
    payments.record(Change(None, payment, (payment.outcome(),)))


def refund(payments: DynamoPayments, payment: Payment) -> None:
    refunded = payment.refunded(EUR_10, RefundResult(refunded=True, provider_reference="re_1"), AT)
    payments.record_refund(refunded)


def test_a_recorded_payment_reads_back_equal(payments: DynamoPayments) -> None:
    payment = new_payment()
    record(payments, payment)

    assert payments.for_order("o1") == payment
    assert payments.for_order("o2") is None
    assert outbox_types() == ["PaymentCaptured"]


def test_a_declined_payment_keeps_its_reason(payments: DynamoPayments) -> None:
    record(payments, new_payment(approved=False))

    stored = payments.for_order("o1")
    assert stored is not None
    assert stored.status is PaymentStatus.DECLINED
    assert stored.decline_reason == "card_declined"
    assert outbox_types() == ["PaymentDeclined"]


def test_a_second_payment_for_the_order_is_refused_with_its_event(payments: DynamoPayments) -> None:
    record(payments, new_payment("p1"))
    with pytest.raises(PaymentAlreadyRecorded) as refused:
        record(payments, new_payment("p2"))

    assert refused.value.existing is not None
    assert refused.value.existing.payment_id == "p1"  # the winner, read from the cancellation
    assert payments.for_order("o1").payment_id == "p1"  # type: ignore[union-attr]
    assert outbox_types() == ["PaymentCaptured"]
    assert len(items()) == 2


def test_a_refund_moves_captured_to_refunded_once(payments: DynamoPayments) -> None:
    payment = new_payment()
    record(payments, payment)

    refund(payments, payment)
    with pytest.raises(PaymentNotRefundable):
        refund(payments, payment)

    stored = payments.for_order("o1")
    assert stored is not None
    assert stored.status is PaymentStatus.REFUNDED
    assert stored.refund_reference == "re_1"
    assert stored.refunded_at == AT
    assert outbox_types() == ["PaymentCaptured", "PaymentRefunded"]


def test_a_declined_payment_cannot_be_marked_refunded(payments: DynamoPayments) -> None:
    declined = new_payment(approved=False)
    record(payments, declined)
    captured_twin = declined.model_copy(update={"status": PaymentStatus.CAPTURED})  # a stale view

    with pytest.raises(PaymentNotRefundable):
        refund(payments, captured_twin)
    assert payments.for_order("o1").status is PaymentStatus.DECLINED  # type: ignore[union-attr]
    assert outbox_types() == ["PaymentDeclined"]
