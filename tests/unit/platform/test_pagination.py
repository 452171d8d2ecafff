import pytest

from shop.platform.pagination import InvalidCursor, decode_cursor, encode_cursor


def test_round_trips_a_position_within_its_scope() -> None:
    cursor = encode_cursor({"pk": "PRODUCT#1", "sk": "PRODUCT"}, scope="products:all")
    assert decode_cursor(cursor, scope="products:all") == {"pk": "PRODUCT#1", "sk": "PRODUCT"}
    assert decode_cursor(None, scope="products:all") is None


def test_a_cursor_from_another_scope_is_refused() -> None:
    cursor = encode_cursor({"pk": "ORDER#1"}, scope="orders:alice")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, scope="orders:bob")


@pytest.mark.parametrize("forged", ["garbage", "a.b.c", "eyJ4IjoxfQ.AAAA", "%%%.%%%", "eyJ4IjoxfQ"])
def test_forged_cursors_are_invalid_input(forged: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(forged, scope="products:all")


def test_tampering_with_the_payload_breaks_the_signature() -> None:
    payload, signature = encode_cursor({"pk": "PRODUCT#1"}, scope="s").split(".")
    other_payload = encode_cursor({"pk": "PRODUCT#2"}, scope="s").split(".")[0]
    with pytest.raises(InvalidCursor):
        decode_cursor(f"{other_payload}.{signature}", scope="s")
    assert payload != other_payload
