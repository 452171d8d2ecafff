from datetime import UTC, datetime

import pytest

from shop.kernel.money import Money
from shop.payments.domain.errors import InvalidRefund, PaymentAlreadyRecorded, PaymentNotRefundable
from shop.payments.domain.events import PaymentCaptured, PaymentDeclined, PaymentRefunded
from shop.payments.domain.payment import (
    ChargeNotice,
    ChargeResult,
    Mismatch,
    Payment,
    PaymentStatus,
    RefundResult,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)
EUR_10 = Money(amount=1000, currency="EUR")


def requested() -> Payment:
    return Payment.requested(payment_id="p1", order_id="o1", customer_id="c1", amount=EUR_10, at=AT).after


def payment(result: ChargeResult) -> Payment:
    return requested().settled(result).after


def notice(amount: Money = EUR_10) -> ChargeNotice:
    return ChargeNotice(
        order_id="o1", amount=amount, result=ChargeResult(approved=True, provider_reference="pi_1")
    )


def test_a_request_is_recorded_before_the_charge_and_tells_nobody() -> None:
    change = Payment.requested(payment_id="p1", order_id="o1", customer_id="c1", amount=EUR_10, at=AT)
    assert (change.before, change.after.status, change.events) == (None, PaymentStatus.REQUESTED, ())


def test_a_settled_payment_is_settled_once() -> None:
    change = requested().settled(ChargeResult(approved=True, provider_reference="ch_1"))
    assert change.before == requested()
    with pytest.raises(PaymentAlreadyRecorded) as refused:
        change.after.settled(ChargeResult(approved=True, provider_reference="ch_2"))
    assert refused.value.existing == change.after


def test_a_notice_settles_only_a_waiting_payment_of_the_amount_asked() -> None:
    assert requested().awaits(notice())
    assert not requested().awaits(notice(Money(amount=1, currency="EUR")))
    assert not requested().awaits(notice(Money(amount=1000, currency="USD")))
    assert requested().mismatch(notice(Money(amount=1, currency="EUR"))) is Mismatch.OTHER_AMOUNT
    captured = payment(ChargeResult(approved=True, provider_reference="pi_1"))
    assert not captured.awaits(notice())
    assert captured.mismatch(notice()) is Mismatch.NOT_WAITING


def test_an_approved_charge_is_captured_and_tells_payment_captured() -> None:
    captured = payment(ChargeResult(approved=True, provider_reference="ch_1"))
    assert captured.status is PaymentStatus.CAPTURED
    assert captured.decline_reason is None
    assert captured.outcome() == PaymentCaptured(
        order_id="o1", payment_id="p1", amount=EUR_10, provider_reference="ch_1"
    )


def test_a_declined_charge_keeps_the_reason_and_tells_payment_declined() -> None:
    declined = payment(
        ChargeResult(approved=False, provider_reference="ch_1", decline_reason="card_declined")
    )
    assert declined.status is PaymentStatus.DECLINED
    assert declined.decline_reason == "card_declined"
    assert declined.outcome() == PaymentDeclined(order_id="o1", payment_id="p1", reason="card_declined")


def test_a_captured_payment_is_refunded_once() -> None:
    captured = payment(ChargeResult(approved=True, provider_reference="ch_1"))
    change = captured.refunded(EUR_10, RefundResult(refunded=True, provider_reference="re_1"), AT)
    refunded = change.after
    assert change.events == (PaymentRefunded(order_id="o1", payment_id="p1", amount=EUR_10),)
    assert refunded.status is PaymentStatus.REFUNDED
    assert refunded.refund_reference == "re_1"
    with pytest.raises(PaymentNotRefundable):
        refunded.check_refund(EUR_10)


def test_a_declined_payment_cannot_be_refunded() -> None:
    declined = payment(
        ChargeResult(approved=False, provider_reference="ch_1", decline_reason="card_declined")
    )
    with pytest.raises(PaymentNotRefundable):
        declined.check_refund(EUR_10)


@pytest.mark.parametrize(
    "amount",
    [Money(amount=1001, currency="EUR"), Money(amount=1000, currency="USD")],
    ids=["more", "currency"],
)
def test_a_refund_never_exceeds_the_capture_or_changes_currency(amount: Money) -> None:
    captured = payment(ChargeResult(approved=True, provider_reference="ch_1"))
    with pytest.raises(InvalidRefund):
        captured.check_refund(amount)


def test_a_refund_is_a_change_from_the_captured_payment_stamped_with_its_time() -> None:
    captured = payment(ChargeResult(approved=True, provider_reference="ch_1"))
    later = datetime(2026, 1, 2, tzinfo=UTC)
    change = captured.refunded(EUR_10, RefundResult(refunded=True, provider_reference="re_1"), later)
    assert change.before == captured
    assert (change.after.refunded_at, change.after.refund_reference) == (later, "re_1")


def test_a_request_has_no_provider_reference_until_the_charge() -> None:
    assert requested().provider_reference == ""


def test_a_decline_without_the_providers_reason_reads_declined() -> None:
    declined = payment(ChargeResult(approved=False, provider_reference="ch_1"))
    assert declined.decline_reason == "declined"
    assert declined.outcome() == PaymentDeclined(order_id="o1", payment_id="p1", reason="declined")
    unexplained = declined.model_copy(update={"decline_reason": None})  # as stored before reasons were kept
    assert unexplained.outcome() == PaymentDeclined(order_id="o1", payment_id="p1", reason="declined")


def test_each_refusal_says_what_the_payment_is() -> None:
    captured = payment(ChargeResult(approved=True, provider_reference="ch_1"))
    with pytest.raises(PaymentAlreadyRecorded) as settled_twice:
        captured.settled(ChargeResult(approved=True, provider_reference="ch_2"))
    with pytest.raises(PaymentNotRefundable) as not_captured:
        requested().check_refund(EUR_10)
    with pytest.raises(InvalidRefund) as too_much:
        captured.check_refund(Money(amount=1001, currency="EUR"))
    assert settled_twice.value.detail == "payment p1 is CAPTURED"
    assert not_captured.value.detail == "payment p1 is REQUESTED, not CAPTURED"
    assert too_much.value.detail == "cannot refund 1001 EUR of a payment of 1000 EUR"
    assert PaymentAlreadyRecorded().detail == "Payment already recorded"
