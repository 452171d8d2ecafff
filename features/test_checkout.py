"""Steps of checkout.feature (the generic ones are in steps.py).

Every scenario uses fresh customers and products (unique e-mails and SKUs), so the
scenarios share one deployment without seeing each other's data.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from .steps import ADMIN, ANONYMOUS, Shop, cents

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


# -- then -------------------------------------------------------------------------------


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
