"""One contract for the cart's Carts port, run on the in-memory fake and on the DynamoDB
adapter: concurrent writes of different lines all survive, a stale decision fails instead of
overwriting (currency, a full cart, a restarted expired cart, settled lines), clearing is
idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop.cart.adapters.dynamo_carts import DynamoCarts
from shop.cart.domain.cart import IDLE_LIFETIME, MAX_LINES, Cart
from shop.cart.domain.errors import CartChanged, CartFull, CurrencyConflict, LineNotInCart
from shop.cart.ports import Carts
from shop.platform.aws import client
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, on_moto
from tests.unit.cart.fakes import FakeCarts, product

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + IDLE_LIFETIME + timedelta(days=2)


@pytest.fixture(params=BACKENDS)
def carts(request: pytest.FixtureRequest) -> Carts:
    if on_moto(request):
        return DynamoCarts(client("dynamodb"), create_table("cart"))
    return FakeCarts()


def put(carts: Carts, product_id: str, quantity: int, *, currency: str = "EUR", at: datetime = NOW) -> Cart:
    before = carts.get("alice")
    after = before.set_quantity(product(product_id, currency=currency), quantity, at)
    carts.save_line(before, after, product_id, at)
    return after


def test_no_cart_reads_as_empty_and_a_line_reads_back_with_its_expiry(carts: Carts) -> None:
    assert carts.get("alice") == Cart.empty("alice")
    written = put(carts, "p1", 3)
    assert carts.get("alice") == written
    assert written.expires_at == NOW + IDLE_LIFETIME


def test_concurrent_writes_of_different_lines_both_survive(carts: Carts) -> None:
    for _ in range(2):  # into a new cart, then into an existing one
        first, second = carts.get("alice"), carts.get("alice")
        taken = len(first.lines)
        carts.save_line(first, first.set_quantity(product(f"a{taken}"), 1, NOW), f"a{taken}", NOW)
        carts.save_line(second, second.set_quantity(product(f"b{taken}"), 2, NOW), f"b{taken}", NOW)
    assert {pid: line.quantity for pid, line in carts.get("alice").lines.items()} == {
        "a0": 1,
        "b0": 2,
        "a2": 1,
        "b2": 2,
    }


def test_a_stale_write_in_another_currency_is_refused(carts: Carts) -> None:
    stale = carts.get("alice")
    put(carts, "p1", 1, currency="EUR")
    with pytest.raises(CurrencyConflict):
        carts.save_line(stale, stale.set_quantity(product("p2", currency="USD"), 1, NOW), "p2", NOW)
    assert list(carts.get("alice").lines) == ["p1"]
    carts.remove_line(carts.get("alice"), "p1", NOW)
    put(carts, "p2", 1, currency="USD")  # the last line gone, the currency is free again
    assert carts.get("alice").currency == "USD"


def test_a_stale_write_beyond_the_last_line_is_refused(carts: Carts) -> None:
    for index in range(MAX_LINES - 1):
        put(carts, f"p{index}", 1)
    stale = carts.get("alice")
    put(carts, "last", 1)
    with pytest.raises(CartFull):
        carts.save_line(stale, stale.set_quantity(product("too-many"), 1, NOW), "too-many", NOW)
    put(carts, "p0", 9)  # an existing line still changes in a full cart
    cart = carts.get("alice")
    assert (len(cart.lines), cart.lines["p0"].quantity) == (MAX_LINES, 9)


def test_a_line_removed_meanwhile_or_expired_is_not_in_the_cart(carts: Carts) -> None:
    put(carts, "p1", 1)
    put(carts, "p2", 1)
    stale = carts.get("alice")
    carts.remove_line(stale, "p1", NOW)
    with pytest.raises(LineNotInCart):
        carts.remove_line(stale, "p1", NOW)
    assert list(carts.get("alice").lines) == ["p2"]
    with pytest.raises(LineNotInCart):
        carts.remove_line(carts.get("alice"), "p2", NOW + IDLE_LIFETIME)


def test_an_expired_cart_restarts_once_from_what_was_read(carts: Carts) -> None:
    put(carts, "p1", 1, currency="EUR")
    stale = carts.get("alice")
    assert stale.live_lines(LATER) == {}
    put(carts, "p2", 4, currency="USD", at=LATER)
    with pytest.raises(CartChanged):
        carts.save_line(stale, stale.set_quantity(product("p3"), 1, LATER), "p3", LATER)
    cart = carts.get("alice")
    assert (list(cart.lines), cart.currency, cart.expires_at) == (["p2"], "USD", LATER + IDLE_LIFETIME)


def test_settled_lines_go_only_if_unchanged_since_read(carts: Carts) -> None:
    put(carts, "p1", 1)
    put(carts, "p2", 2)
    read = carts.get("alice")
    put(carts, "p2", 3, at=NOW + timedelta(seconds=1))
    with pytest.raises(CartChanged):
        carts.remove_lines(read, [read.lines["p1"], read.lines["p2"]], NOW)
    assert set(carts.get("alice").lines) == {"p1", "p2"}
    fresh = carts.get("alice")
    carts.remove_lines(fresh, [fresh.lines["p1"]], NOW)
    assert list(carts.get("alice").lines) == ["p2"]


def test_clearing_forgets_one_cart_and_is_idempotent(carts: Carts) -> None:
    put(carts, "p1", 1)
    bob = carts.get("bob")
    carts.save_line(bob, bob.set_quantity(product("p1"), 1, NOW), "p1", NOW)
    carts.clear("alice")
    carts.clear("alice")
    assert carts.get("alice") == Cart.empty("alice")
    assert list(carts.get("bob").lines) == ["p1"]
