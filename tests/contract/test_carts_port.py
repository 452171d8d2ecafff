"""One contract for the cart's Carts port, run on the in-memory fake and on the DynamoDB
adapter: concurrent writes of different lines all survive, a stale decision fails instead of
overwriting (currency, a full cart, a restarted expired cart, settled lines, emptying),
emptying keeps what the cart heard of its orders, clearing forgets all and is idempotent,
and each cart lifetime publishes CartStarted once, with the write that starts it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop.cart.adapters.dynamo_carts import DynamoCarts
from shop.cart.domain.cart import IDLE_LIFETIME, MAX_LINES, Cart, OrderMark
from shop.cart.domain.errors import CartChanged, CartFull, CurrencyConflict, LineNotInCart
from shop.cart.ports import Carts
from shop.platform.aws import client
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, Store, dynamo_store, fake_store, on_moto
from tests.unit.cart.fakes import FakeCarts, product

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + IDLE_LIFETIME + timedelta(days=2)
FINAL = OrderMark(placed_at=NOW, final=True)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Store[Carts]:
    if on_moto(request):
        table = create_table("cart", stream=True)
        return dynamo_store(DynamoCarts(client("dynamodb"), table), table)
    fake = FakeCarts()
    return fake_store(fake, fake.outbox)


@pytest.fixture
def carts(store: Store[Carts]) -> Carts:
    return store.port


def put(carts: Carts, product_id: str, quantity: int, *, currency: str = "EUR", at: datetime = NOW) -> Cart:
    before = carts.get("alice")
    change = before.put(product(product_id, currency=currency), quantity, at)
    carts.save_line(change, product_id, at)
    return change.after


def test_no_cart_reads_as_empty_and_a_line_reads_back_with_its_expiry(carts: Carts) -> None:
    assert carts.get("alice") == Cart.empty("alice")
    written = put(carts, "p1", 3)
    assert carts.get("alice") == written
    assert written.expires_at == NOW + IDLE_LIFETIME


def test_concurrent_writes_of_different_lines_both_survive(carts: Carts) -> None:
    for _ in range(2):  # into a new cart, then into an existing one
        first, second = carts.get("alice"), carts.get("alice")
        taken = len(first.lines)
        carts.save_line(first.put(product(f"a{taken}"), 1, NOW), f"a{taken}", NOW)
        carts.save_line(second.put(product(f"b{taken}"), 2, NOW), f"b{taken}", NOW)
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
        carts.save_line(stale.put(product("p2", currency="USD"), 1, NOW), "p2", NOW)
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
        carts.save_line(stale.put(product("too-many"), 1, NOW), "too-many", NOW)
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
        carts.save_line(stale.put(product("p3"), 1, LATER), "p3", LATER)
    cart = carts.get("alice")
    assert (list(cart.lines), cart.currency, cart.expires_at) == (["p2"], "USD", LATER + IDLE_LIFETIME)


def test_settled_lines_go_only_if_unchanged_since_read(carts: Carts) -> None:
    put(carts, "p1", 1)
    put(carts, "p2", 2)
    read = carts.get("alice")
    put(carts, "p2", 3, at=NOW + timedelta(seconds=1))
    with pytest.raises(CartChanged):
        carts.note_order(read, "o1", FINAL, [read.lines["p1"], read.lines["p2"]], NOW)
    assert set(carts.get("alice").lines) == {"p1", "p2"}
    assert carts.get("alice").orders == {}
    fresh = carts.get("alice")
    carts.note_order(fresh, "o1", FINAL, [fresh.lines["p1"]], NOW)
    assert list(carts.get("alice").lines) == ["p2"]
    assert carts.get("alice").orders == {"o1": FINAL}


def test_an_order_mark_that_is_final_stays_and_older_ones_are_forgotten(carts: Carts) -> None:
    put(carts, "p1", 1)
    placed = OrderMark(placed_at=NOW)
    carts.note_order(carts.get("alice"), "o1", placed, [], NOW)
    assert carts.get("alice").pending_order() == "o1"
    carts.note_order(carts.get("alice"), "o1", FINAL, [], NOW)
    carts.note_order(carts.get("alice"), "o1", placed, [], NOW)  # a late OrderPlaced
    assert carts.get("alice").orders == {"o1": FINAL}
    following = OrderMark(placed_at=NOW + timedelta(minutes=1))
    carts.note_order(carts.get("alice"), "o2", following, [], NOW)
    cart = carts.get("alice")
    assert (cart.orders, cart.pending_order(), list(cart.lines)) == ({"o2": following}, "o2", ["p1"])
    put(carts, "p3", 1)  # writing lines keeps what the cart knows of its orders
    assert carts.get("alice").pending_order() == "o2"


def test_an_order_heard_of_without_a_cart_leaves_an_empty_one(carts: Carts) -> None:
    carts.note_order(carts.get("bob"), "o1", FINAL, [], NOW)
    cart = carts.get("bob")
    assert (cart.live_lines(NOW), cart.orders) == ({}, {"o1": FINAL})
    carts.save_line(cart.put(product("p1"), 1, NOW), "p1", NOW)  # its first line starts it
    assert list(carts.get("bob").lines) == ["p1"]


def test_clearing_forgets_one_cart_and_is_idempotent(carts: Carts) -> None:
    put(carts, "p1", 1)
    bob = carts.get("bob")
    carts.save_line(bob.put(product("p1"), 1, NOW), "p1", NOW)
    carts.clear("alice")
    carts.clear("alice")
    assert carts.get("alice") == Cart.empty("alice")
    assert list(carts.get("bob").lines) == ["p1"]


def test_emptying_removes_the_lines_and_keeps_what_the_cart_heard_of_its_orders(store: Store[Carts]) -> None:
    carts = store.port
    first = put(carts, "p1", 1)
    put(carts, "p2", 2)
    carts.note_order(carts.get("alice"), "o1", OrderMark(placed_at=NOW), [], NOW)
    carts.remove_lines(carts.get("alice"), NOW)
    cart = carts.get("alice")
    assert (cart.lines, cart.pending_order()) == ({}, "o1")
    put(carts, "p3", 1, currency="USD")  # filled again: a new lifetime, in any currency
    cart = carts.get("alice")
    assert (list(cart.lines), cart.currency, cart.pending_order()) == (["p3"], "USD", "o1")
    assert cart.cart_id != first.cart_id
    assert store.published() == ["CartStarted"] * 2


def test_emptying_a_cart_whose_lines_changed_since_read_is_refused(carts: Carts) -> None:
    put(carts, "p1", 1)
    read = carts.get("alice")
    put(carts, "p2", 1)  # a line added since
    with pytest.raises(CartChanged):
        carts.remove_lines(read, NOW)
    read = carts.get("alice")
    put(carts, "p1", 3)  # a line changed since
    with pytest.raises(CartChanged):
        carts.remove_lines(read, NOW)
    assert {pid: line.quantity for pid, line in carts.get("alice").lines.items()} == {"p1": 3, "p2": 1}


def test_a_cart_starts_once_per_lifetime(store: Store[Carts]) -> None:
    carts = store.port
    first = put(carts, "p1", 1)
    put(carts, "p2", 1)
    put(carts, "p1", 5)
    assert store.published() == ["CartStarted"]
    assert carts.get("alice").cart_id == first.cart_id is not None
    for product_id in ("p1", "p2"):
        carts.remove_line(carts.get("alice"), product_id, NOW)
    again = put(carts, "p3", 1)  # emptied, then filled: a new lifetime
    put(carts, "p4", 1, at=LATER)  # expired, then filled: another
    carts.clear("alice")
    put(carts, "p5", 1)  # forgotten, then filled: another
    assert store.published() == ["CartStarted"] * 4
    assert len({first.cart_id, again.cart_id, carts.get("alice").cart_id}) == 3


def test_concurrent_first_lines_start_one_cart(store: Store[Carts]) -> None:
    first, second = store.port.get("alice"), store.port.get("alice")
    started = first.put(product("a"), 1, NOW)
    store.port.save_line(started, "a", NOW)
    store.port.save_line(second.put(product("b"), 2, NOW), "b", NOW)
    cart = store.port.get("alice")
    assert (sorted(cart.lines), cart.cart_id) == (["a", "b"], started.after.cart_id)
    assert store.published() == ["CartStarted"]


def test_a_line_for_a_cart_emptied_meanwhile_is_refused(store: Store[Carts]) -> None:
    put(store.port, "p1", 1)
    stale = store.port.get("alice")
    store.port.remove_line(stale, "p1", NOW)
    with pytest.raises(CartChanged):
        store.port.save_line(stale.put(product("p2"), 1, NOW), "p2", NOW)
    assert store.port.get("alice").lines == {}
    assert store.published() == ["CartStarted"]
