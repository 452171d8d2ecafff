"""Money in integer minor units: never a float, one currency per amount, never more than
MAX_AMOUNT. Arithmetic is checked: a result past the cap (or below zero) raises a domain
error instead of an amount nothing can store or charge."""

from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from shop.kernel.currencies import ACCEPTED_CURRENCIES, MINOR_UNITS
from shop.kernel.errors import InvalidInput, Unprocessable
from shop.kernel.integers import integral

MAX_AMOUNT = 10**12  # minor units: ten billion in a two-decimal currency

# What is stored and shown: any three letters, so a price kept in a code the shop no longer
# takes still loads (and reads as unavailable) instead of failing every read of it.
Currency = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code; amounts count in its minor units (JPY 0, EUR 2, KWD 3 decimals)",
    ),
]


def _accepted(code: str) -> str:
    if code not in MINOR_UNITS:
        raise ValueError(f"{code!r} is not an active ISO 4217 currency the shop takes")
    return code


# What a client may send: a currency of ISO 4217 List One that some country pays in.
AcceptedCurrency = Annotated[
    str,
    Field(
        json_schema_extra={"enum": list(ACCEPTED_CURRENCIES)},
        description=(
            "An active ISO 4217 currency (no funds, metals, units of account, XTS or XXX); "
            "amounts count in its minor units (JPY 0, EUR 2, KWD 3 decimals)"
        ),
    ),
    AfterValidator(_accepted),
]


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

    amount: Annotated[
        StrictInt,
        Field(ge=0, le=MAX_AMOUNT, description="Minor units of the currency (cents for EUR)"),
        integral,
    ]
    currency: Currency

    @property
    def accepted(self) -> bool:
        """Whether the shop still takes this currency (a stored amount may predate its retirement)."""
        return self.currency in MINOR_UNITS

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(amount=0, currency=currency)

    def __add__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return self._checked(self.amount + other.amount)

    def __sub__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return self._checked(self.amount - other.amount)

    def times(self, quantity: int) -> "Money":
        if quantity < 0:
            raise NegativeAmount(self.currency)
        return self._checked(self.amount * quantity)

    def _checked(self, amount: int) -> "Money":
        if amount > MAX_AMOUNT:
            raise AmountTooLarge(self.currency)
        if amount < 0:
            raise NegativeAmount(self.currency)
        return Money(amount=amount, currency=self.currency)

    def _same_currency(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")


class AcceptedMoney(Money):
    """Money as a client sends it: in a currency the shop takes."""

    model_config = ConfigDict(defer_build=True)

    currency: AcceptedCurrency


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum of amounts in one currency; the empty sum is zero of that currency."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
