"""DynamoDB items as plain dicts: low-level AttributeValues in and out, numbers as int.

The same mapping as boto3's TypeSerializer/TypeDeserializer, written out here because
importing `boto3.dynamodb.types` imports all of boto3 (its session, resources and
s3transfer): about 12 ms of every cold start, for a module this size. Clients come from
botocore directly (shop.platform.aws), so nothing else on a function's path needs boto3.
tests/unit/platform/test_dynamo_items.py holds it to boto3's behaviour, value for value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

# DynamoDB's number limits (38 digits, exponent -130..125), as boto3 enforces them
_NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _attribute(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _value(attribute) for key, attribute in item.items()}


def _attribute(value: Any) -> dict[str, Any]:
    match value:
        case None:
            attribute: dict[str, Any] = {"NULL": True}
        case bool():  # before int: a bool is an int
            attribute = {"BOOL": value}
        case int() | Decimal():
            attribute = {"N": _number(value)}
        case str():
            attribute = {"S": value}
        case bytes() | bytearray():
            attribute = {"B": bytes(value)}
        case Set():
            attribute = _set(value)
        case Mapping():
            attribute = {"M": {str(key): _attribute(item) for key, item in value.items()}}
        case list() | tuple():
            attribute = {"L": [_attribute(item) for item in value]}
        case _:  # float among them, as boto3
            raise TypeError(f"Unsupported type {type(value)} for value {value!r}")
    return attribute


def _number(value: int | Decimal) -> str:
    number = _NUMBERS.create_decimal(value)
    if not number.is_finite():
        raise TypeError("Infinity and NaN not supported")
    return str(number)


def _set(values: Set[Any]) -> dict[str, Any]:
    if values and all(isinstance(item, str) for item in values):
        return {"SS": list(values)}
    if values and all(isinstance(item, int | Decimal) and not isinstance(item, bool) for item in values):
        return {"NS": [_number(item) for item in values]}
    if values and all(isinstance(item, bytes | bytearray) for item in values):
        return {"BS": [bytes(item) for item in values]}
    raise TypeError(f"Unsupported set {values!r}: a set must be non-empty, of one of str, number or bytes")


def _value(attribute: Mapping[str, Any]) -> Any:
    [(kind, raw)] = attribute.items()
    return _READERS[kind](raw)


def _plain_number(text: str) -> int | float:
    """DynamoDB numbers are decimals; the domain uses int (money is integral)."""
    number = _NUMBERS.create_decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


_READERS: dict[str, Callable[[Any], Any]] = {
    "NULL": lambda _: None,
    "BOOL": lambda raw: raw,
    "S": lambda raw: raw,
    "B": lambda raw: raw,
    "N": _plain_number,
    "SS": set,
    "BS": set,
    "NS": lambda raw: {_plain_number(item) for item in raw},
    "M": lambda raw: {key: _value(item) for key, item in raw.items()},
    "L": lambda raw: [_value(item) for item in raw],
}
