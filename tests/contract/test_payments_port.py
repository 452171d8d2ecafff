"""One contract for the payments' Payments port, run on the in-memory fake and on the DynamoDB
adapter: one payment per order with its event, a refund that moves CAPTURED to REFUNDED once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.payments.adapters.dynamo_payments import DynamoPayments
from shop.payments.domain.errors import PaymentAlreadyRecorded, PaymentNotRefundable
from shop.payments.domain.payment import ChargeResult, Payment, PaymentStatus, RefundResult
from shop.payments.ports import Payments
from shop.platform.aws import client
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, Store, dynamo_store, fake_store, on_moto
from tests.unit.payments.fakes import FakePayments

AT = datetime(2026, 1, 1, 12, tzinfo=UTC)
EUR_10 = Money(amount=1000, currency="EUR")


@pytest.fixture(params=BACKENDS)
def payments(request: pytest.FixtureRequest) -> Store[Payments]:
    if on_moto(request):
        table = create_table("payments", stream=True)
        return dynamo_store(DynamoPayments(client("dynamodb"), table), table)
    fake = FakePayments()
    return fake_store(fake, fake.outbox)


def requested(payment_id: str = "p1") -> Change[Payment]:
    return Payment.requested(payment_id=payment_id, order_id="o1", customer_id="c1", amount=EUR_10, at=AT)


def charging(payment_id: str = "p1", *, approved: bool = True) -> Change[Payment]:
    result = ChargeResult(
        approved=approved, provider_reference="ch_1", decline_reason=None if approved else "card_declined"
    )
    settled = requested(payment_id).after.settled(result)
    return Change(None, settled.after, settled.events)


def charged(payment_id: str = "p1", *, approved: bool = True) -> Payment:
    return charging(payment_id, approved=approved).after


def record(payments: Payments, payment_id: str = "p1", *, approved: bool = True) -> None:
    payments.record(charging(payment_id, approved=approved))


def refund(payments: Payments, payment: Payment) -> None:
    payments.record_refund(
        payment.refunded(EUR_10, RefundResult(refunded=True, provider_reference="re_1"), AT)
    )


def test_a_payment_reads_back_with_its_event(payments: Store[Payments]) -> None:
    record(payments.port)
    assert payments.port.for_order("o1") == charged()
    assert payments.port.for_order("o2") is None
    assert payments.published() == ["PaymentCaptured"]


def test_a_declined_payment_keeps_its_reason(payments: Store[Payments]) -> None:
    record(payments.port, approved=False)
    assert payments.port.for_order("o1") == charged(approved=False)
    assert payments.published() == ["PaymentDeclined"]


def test_a_second_payment_for_the_order_is_refused_with_the_first(payments: Store[Payments]) -> None:
    record(payments.port, "p1")
    with pytest.raises(PaymentAlreadyRecorded) as refused:
        record(payments.port, "p2")
    assert refused.value.existing == charged("p1")
    assert payments.published() == ["PaymentCaptured"]


def test_a_requested_payment_reads_back_waiting_and_tells_nobody(payments: Store[Payments]) -> None:
    payments.port.record(requested())
    assert payments.port.for_order("o1") == requested().after
    assert payments.published() == []


def test_a_requested_payment_is_settled_once_with_its_event(payments: Store[Payments]) -> None:
    payments.port.record(requested())
    settled = requested().after.settled(ChargeResult(approved=True, provider_reference="ch_1"))
    payments.port.record(settled)
    with pytest.raises(PaymentAlreadyRecorded) as refused:  # a twin, decided on the same REQUESTED view
        payments.port.record(
            requested().after.settled(ChargeResult(approved=True, provider_reference="ch_2"))
        )
    assert refused.value.existing == settled.after
    assert payments.port.for_order("o1") == settled.after
    assert payments.published() == ["PaymentCaptured"]


def test_a_request_for_an_order_that_has_one_is_refused_with_it(payments: Store[Payments]) -> None:
    payments.port.record(requested("p1"))
    with pytest.raises(PaymentAlreadyRecorded) as refused:
        payments.port.record(requested("p2"))
    assert refused.value.existing == requested("p1").after


def test_settling_another_request_of_the_order_is_refused(payments: Store[Payments]) -> None:
    payments.port.record(requested("p1"))
    with pytest.raises(PaymentAlreadyRecorded):
        payments.port.record(
            requested("p2").after.settled(ChargeResult(approved=True, provider_reference="ch_1"))
        )
    assert payments.port.for_order("o1") == requested("p1").after
    assert payments.published() == []


def test_a_refund_moves_captured_to_refunded_once(payments: Store[Payments]) -> None:
    record(payments.port)
    refund(payments.port, charged())
    with pytest.raises(PaymentNotRefundable):
        refund(payments.port, charged())
    stored = payments.port.for_order("o1")
    assert stored is not None
    assert (stored.status, stored.refund_reference, stored.refunded_at) == (
        PaymentStatus.REFUNDED,
        "re_1",
        AT,
    )
    assert payments.published() == ["PaymentCaptured", "PaymentRefunded"]


def test_a_refund_decided_on_a_stale_view_is_refused(payments: Store[Payments]) -> None:
    record(payments.port, approved=False)
    with pytest.raises(PaymentNotRefundable):
        refund(payments.port, charged())  # read as captured: it was declined
    assert payments.port.for_order("o1") == charged(approved=False)
    assert payments.published() == ["PaymentDeclined"]


def test_a_refund_of_another_payment_of_the_order_is_refused(payments: Store[Payments]) -> None:
    record(payments.port, "p1")
    with pytest.raises(PaymentNotRefundable):
        refund(payments.port, charged("p2"))
    assert payments.port.for_order("o1") == charged("p1")
    assert payments.published() == ["PaymentCaptured"]


def refund_change(payment: Payment) -> Change[Payment]:
    return payment.refunded(EUR_10, RefundResult(refunded=True, provider_reference="re_1"), AT)


def not_refunds() -> dict[str, Change[Payment]]:
    """Changes a refund can never be: what the adapter refuses before it writes anything."""
    refunded = refund_change(charged())
    return {
        "no before": Change(None, refunded.after, refunded.events),
        "no refunded_at": Change(refunded.before, refunded.after.model_copy(update={"refunded_at": None})),
        "no refund_reference": Change(
            refunded.before, refunded.after.model_copy(update={"refund_reference": None})
        ),
    }


@pytest.mark.parametrize("what", list(not_refunds()))
def test_a_refund_without_its_time_reference_or_captured_payment_is_refused(
    payments: Store[Payments], what: str
) -> None:
    record(payments.port)
    with pytest.raises(ValueError, match="record_refund needs"):
        payments.port.record_refund(not_refunds()[what])
    assert payments.port.for_order("o1") == charged()
    assert payments.published() == ["PaymentCaptured"]


class LenientPayments(FakePayments):
    """A fake that stores any refund, as FakePayments did before the suite held it to the adapter."""

    def record_refund(self, change: Change[Payment]) -> None:
        self.by_order[change.after.order_id] = change.after
        self.outbox.extend(change.events)


@pytest.mark.parametrize("what", list(not_refunds()))
def test_a_fake_more_lenient_than_the_adapter_fails_this_suite(what: str) -> None:
    lenient = LenientPayments()
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        test_a_refund_without_its_time_reference_or_captured_payment_is_refused(
            fake_store(lenient, lenient.outbox), what
        )
