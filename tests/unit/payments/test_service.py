from datetime import UTC, datetime

import pytest

from shop.kernel.clock import FixedClock
from shop.kernel.money import Money
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.domain.errors import InvalidRefund, PaymentPending, RefundFailed
from shop.payments.domain.events import PaymentRequested, RefundRequested
from shop.payments.domain.payment import ChargeResult, Payment, PaymentStatus
from shop.payments.service import charge_payment, payments_of_order, refund_payment
from tests.unit.payments.fakes import FakePayments, RecordingGateway, RefusingGateway

EUR_10 = Money(amount=1000, currency="EUR")
AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def payments() -> FakePayments:
    return FakePayments()


@pytest.fixture
def gateway() -> RecordingGateway:
    return RecordingGateway(SandboxGateway())


def request(token: str = "tok_visa", order_id: str = "o1") -> PaymentRequested:
    return PaymentRequested(order_id=order_id, customer_id="c1", amount=EUR_10, payment_token=token)


def charge(req: PaymentRequested, payments: FakePayments, gateway: RecordingGateway) -> Payment:
    return charge_payment(req, payments=payments, gateway=gateway, clock=FixedClock())


def refund(req: RefundRequested, payments: FakePayments, gateway: object) -> Payment | None:
    return refund_payment(req, payments=payments, gateway=gateway, clock=FixedClock())  # type: ignore[arg-type]


def refund_request(payment_id: str, order_id: str = "o1", customer_id: str = "c1") -> RefundRequested:
    return RefundRequested(order_id=order_id, customer_id=customer_id, payment_id=payment_id, amount=EUR_10)


def test_a_charge_is_captured_with_the_order_id_as_idempotency_key(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    payment = charge(request(), payments, gateway)

    assert payment.status is PaymentStatus.CAPTURED
    assert gateway.charges == [(EUR_10, "tok_visa", "o1")]
    assert payments.by_order["o1"] == payment
    [event] = payments.outbox
    assert event.event_type == "PaymentCaptured"
    assert event.model_dump(mode="json") == {
        "order_id": "o1",
        "payment_id": payment.payment_id,
        "amount": {"amount": 1000, "currency": "EUR"},
        "provider_reference": payment.provider_reference,
    }


def test_a_declined_card_records_a_declined_payment_and_tells_why(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    payment = charge(request("tok_chargeDeclined"), payments, gateway)

    assert payment.status is PaymentStatus.DECLINED
    [event] = payments.outbox
    assert event.event_type == "PaymentDeclined"
    assert event.model_dump(mode="json") == {
        "order_id": "o1",
        "payment_id": payment.payment_id,
        "reason": "card_declined",
    }


def test_an_invalid_token_is_declined_as_invalid(payments: FakePayments, gateway: RecordingGateway) -> None:
    payment = charge(request("tok_nonsense"), payments, gateway)

    assert payment.status is PaymentStatus.DECLINED
    assert payment.decline_reason == "invalid_token"
    assert [event.model_dump()["reason"] for event in payments.outbox] == ["invalid_token"]


def test_a_redelivered_request_neither_charges_nor_records_twice(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    first = charge(request(), payments, gateway)
    again = charge(request(), payments, gateway)

    assert again == first
    assert len(gateway.charges) == 1
    assert len(payments.outbox) == 1


def test_the_request_is_recorded_before_the_provider_is_asked(payments: FakePayments) -> None:
    class Crashing(RecordingGateway):
        def charge(
            self, amount: Money, token: str, idempotency_key: str, customer_id: str = ""
        ) -> ChargeResult:
            raise PaymentPending("the provider is still processing")

    with pytest.raises(PaymentPending):
        charge(request(), payments, Crashing(SandboxGateway()))

    waiting = payments.by_order["o1"]
    assert (waiting.status, waiting.amount, waiting.customer_id) == (PaymentStatus.REQUESTED, EUR_10, "c1")
    assert payments.outbox == []


def test_a_request_whose_answer_was_lost_is_charged_again_with_the_same_key(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    payments.record(Payment.requested(payment_id="p1", order_id="o1", customer_id="c1", amount=EUR_10, at=AT))

    payment = charge(request(), payments, gateway)

    assert (payment.payment_id, payment.status) == ("p1", PaymentStatus.CAPTURED)
    assert gateway.charges == [(EUR_10, "tok_visa", "o1")]  # same key: the provider charges once
    assert [event.event_type for event in payments.outbox] == ["PaymentCaptured"]


def test_a_captured_payment_is_refunded_once_with_the_refund_key(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    payment = charge(request(), payments, gateway)

    refunded = refund(refund_request(payment.payment_id), payments, gateway)
    duplicate = refund(refund_request(payment.payment_id), payments, gateway)

    assert refunded is not None
    assert refunded.status is PaymentStatus.REFUNDED
    assert duplicate is None
    assert gateway.refunds == [(payment.provider_reference, EUR_10, "o1:refund")]
    assert payments.by_order["o1"].status is PaymentStatus.REFUNDED
    assert [event.event_type for event in payments.outbox] == ["PaymentCaptured", "PaymentRefunded"]
    assert payments.outbox[1].model_dump(mode="json") == {
        "order_id": "o1",
        "payment_id": payment.payment_id,
        "amount": {"amount": 1000, "currency": "EUR"},
    }


def test_a_refund_of_a_declined_payment_is_ignored(payments: FakePayments, gateway: RecordingGateway) -> None:
    payment = charge(request("tok_chargeDeclined"), payments, gateway)

    assert refund(refund_request(payment.payment_id), payments, gateway) is None
    assert gateway.refunds == []
    assert payments.by_order["o1"].status is PaymentStatus.DECLINED
    assert [event.event_type for event in payments.outbox] == ["PaymentDeclined"]


@pytest.mark.parametrize(
    ("order_id", "customer_id", "payment_id"),
    [("o-unknown", "c1", None), ("o1", "c-other", None), ("o1", "c1", "p-other")],
    ids=["unknown-order", "other-customer", "other-payment"],
)
def test_a_refund_that_names_no_payment_of_ours_is_ignored(
    payments: FakePayments, gateway: RecordingGateway, order_id: str, customer_id: str, payment_id: str | None
) -> None:
    payment = charge(request(), payments, gateway)

    req = refund_request(payment_id or payment.payment_id, order_id=order_id, customer_id=customer_id)
    assert refund(req, payments, gateway) is None
    assert gateway.refunds == []
    assert payments.by_order["o1"].status is PaymentStatus.CAPTURED


def test_a_refund_above_the_capture_is_rejected(payments: FakePayments, gateway: RecordingGateway) -> None:
    payment = charge(request(), payments, gateway)
    req = RefundRequested(
        order_id="o1",
        customer_id="c1",
        payment_id=payment.payment_id,
        amount=Money(amount=1001, currency="EUR"),
    )
    with pytest.raises(InvalidRefund):
        refund(req, payments, gateway)
    assert gateway.refunds == []


def test_a_refund_the_provider_refuses_fails_so_it_is_retried(payments: FakePayments) -> None:
    payment = charge(request(), payments, RecordingGateway(RefusingGateway()))
    with pytest.raises(RefundFailed):
        refund(refund_request(payment.payment_id), payments, RefusingGateway())
    assert payments.by_order["o1"].status is PaymentStatus.CAPTURED


def test_a_customer_sees_the_payment_of_their_order(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    payment = charge(request(), payments, gateway)
    assert payments_of_order("o1", "c1", payments=payments) == [payment]


def test_no_payment_yet_and_another_customers_payment_are_both_an_empty_list(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    charge(request(), payments, gateway)
    assert payments_of_order("o1", "c-other", payments=payments) == []
    assert payments_of_order("o-unknown", "c1", payments=payments) == []
