"""The shop's minor units (ISO 4217) as Stripe's amounts, and back."""

from __future__ import annotations

import pytest

from shop.kernel.money import Money
from shop.payments.adapters.stripe_amounts import NotChargeable, from_stripe, to_stripe


@pytest.mark.parametrize(
    ("money", "stripe_amount"),
    [
        (Money(amount=1299, currency="EUR"), 1299),  # two decimals both ways
        (Money(amount=1500, currency="JPY"), 1500),  # zero-decimal both ways
        (Money(amount=2750, currency="KWD"), 2750),  # three decimals, ending in 0
        (Money(amount=1500, currency="ISK"), 150000),  # ISO 0, Stripe two-decimal
        (Money(amount=3000, currency="UGX"), 300000),
        (Money(amount=120000, currency="MGA"), 1200),  # ISO 2, Stripe zero-decimal
    ],
)
def test_amounts_go_to_stripe_in_its_units_and_come_back_the_same(money: Money, stripe_amount: int) -> None:
    assert to_stripe(money) == stripe_amount
    assert from_stripe(stripe_amount, money.currency.lower()) == money


@pytest.mark.parametrize(
    "money",
    [
        Money(amount=2755, currency="KWD"),
        Money(amount=120050, currency="MGA"),
        Money(amount=0, currency="EUR"),
    ],
)
def test_an_amount_stripe_cannot_take_exactly_is_not_rounded(money: Money) -> None:
    with pytest.raises(NotChargeable):
        to_stripe(money)
