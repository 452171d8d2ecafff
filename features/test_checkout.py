"""Steps of checkout.feature (the generic ones are in steps.py).

Every scenario uses fresh customers and products (unique e-mails and SKUs), so the
scenarios share one deployment without seeing each other's data.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from .steps import ADMIN, ANONYMOUS, SETTLE_SECONDS, SHIPPING_ADDRESS, Shop, cents, eventually, warm_checkout

pytestmark = pytest.mark.acceptance

scenarios("checkout.feature")

FINAL_STATES = ("CONFIRMED", "CANCELLED")


def owner(shop: Shop) -> str:
    """The customer who placed the order of this scenario."""
    assert "order_id" in shop.remembered, "no order placed yet"
    return str(shop.remembered["order_owner"])


def settled_order(shop: Shop) -> dict[str, Any]:
    def settled(order: dict[str, Any]) -> None:
        assert order["status"] in FINAL_STATES, f"the order is still {order['status']}"

    return dict(shop.wait_for("GET", "/orders/{order_id}", settled, actor=owner(shop)))


# -- given ------------------------------------------------------------------------------


@given(parsers.parse('the admin sets the stock of "{product}" to {stock:d}'))
def admin_sets_stock(shop: Shop, product: str, stock: int) -> None:
    path = f"/products/{shop.product(product)['product_id']}"
    answer = shop.call("PATCH", path, actor=ADMIN, json={"stock": stock})
    assert answer.status_code == 200, answer.text


@given(parsers.parse('"{name}" checked out paying with "{token}" and the order is CONFIRMED'))
def checked_out_and_confirmed(shop: Shop, name: str, token: str) -> None:
    checks_out(shop, name, token)
    assert shop.answer.status_code == 202, shop.answer.text
    order_becomes(shop, "CONFIRMED")


@given(parsers.parse('the admin sets the price of "{product}" to {price} {currency}'))
def admin_sets_price(shop: Shop, product: str, price: str, currency: str) -> None:
    path = f"/products/{shop.product(product)['product_id']}"
    answer = shop.call(
        "PATCH", path, actor=ADMIN, json={"price": {"amount": cents(price), "currency": currency}}
    )
    assert answer.status_code == 200, answer.text


@given(parsers.parse('"{name}" reads the cart'))
def reads_the_cart(shop: Shop, name: str) -> None:
    answer = shop.call("GET", "/cart", actor=name)
    assert answer.status_code == 200, answer.text
    shop.remembered["etag"] = answer.headers["ETag"]


# -- when -------------------------------------------------------------------------------


@when(
    parsers.re(
        r'"(?P<name>[^"]+)" checks out paying with "(?P<token>[^"]+)"'
        r'( with Idempotency-Key "(?P<key>[^"]+)")?$'
    )
)
def checks_out(shop: Shop, name: str, token: str, key: str | None = None) -> None:
    shop.check_out(name, token, idempotency_key=key)
    shop.remembered["order_owner"] = name


@when(parsers.parse('"{name}" checks out from {tabs:d} tabs at once, each with its own Idempotency-Key'))
def checks_out_from_tabs(shop: Shop, name: str, tabs: int) -> None:
    warm_checkout(shop, shop.token_of(name) or "", tabs)
    start = threading.Barrier(tabs)

    def tab(index: int) -> None:
        start.wait()
        shop.check_out(name, idempotency_key=f"tab-{index}-{uuid.uuid4().hex}")

    with ThreadPoolExecutor(max_workers=tabs) as pool:
        list(pool.map(tab, range(tabs)))
    shop.remembered["order_owner"] = name


@when(
    parsers.re(
        r'"(?P<name>[^"]+)" checks out the cart (?:as read|of that ETag) paying with "(?P<token>[^"]+)"$'
    )
)
def checks_out_if_match(shop: Shop, name: str, token: str) -> None:
    body = {"shipping_address": SHIPPING_ADDRESS, "payment_token": token}
    answer = shop.call(
        "POST", "/orders", actor=name, json=body, headers={"If-Match": shop.remembered["etag"]}
    )
    if answer.status_code == 202:
        shop.remembered["order_id"] = answer.json()["order_id"]
    shop.remembered["order_owner"] = name


# -- then -------------------------------------------------------------------------------


@when(
    parsers.parse(
        '"{name}" checks out {rounds:d} times, reading the cart as soon as each order shows CONFIRMED'
    )
)
def checks_out_and_reads_the_cart_at_once(shop: Shop, name: str, rounds: int) -> None:
    """The cart's consumer removes an order's lines a moment after orders confirms it: a
    client polling the order closely reads the cart within that moment."""
    carts = []
    for round_ in range(rounds):
        if round_:
            assert shop.put_in_cart(name, shop.product("Mug")["product_id"], 1).status_code == 200
        assert shop.check_out(name, "tok_visa").status_code == 202, shop.answer.text
        shop.remembered["order_owner"] = name

        def confirmed() -> None:
            status = shop.call("GET", "/orders/{order_id}", actor=name).json()["status"]
            assert status == "CONFIRMED", f"the order is still {status}"

        eventually(confirmed, seconds=SETTLE_SECONDS, interval=0.01)
        carts.append(shop.call("GET", "/cart", actor=name).json())
    shop.remembered["carts_read"] = carts


@then("the answer is 202 with a PENDING order and its Location")
def accepted_pending(shop: Shop) -> None:
    assert shop.answer.status_code == 202, shop.answer.text
    order = shop.answer.json()
    assert order["status"] == "PENDING"
    assert shop.answer.headers["Location"].endswith(f"/orders/{order['order_id']}")
    assert [h["status"] for h in order["history"]] == ["PENDING"]


@then("every checkout so far answered 202 with the same order")
def same_order(shop: Shop) -> None:
    checkouts = [r for r in shop.history if r.request.method == "POST" and r.url.endswith("/orders")]
    assert len(checkouts) >= 2, "fewer than two checkouts"
    assert [r.status_code for r in checkouts] == [202] * len(checkouts), [r.text for r in checkouts]
    assert {r.json()["order_id"] for r in checkouts} == {shop.remembered["order_id"]}


@then(parsers.re(r"the order becomes (?P<state>[A-Z]+)$"))
def order_becomes(shop: Shop, state: str) -> None:
    final = settled_order(shop)
    assert final["status"] == state, final
    if state == "CONFIRMED":
        assert final["payment"]["status"] == "CAPTURED"
        assert final["payment"]["payment_id"]
        assert [h["status"] for h in final["history"]] == ["PENDING", "RESERVED", "CONFIRMED"]


@then(parsers.parse("the order becomes CANCELLED because {reason}"))
def cancelled_because(shop: Shop, reason: str) -> None:
    final = settled_order(shop)
    assert (final["status"], final["cancellation_reason"]) == ("CANCELLED", reason), final


@then(parsers.parse("the order's total is {amount} {currency}"))
def total_is(shop: Shop, amount: str, currency: str) -> None:
    order = shop.call("GET", "/orders/{order_id}", actor=owner(shop))
    assert order.status_code == 200, order.text
    assert order.json()["total"] == {"amount": cents(amount), "currency": currency}


@then(parsers.parse('the stock of "{product}" becomes {stock:d}'))
def stock_becomes(shop: Shop, product: str, stock: int) -> None:
    path = f"/products/{shop.product(product)['product_id']}"
    shop.wait_for_field(path, "stock", stock, actor=ANONYMOUS)


@then(parsers.parse('the cart of "{name}" becomes empty'))
def cart_becomes_empty(shop: Shop, name: str) -> None:
    shop.wait_for_field("/cart", "items", [], actor=name)


@then("the payment of the order becomes REFUNDED")
def payment_refunded(shop: Shop) -> None:
    def refunded(payments: dict[str, Any]) -> None:
        assert [p["status"] for p in payments["items"]] == ["REFUNDED"], payments

    shop.wait_for("GET", "/payments?order_id={order_id}", refunded, actor=owner(shop))
    shop.wait_for_field("/orders/{order_id}", "payment.status", "REFUNDED", actor=owner(shop))


@then("one checkout answered 202 and the other 409 naming that order and its Location")
def one_accepted_the_other_told(shop: Shop) -> None:
    checkouts = [r for r in shop.history if r.request.method == "POST" and r.url.endswith("/orders")]
    assert sorted(r.status_code for r in checkouts) == [202, 409], [r.text for r in checkouts]
    order_id = shop.remembered["order_id"]
    (refused,) = [r for r in checkouts if r.status_code == 409]
    assert refused.json()["order_id"] == order_id
    assert refused.headers["Location"].endswith(f"/orders/{order_id}")


@then(parsers.parse('each time the cart showed no "{product}" and no order pending'))
def carts_read_show_nothing_taken(shop: Shop, product: str) -> None:
    product_id = shop.product(product)["product_id"]
    for cart in shop.remembered["carts_read"]:
        assert [item["product_id"] for item in cart["items"]] == [], cart
        assert product_id not in [line["product_id"] for line in cart["unavailable"]], cart
        assert cart["pending_order"] is None, cart


@then(parsers.parse('the cart of "{name}" shows no order pending'))
def no_order_pending(shop: Shop, name: str) -> None:
    shop.wait_for_field("/cart", "pending_order", None, actor=name)


@then(parsers.re(r'the answer is 412(?: naming "(?P<product>[^"]+)")? with the cart\'s current ETag$'))
def precondition_failed(shop: Shop, product: str | None) -> None:
    refused = shop.answer
    assert refused.status_code == 412, refused.text
    assert refused.json()["type"] == "/problems/precondition-failed"
    if product is not None:
        assert refused.json()["product_ids"] == [shop.product(product)["product_id"]]
    owner_cart = shop.call("GET", "/cart", actor=shop.remembered["order_owner"])
    assert refused.headers["ETag"] == owner_cart.headers["ETag"]
    shop.remembered["etag"] = refused.headers["ETag"]
