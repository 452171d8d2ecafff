"""Money in integer minor units: never a float, one currency per amount, never more than
MAX_AMOUNT. Arithmetic is checked: a result past the cap (or below zero) raises a domain
error instead of an amount nothing can store or charge."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shop.kernel.errors import InvalidInput, Unprocessable
from shop.kernel.integers import integral

MAX_AMOUNT = 10**12  # minor units: ten billion in a two-decimal currency

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]


class CurrencyMismatch(InvalidInput):
    title = "Currency mismatch"


class AmountTooLarge(Unprocessable):
    title = "Amount too large"

    def __init__(self, currency: str) -> None:
        super().__init__(
            f"the amount would exceed the largest the shop handles ({MAX_AMOUNT} {currency} minor units)"
        )


class NegativeAmount(Unprocessable):
    title = "Negative amount"

    def __init__(self, currency: str) -> None:
        super().__init__(f"the amount would fall below zero {currency}")


class Money(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT, description="Minor units (cents)"), integral]
    currency: Currency

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=0, currency=currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return self._checked(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return self._checked(self.amount - other.amount)

    def times(self, quantity: int) -> Money:
        if quantity < 0:
            raise NegativeAmount(self.currency)
        return self._checked(self.amount * quantity)

    def _checked(self, amount: int) -> Money:
        if amount > MAX_AMOUNT:
            raise AmountTooLarge(self.currency)
        if amount < 0:
            raise NegativeAmount(self.currency)
        return Money(amount=amount, currency=self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum of amounts in one currency; the empty sum is zero of that currency."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
