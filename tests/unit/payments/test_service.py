import pytest

from shop.kernel.clock import FixedClock
from shop.kernel.errors import NotFound
from shop.kernel.money import Money
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.domain.errors import InvalidRefund, RefundFailed
from shop.payments.domain.events import PaymentRequested, RefundRequested
from shop.payments.domain.payment import Payment, PaymentStatus
from shop.payments.service import charge_payment, payments_of_order, refund_payment
from tests.unit.payments.fakes import FakePayments, RecordingGateway, RefusingGateway

EUR_10 = Money(amount=1000, currency="EUR")


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


def test_a_concurrent_twin_that_loses_the_write_records_nothing(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    winner = charge(request(), payments, gateway)
    payments.for_order = lambda order_id: None  # type: ignore[method-assign]  # both read before either wrote

    loser = charge(request(), payments, gateway)

    assert loser == winner
    assert gateway.charges[0][2] == gateway.charges[1][2] == "o1"  # same key: the provider charged once
    assert len(payments.outbox) == 1


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


def test_another_customers_payment_looks_like_none(payments: FakePayments, gateway: RecordingGateway) -> None:
    charge(request(), payments, gateway)
    with pytest.raises(NotFound):
        payments_of_order("o1", "c-other", payments=payments)
    with pytest.raises(NotFound):
        payments_of_order("o-unknown", "c1", payments=payments)
