import itertools
import re
import time

from shop.kernel.ids import new_id

ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")  # 128 bits in Crockford's base32


def _value(ulid: str) -> int:
    value = 0
    for character in ulid:
        value = value * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".index(character)
    return value


def _milliseconds(ulid: str) -> int:
    return _value(ulid) >> 80  # the first 48 of the 128 bits


def test_an_id_is_a_ulid_of_the_time_it_was_made() -> None:
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    assert ULID.match(made)
    assert before <= _milliseconds(made) <= after


def test_ids_made_in_a_later_millisecond_sort_after() -> None:
    first = new_id()
    time.sleep(0.002)
    assert new_id() > first


def test_ids_do_not_repeat_within_a_millisecond() -> None:
    made = {new_id() for _ in range(10_000)}
    assert len(made) == 10_000
    assert len({ulid[10:] for ulid in made}) == 10_000  # the randomness, not only the clock


def test_ids_made_within_a_millisecond_sort_in_the_order_made() -> None:
    made = [new_id() for _ in range(2_000)]
    assert made == sorted(made)
    same_millisecond = [(a, b) for a, b in itertools.pairwise(made) if a[:10] == b[:10]]
    assert same_millisecond, "the loop made two ids within one millisecond"
    assert all(_value(b) == _value(a) + 1 for a, b in same_millisecond)  # the spec's increment
