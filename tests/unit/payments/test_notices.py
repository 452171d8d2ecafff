"""settle_charge: the provider's signed notice (Stripe's webhook, verified by the real adapter) records
only a payment the shop requested and still waits for, for the amount it asked; anything else records
nothing, is reported, and money it took is refunded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.kernel.money import Money
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.adapters.stripe_gateway import TOLERANCE_SECONDS, StripeNotices
from shop.payments.domain.errors import InvalidWebhook, RefundFailed
from shop.payments.domain.payment import Mismatch, Payment, PaymentStatus, UnmatchedNotice
from shop.payments.ports import PaymentGateway
from shop.payments.service import settle_charge
from tests.support.stripe_webhooks import intent_event, signature
from tests.unit.payments.fakes import FakePayments, RecordingGateway, RefusingGateway

SECRET = "whsec_unit"
EUR_25_99 = Money(amount=2599, currency="EUR")
AT = datetime(2026, 1, 1, tzinfo=UTC)
REFERENCE = "ch_o1"  # the sandbox refunds ch_ references only


@pytest.fixture
def payments() -> FakePayments:
    return FakePayments()


@pytest.fixture
def gateway() -> RecordingGateway:
    return RecordingGateway(SandboxGateway())


def waiting(payments: FakePayments, order_id: str = "o1") -> Payment:
    change = Payment.requested(payment_id="p1", order_id=order_id, customer_id="c1", amount=EUR_25_99, at=AT)
    payments.record(change)
    return change.after


def deliver(
    payload: str, payments: FakePayments, gateway: PaymentGateway, *, skew_seconds: int = 0
) -> UnmatchedNotice | None:
    return settle_charge(
        payload,
        signature(payload, SECRET, skew_seconds=skew_seconds),
        notices=StripeNotices(SECRET),
        payments=payments,
        gateway=gateway,
    )


def succeeded(
    order_id: str = "o1", *, amount: int = 2599, currency: str = "eur", intent: str = REFERENCE
) -> str:
    return intent_event(
        "payment_intent.succeeded", order_id, amount=amount, currency=currency, intent_id=intent
    )


def test_a_notice_for_a_waiting_payment_of_that_amount_settles_it_once(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    waiting(payments)

    assert deliver(succeeded(), payments, gateway) is None
    assert deliver(succeeded(), payments, gateway) is None  # Stripe redelivers

    settled = payments.by_order["o1"]
    assert (settled.payment_id, settled.status, settled.provider_reference) == ("p1", "CAPTURED", REFERENCE)
    assert [event.event_type for event in payments.outbox] == ["PaymentCaptured"]
    assert gateway.refunds == []


def test_a_failure_for_a_waiting_payment_is_recorded_as_a_decline(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    waiting(payments)

    assert (
        deliver(intent_event("payment_intent.payment_failed", intent_id=REFERENCE), payments, gateway) is None
    )

    assert (payments.by_order["o1"].status, payments.by_order["o1"].decline_reason) == (
        PaymentStatus.DECLINED,
        "card_declined",
    )


@pytest.mark.parametrize(
    ("amount", "currency"), [(1, "eur"), (2599, "usd")], ids=["other-amount", "other-currency"]
)
def test_a_notice_for_another_amount_records_nothing_and_is_refunded(
    payments: FakePayments, gateway: RecordingGateway, amount: int, currency: str
) -> None:
    asked = waiting(payments)

    unmatched = deliver(succeeded(amount=amount, currency=currency), payments, gateway)

    assert unmatched is not None
    assert unmatched.mismatch is Mismatch.OTHER_AMOUNT
    assert unmatched.refund is not None
    assert unmatched.refund.refunded
    assert payments.by_order["o1"] == asked  # still waiting for what the shop asked
    assert payments.outbox == []
    assert gateway.refunds == [
        (REFERENCE, Money(amount=amount, currency=currency.upper()), f"{REFERENCE}:unmatched")
    ]


def test_a_notice_for_an_order_that_never_asked_records_nothing_and_is_refunded(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    unmatched = deliver(succeeded(amount=1), payments, gateway)

    assert unmatched is not None
    assert unmatched.mismatch is Mismatch.NOT_REQUESTED
    assert payments.by_order == {}
    assert payments.outbox == []
    assert [refund[0] for refund in gateway.refunds] == [REFERENCE]


def test_a_second_charge_for_a_settled_order_records_nothing_and_is_refunded(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    waiting(payments)
    deliver(succeeded(), payments, gateway)
    [captured] = payments.by_order.values()

    unmatched = deliver(succeeded(intent="ch_another"), payments, gateway)

    assert unmatched is not None
    assert unmatched.mismatch is Mismatch.NOT_WAITING
    assert payments.by_order["o1"] == captured
    assert [event.event_type for event in payments.outbox] == ["PaymentCaptured"]
    assert [refund[0] for refund in gateway.refunds] == ["ch_another"]


def test_a_failure_that_matches_nothing_took_no_money_and_refunds_nothing(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    unmatched = deliver(intent_event("payment_intent.payment_failed", intent_id=REFERENCE), payments, gateway)

    assert unmatched is not None
    assert (unmatched.mismatch, unmatched.refund) == (Mismatch.NOT_REQUESTED, None)
    assert gateway.refunds == []


def test_money_the_provider_will_not_give_back_fails_so_the_notice_comes_again(
    payments: FakePayments,
) -> None:
    with pytest.raises(RefundFailed):
        deliver(succeeded(), payments, RefusingGateway())


@pytest.mark.parametrize(
    "skew_seconds",
    [TOLERANCE_SECONDS + 60, -TOLERANCE_SECONDS - 60, 3600],
    ids=["future", "past", "hour-ahead"],
)
def test_a_notice_signed_outside_the_tolerance_is_refused(
    payments: FakePayments, gateway: RecordingGateway, skew_seconds: int
) -> None:
    waiting(payments)

    with pytest.raises(InvalidWebhook):
        deliver(succeeded(), payments, gateway, skew_seconds=skew_seconds)

    assert payments.by_order["o1"].status is PaymentStatus.REQUESTED
    assert gateway.refunds == []


def test_a_notice_signed_within_the_tolerance_is_read(
    payments: FakePayments, gateway: RecordingGateway
) -> None:
    waiting(payments)

    assert deliver(succeeded(), payments, gateway, skew_seconds=TOLERANCE_SECONDS - 60) is None

    assert payments.by_order["o1"].status is PaymentStatus.CAPTURED
