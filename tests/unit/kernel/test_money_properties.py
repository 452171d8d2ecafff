"""Properties of money arithmetic over any amounts: exact while within [0, MAX_AMOUNT],
a domain error (never a wrong or unstorable amount) outside it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.kernel.money import MAX_AMOUNT, AmountTooLarge, Money, NegativeAmount, total

amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)
quantities = st.integers(min_value=0, max_value=10**6)


def eur(amount: int) -> Money:
    return Money(amount=amount, currency="EUR")


@given(amounts, amounts)
def test_a_sum_is_exact_or_refused(a: int, b: int) -> None:
    if a + b <= MAX_AMOUNT:
        assert (eur(a) + eur(b)).amount == a + b
    else:
        with pytest.raises(AmountTooLarge):
            _ = eur(a) + eur(b)


@given(amounts, amounts)
def test_a_difference_is_exact_or_refused(a: int, b: int) -> None:
    if a >= b:
        assert (eur(a) - eur(b)).amount == a - b
    else:
        with pytest.raises(NegativeAmount):
            _ = eur(a) - eur(b)


@given(amounts, quantities)
def test_a_product_is_exact_or_refused(amount: int, quantity: int) -> None:
    if amount * quantity <= MAX_AMOUNT:
        assert eur(amount).times(quantity).amount == amount * quantity
    else:
        with pytest.raises(AmountTooLarge):
            eur(amount).times(quantity)


@given(st.lists(amounts, max_size=20))
def test_a_total_is_the_exact_sum_in_any_order_or_refused(parts: list[int]) -> None:
    money = [eur(part) for part in parts]
    if sum(parts) <= MAX_AMOUNT:
        assert total(money, "EUR") == eur(sum(parts)) == total(reversed(money), "EUR")
    else:
        with pytest.raises(AmountTooLarge):
            total(money, "EUR")


@given(amounts, amounts)
def test_addition_commutes(a: int, b: int) -> None:
    if a + b <= MAX_AMOUNT:
        assert eur(a) + eur(b) == eur(b) + eur(a)
