from shop.kernel.money import Money
from shop.payments.adapters.sandbox_gateway import SandboxGateway

EUR_10 = Money(amount=1000, currency="EUR")


def test_visa_and_mastercard_are_approved_with_a_charge_reference():
    gateway = SandboxGateway()
    for token in ("tok_visa", "tok_mastercard"):
        result = gateway.charge(EUR_10, token, idempotency_key=f"order-{token}")
        assert result.approved
        assert result.decline_reason is None
        assert result.provider_reference.startswith("ch_")


def test_the_declined_token_is_declined_as_card_declined():
    result = SandboxGateway().charge(EUR_10, "tok_chargeDeclined", idempotency_key="order-1")
    assert not result.approved
    assert result.decline_reason == "card_declined"


def test_any_other_token_is_declined_as_invalid():
    gateway = SandboxGateway()
    for index, token in enumerate(["tok_unknown", "tok_", "4242424242424242", "", "tok_visa "]):
        result = gateway.charge(EUR_10, token, idempotency_key=f"order-{index}")
        assert not result.approved, token
        assert result.decline_reason == "invalid_token", token


def test_the_same_key_returns_the_same_result_even_with_another_token():
    gateway = SandboxGateway()
    first = gateway.charge(EUR_10, "tok_visa", idempotency_key="order-1")
    again = gateway.charge(EUR_10, "tok_chargeDeclined", idempotency_key="order-1")
    assert again == first


def test_the_reference_derives_from_the_key_so_another_instance_answers_the_same():
    one = SandboxGateway().charge(EUR_10, "tok_visa", idempotency_key="order-1")
    other = SandboxGateway().charge(EUR_10, "tok_visa", idempotency_key="order-1")
    different = SandboxGateway().charge(EUR_10, "tok_visa", idempotency_key="order-2")
    assert one.provider_reference == other.provider_reference
    assert different.provider_reference != one.provider_reference


def test_refund_of_a_charge_is_idempotent_by_key():
    gateway = SandboxGateway()
    charge = gateway.charge(EUR_10, "tok_visa", idempotency_key="order-1")
    first = gateway.refund(charge.provider_reference, EUR_10, idempotency_key="order-1:refund")
    again = gateway.refund(charge.provider_reference, EUR_10, idempotency_key="order-1:refund")
    assert first.refunded
    assert first.provider_reference.startswith("re_")
    assert again == first


def test_refund_of_an_unknown_reference_fails():
    result = SandboxGateway().refund("not-a-charge", EUR_10, idempotency_key="order-1:refund")
    assert not result.refunded
    assert result.failure_reason
