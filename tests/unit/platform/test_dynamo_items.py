"""shop.platform.dynamo maps values to DynamoDB AttributeValues and back exactly as boto3's
TypeSerializer/TypeDeserializer do (numbers then read back as int or float)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from shop.platform.dynamo import from_item, to_item

_numbers = st.integers(min_value=-(10**37), max_value=10**37) | st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=-(10**20), max_value=10**20
)
_scalars = st.none() | st.booleans() | _numbers | st.text() | st.binary()
_sets = (
    st.frozensets(st.text(), min_size=1)
    | st.frozensets(st.integers(min_value=-(10**30), max_value=10**30), min_size=1)
    | st.frozensets(st.binary(), min_size=1)
)
_values = st.recursive(
    _scalars | _sets,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_items = st.dictionaries(st.text(min_size=1, max_size=8), _values, max_size=6)


def _canonical(attribute: Any) -> Any:
    """Sets are unordered: compare them sorted. boto3 wraps bytes in its Binary."""
    if isinstance(attribute, dict):
        return {
            key: sorted(map(_canonical, value)) if key in ("SS", "NS", "BS") else _canonical(value)
            for key, value in attribute.items()
        }
    if isinstance(attribute, list):
        return [_canonical(value) for value in attribute]
    return bytes(attribute.value) if type(attribute).__name__ == "Binary" else attribute


@given(_items)
def test_items_are_written_as_boto3_writes_them(values: dict[str, Any]) -> None:
    serializer = TypeSerializer()
    expected = {key: serializer.serialize(value) for key, value in values.items() if value is not None}
    assert _canonical(to_item(values)) == _canonical(expected)


@given(_items)
def test_items_are_read_as_boto3_reads_them_with_numbers_plain(values: dict[str, Any]) -> None:
    item = to_item(values)
    deserializer = TypeDeserializer()
    expected = {key: _plain(deserializer.deserialize(attribute)) for key, attribute in item.items()}
    assert from_item(item) == expected


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, set):
        return {_plain(item) for item in value}
    return bytes(value.value) if type(value).__name__ == "Binary" else value


@pytest.mark.parametrize(
    "value",
    [1.5, Decimal("Infinity"), Decimal("NaN"), 10**40, Decimal("1." + "1" * 40), set(), object()],
    ids=["float", "infinity", "nan", "too-large", "too-precise", "empty-set", "object"],
)
def test_what_dynamodb_cannot_hold_is_refused_before_any_request(value: Any) -> None:
    with pytest.raises((TypeError, ArithmeticError)):
        to_item({"value": value})
