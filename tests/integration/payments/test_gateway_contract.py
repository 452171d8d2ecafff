"""What every PaymentGateway adapter promises the payments service, run against each one:
the sandbox, and Stripe's adapter against localstripe on 127.0.0.1."""

import pytest

from shop.kernel.money import Money
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.ports import PaymentGateway

pytestmark = pytest.mark.integration

EUR_10 = Money(amount=1000, currency="EUR")


@pytest.fixture(params=["sandbox", "stripe"])
def gateway(request: pytest.FixtureRequest) -> PaymentGateway:
    if request.param == "sandbox":
        return SandboxGateway()
    return request.getfixturevalue("stripe_gateway")  # type: ignore[no-any-return]


def test_visa_and_mastercard_are_approved_with_their_own_reference(
    gateway: PaymentGateway, order_id: str
) -> None:
    visa = gateway.charge(EUR_10, "tok_visa", idempotency_key=f"{order_id}-v", customer_id="c1")
    mastercard = gateway.charge(EUR_10, "tok_mastercard", idempotency_key=f"{order_id}-m", customer_id="c1")

    for result in (visa, mastercard):
        assert result.approved
        assert result.decline_reason is None
        assert result.provider_reference
    assert visa.provider_reference != mastercard.provider_reference


def test_the_declined_token_is_declined_as_card_declined(gateway: PaymentGateway, order_id: str) -> None:
    result = gateway.charge(EUR_10, "tok_chargeDeclined", idempotency_key=order_id, customer_id="c1")

    assert not result.approved
    assert result.decline_reason == "card_declined"


@pytest.mark.parametrize("token", ["tok_unknown", "tok_", "4242424242424242", "", "tok_visa "])
def test_any_other_token_is_declined_as_invalid(gateway: PaymentGateway, order_id: str, token: str) -> None:
    result = gateway.charge(EUR_10, token, idempotency_key=order_id, customer_id="c1")

    assert not result.approved
    assert result.decline_reason == "invalid_token"


def test_nothing_to_charge_is_declined_as_an_invalid_amount(gateway: PaymentGateway, order_id: str) -> None:
    result = gateway.charge(Money.zero("EUR"), "tok_visa", idempotency_key=order_id, customer_id="c1")

    assert not result.approved
    assert result.decline_reason == "invalid_amount"


@pytest.mark.parametrize("token", ["tok_visa", "tok_chargeDeclined"])
def test_a_retried_key_answers_the_first_result(gateway: PaymentGateway, order_id: str, token: str) -> None:
    first = gateway.charge(EUR_10, token, idempotency_key=order_id, customer_id="c1")
    again = gateway.charge(EUR_10, token, idempotency_key=order_id, customer_id="c1")
    other = gateway.charge(EUR_10, token, idempotency_key=f"{order_id}-2", customer_id="c1")

    assert again == first
    assert other.provider_reference != first.provider_reference


def test_a_refund_of_a_charge_is_idempotent_by_key(gateway: PaymentGateway, order_id: str) -> None:
    charge = gateway.charge(EUR_10, "tok_visa", idempotency_key=order_id, customer_id="c1")

    first = gateway.refund(charge.provider_reference, EUR_10, idempotency_key=f"{order_id}:refund")
    again = gateway.refund(charge.provider_reference, EUR_10, idempotency_key=f"{order_id}:refund")

    assert first.refunded
    assert first.failure_reason is None
    assert first.provider_reference
    assert first.provider_reference != charge.provider_reference
    assert again == first


@pytest.mark.parametrize("reference", ["not-a-charge", "pi_doesnotexist", ""])
def test_a_refund_of_an_unknown_reference_fails_with_a_reason(
    gateway: PaymentGateway, order_id: str, reference: str
) -> None:
    result = gateway.refund(reference, EUR_10, idempotency_key=f"{order_id}:refund")

    assert not result.refunded
    assert result.failure_reason
