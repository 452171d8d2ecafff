import pytest
from pydantic import ValidationError

from shop.kernel.currencies import MINOR_UNITS
from shop.kernel.money import (
    MAX_AMOUNT,
    AcceptedMoney,
    AmountTooLarge,
    CurrencyMismatch,
    Money,
    NegativeAmount,
    total,
)


def eur(amount: int) -> Money:
    return Money(amount=amount, currency="EUR")


def test_adds_and_multiplies_in_minor_units() -> None:
    assert eur(1999) + eur(1) == eur(2000)
    assert eur(1999).times(3) == eur(5997)
    assert total([eur(100), eur(250)], "EUR") == eur(350)
    assert total([], "USD") == Money(amount=0, currency="USD")


def test_refuses_to_mix_currencies() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = eur(1) + Money(amount=1, currency="USD")


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": 19.99, "currency": "EUR"},
        {"amount": "1999", "currency": "EUR"},
        {"amount": -1, "currency": "EUR"},
        {"amount": 1, "currency": "eur"},
        {"amount": 1, "currency": "EUR", "extra": 1},
    ],
)
def test_rejects_floats_strings_negatives_and_bad_currencies(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate(fields)


def test_serialises_as_amount_and_currency() -> None:
    assert eur(1999).model_dump() == {"amount": 1999, "currency": "EUR"}


def test_arithmetic_past_the_cap_or_below_zero_is_a_domain_error_not_an_amount() -> None:
    largest = eur(MAX_AMOUNT)
    with pytest.raises(AmountTooLarge):
        _ = largest + eur(1)
    with pytest.raises(AmountTooLarge):
        largest.times(2)
    with pytest.raises(AmountTooLarge):
        total([largest, eur(1)], "EUR")
    with pytest.raises(NegativeAmount):
        _ = eur(1) - eur(2)
    with pytest.raises(NegativeAmount):
        eur(1).times(-1)
    assert largest.times(1) == largest
    assert eur(0).times(10**30) == eur(0)


@pytest.mark.parametrize("code", ["BTC", "ABC", "XAU", "XXX", "XTS", "XDR", "CHE", "UYW", "HRK", "BGN"])
def test_a_client_may_not_send_a_code_the_shop_does_not_take(code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        AcceptedMoney.model_validate({"amount": 100, "currency": code})
    assert refused.value.errors()[0]["loc"] == ("currency",)


@pytest.mark.parametrize(
    ("code", "minor_units"), [("JPY", 0), ("EUR", 2), ("USD", 2), ("KWD", 3), ("XOF", 0)]
)
def test_active_currencies_are_taken_with_their_minor_units(code: str, minor_units: int) -> None:
    money = AcceptedMoney.model_validate({"amount": 100, "currency": code})
    assert money.accepted
    assert MINOR_UNITS[code] == minor_units


def test_an_amount_stored_in_a_retired_code_still_loads_and_says_so() -> None:
    stored = Money.model_validate({"amount": 1000, "currency": "HRK"})  # kuna: euro since 2023
    assert not stored.accepted


def test_the_cap_is_ten_to_the_twelve_minor_units_as_documented() -> None:
    assert eur(10**12).amount == 10**12
    with pytest.raises(ValidationError):
        eur(10**12 + 1)
    with pytest.raises(AmountTooLarge) as refused:
        _ = eur(10**12) + eur(1)
    assert refused.value.detail == (
        "the amount would exceed the largest the shop handles (1000000000000 EUR minor units)"
    )


def test_an_amount_below_zero_names_its_currency() -> None:
    with pytest.raises(NegativeAmount) as by_subtraction:
        _ = eur(1) - eur(2)
    with pytest.raises(NegativeAmount) as by_quantity:
        Money(amount=1, currency="USD").times(-1)
    assert by_subtraction.value.detail == "the amount would fall below zero EUR"
    assert by_quantity.value.detail == "the amount would fall below zero USD"


def test_a_mismatch_names_both_currencies() -> None:
    with pytest.raises(CurrencyMismatch) as refused:
        _ = eur(1) + Money(amount=1, currency="USD")
    assert refused.value.detail == "cannot combine EUR with USD"


def test_a_refused_code_says_why() -> None:
    with pytest.raises(ValidationError) as refused:
        AcceptedMoney.model_validate({"amount": 1, "currency": "BTC"})
    assert "'BTC' is not an active ISO 4217 currency the shop takes" in refused.value.errors()[0]["msg"]


def test_a_whole_float_is_the_integer_json_means() -> None:
    assert Money.model_validate({"amount": 2.0, "currency": "EUR"}) == eur(2)
