"""What only the sandbox does; what every gateway does is in
tests/integration/payments/test_gateway_contract.py, which runs against the sandbox too."""

from shop.kernel.money import Money
from shop.payments.adapters.sandbox_gateway import SandboxGateway

EUR_10 = Money(amount=1000, currency="EUR")


def test_references_name_a_charge_and_a_refund() -> None:
    gateway = SandboxGateway()
    charge = gateway.charge(EUR_10, "tok_visa", idempotency_key="order-1")
    refund = gateway.refund(charge.provider_reference, EUR_10, idempotency_key="order-1:refund")
    assert charge.provider_reference.startswith("ch_")
    assert refund.provider_reference.startswith("re_")


def test_the_same_key_returns_the_same_result_even_with_another_token() -> None:
    gateway = SandboxGateway()
    first = gateway.charge(EUR_10, "tok_visa", idempotency_key="order-1")
    again = gateway.charge(EUR_10, "tok_chargeDeclined", idempotency_key="order-1")
    assert again == first


def test_the_reference_derives_from_the_key_so_another_instance_answers_the_same() -> None:
    one = SandboxGateway().charge(EUR_10, "tok_visa", idempotency_key="order-1")
    other = SandboxGateway().charge(EUR_10, "tok_visa", idempotency_key="order-1")
    different = SandboxGateway().charge(EUR_10, "tok_visa", idempotency_key="order-2")
    assert one.provider_reference == other.provider_reference
    assert different.provider_reference != one.provider_reference
