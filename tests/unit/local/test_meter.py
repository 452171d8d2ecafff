"""The emulator's meter sizes items and counts request units as DynamoDB bills them
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)."""

from __future__ import annotations

import pytest

from shop.local.emulator.meter import _index_writes, item_size, read_units, write_units


def test_an_item_is_its_attribute_names_and_values() -> None:
    # "Id" (2) + 1234 (two digits a byte, and one: 3) + "Name" (4) + "Joe" (3)
    assert item_size({"Id": {"N": "1234"}, "Name": {"S": "Joe"}}) == 12


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"N": "-0012.500"}, 3),  # zeros trimmed: 125, two digits a byte (2) and one
        ({"S": "é"}, 2),  # UTF-8 bytes
        ({"B": "AAEC"}, 3),  # base64 of three bytes
        ({"BOOL": True}, 1),
        ({"NULL": True}, 1),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + (1 + 2) + (1 + 2)),
        ({"M": {"k": {"S": "v"}}}, 3 + 1 + 1 + 1),
        ({"SS": ["a", "bc"]}, 3),
    ],
)
def test_each_kind_of_value_has_its_size(value: dict[str, object], size: int) -> None:
    assert item_size({"": value}) == size


def test_reads_are_billed_per_4_kb_and_writes_per_1_kb() -> None:
    assert read_units(4096, consistent=True) == 1
    assert read_units(4097, consistent=True) == 2
    assert read_units(4097, consistent=False) == 1
    assert read_units(100, consistent=False) == 0.5
    assert read_units(0, consistent=True) == 1  # a miss costs a unit too
    assert read_units(5000, consistent=True, transactional=True) == 4
    assert write_units(1024) == 1
    assert write_units(1025) == 2
    assert write_units(10, transactional=True) == 2


GSI = [["gsi1pk", "gsi1sk"]]
PLAIN = {"pk": {"S": "A"}, "sk": {"S": "A"}}
INDEXED = {**PLAIN, "gsi1pk": {"S": "C#1"}, "gsi1sk": {"S": "1"}}


def test_an_index_is_written_when_the_item_enters_moves_in_or_leaves_it() -> None:
    assert _index_writes(GSI, None, PLAIN) == []
    assert _index_writes(GSI, None, INDEXED) == [1]
    assert _index_writes(GSI, INDEXED, {**INDEXED, "x": {"S": "y"}}) == [1]
    assert _index_writes(GSI, INDEXED, {**INDEXED, "gsi1sk": {"S": "2"}}) == [1, 1]  # a delete and a put
    assert _index_writes(GSI, INDEXED, PLAIN) == [1]
    assert _index_writes(GSI, INDEXED, None) == [1]
