"""Amounts as Stripe counts them beside the shop's ISO 4217 minor units.

Stripe takes most currencies in their ISO minor units, but not all (its "Supported
currencies" page): ISK and UGX, zero-decimal in ISO, it still takes as two-decimal amounts of
whole units (times 100, divisible by 100); MGA, two-decimal in ISO, it takes as zero-decimal; and the
three-decimal currencies it supports must end in 0 (its payment partners round to tens). An
amount Stripe cannot take exactly is never rounded: the charge is declined before any call.
"""

from __future__ import annotations

from shop.kernel.money import Money

# Stripe's decimals minus ISO's, where they differ.
_SHIFT = {"ISK": 2, "UGX": 2, "MGA": -2}
_TENS_ONLY = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


class NotChargeable(ValueError):
    """Stripe cannot take this amount exactly in this currency."""


def to_stripe(money: Money) -> int:
    """The `amount` Stripe takes for `money`; raises NotChargeable if it has none."""
    if money.amount <= 0:
        raise NotChargeable("a payment of nothing is no payment")
    shift = _SHIFT.get(money.currency, 0)
    amount: int = money.amount * 10**shift if shift >= 0 else money.amount // 10**-shift
    if shift < 0 and money.amount % 10**-shift:
        raise NotChargeable(f"{money.amount} {money.currency} minor units are not whole {money.currency}")
    if money.currency in _TENS_ONLY and amount % 10:
        raise NotChargeable(f"Stripe takes {money.currency} only in multiples of 10 minor units")
    return amount


def from_stripe(amount: int, currency: str) -> Money:
    """The shop's Money for an `amount` Stripe reports in `currency` (its lower-case code)."""
    code = currency.upper()
    shift = _SHIFT.get(code, 0)
    shop_amount: int = amount // 10**shift if shift >= 0 else amount * 10**-shift
    return Money(amount=shop_amount, currency=code)
