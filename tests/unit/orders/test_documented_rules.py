"""The orders' documented values and the fields each move must leave right: `updated_at` (the
HTTP layer serialises it), the payment id (`PaymentOut` returns it), the refusals' details."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from shop.kernel.address import Address
from shop.kernel.errors import DomainError
from shop.orders.domain.cart import Cart
from shop.orders.domain.errors import (
    CartChanged,
    CartNotOrderable,
    CartOrdered,
    CheckoutContended,
    EmptyCart,
    IdempotencyKeyReused,
    IllegalTransition,
    LinesTaken,
    OrderExists,
    OrderInFlight,
    PricesRose,
    StaleOrder,
)
from shop.orders.domain.idempotency import fingerprint
from shop.orders.domain.model import ERASED, Order, OrderLine, PaymentStatus
from shop.orders.domain.stats import StatsDelta, delta_of, summarize
from tests.unit.orders.fakes import cart_of, eur

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
T1 = T0 + timedelta(seconds=5)
T2 = T0 + timedelta(seconds=10)
T3 = T0 + timedelta(seconds=15)
ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")


def placed(cart: Cart | None = None, fingerprint: str | None = None) -> Order:
    return Order.place(
        order_id="o-1",
        customer_id="c-1",
        cart=cart or cart_of(("p-1", 1000, 2)),
        shipping_address=ADDRESS,
        payment_token="tok_visa",
        at=T0,
        request_fingerprint=fingerprint,
    ).after


def reserved() -> Order:
    return placed().request_payment(T0).after


def cancelled_while_paying() -> Order:
    return reserved().cancel_by_customer(T1).after


def test_a_late_capture_is_refunded_stamped_with_its_time_and_payment() -> None:
    change = cancelled_while_paying().on_payment_captured("pay-1", T2)
    assert change is not None
    after = change.after
    assert (after.payment.status, after.payment.payment_id, after.updated_at) == (
        PaymentStatus.REFUND_PENDING,
        "pay-1",
        T2,
    )
    refunded = after.on_payment_refunded(T3)
    assert refunded is not None
    assert refunded.before == after
    assert (refunded.after.payment.status, refunded.after.payment.payment_id, refunded.after.updated_at) == (
        PaymentStatus.REFUNDED,
        "pay-1",
        T3,
    )


def test_a_late_decline_is_recorded_with_its_time_and_payment() -> None:
    change = cancelled_while_paying().on_payment_declined("pay-1", T2)
    assert change is not None
    assert change.before == cancelled_while_paying()
    after = change.after
    assert (after.payment.status, after.payment.payment_id, after.updated_at) == (
        PaymentStatus.DECLINED,
        "pay-1",
        T2,
    )


def test_a_decline_keeps_the_payment_id() -> None:
    change = reserved().on_payment_declined("pay-1", T1)
    assert change is not None
    assert (change.after.payment.status, change.after.payment.payment_id) == (PaymentStatus.DECLINED, "pay-1")


def test_cancelling_a_confirmed_order_refunds_its_payment() -> None:
    confirmed = reserved().confirm("pay-1", T1).after
    after = confirmed.cancel_by_customer(T2).after
    assert (after.payment.status, after.payment.payment_id) == (PaymentStatus.REFUND_PENDING, "pay-1")


def test_a_pending_order_is_never_cancelled_for_a_declined_payment() -> None:
    with pytest.raises(IllegalTransition) as refused:
        placed().decline_payment("pay-1", T1)
    assert refused.value.detail == "Order o-1 cannot go from PENDING to CANCELLED for PAYMENT_DECLINED."


def test_illegal_moves_say_what_the_order_is() -> None:
    with pytest.raises(IllegalTransition) as shipped_early:
        placed().ship(T1)
    with pytest.raises(IllegalTransition) as refund_early:
        placed().refund_late_capture("pay-1", T1)
    with pytest.raises(IllegalTransition) as refunded_twice:
        reserved().confirm("pay-1", T1).after.mark_refunded(T2)
    assert shipped_early.value.detail == "Order o-1 is PENDING; it cannot become SHIPPED."
    assert refund_early.value.detail == "Order o-1 is PENDING, not a cancelled order."
    assert refunded_twice.value.detail == "Order o-1's payment is CAPTURED; it cannot become REFUNDED."


def test_erasure_takes_the_address_of_an_order_placed_without_a_fingerprint() -> None:
    change = placed().erase_personal_data(T1)
    assert change is not None
    assert (change.after.shipping_address.line1, change.after.updated_at) == (ERASED, T1)


def test_erasure_takes_the_fingerprint_of_an_order_whose_address_is_gone() -> None:
    erased = placed(fingerprint="abc").erase_personal_data(T1)
    assert erased is not None
    again = erased.after.model_copy(update={"request_fingerprint": "abc"}).erase_personal_data(T2)
    assert again is not None
    assert again.after.request_fingerprint is None


def test_an_order_line_has_at_least_one_unit() -> None:
    with pytest.raises(ValidationError):
        OrderLine(product_id="p-1", name="Lamp", unit_price=eur(100), quantity=0, line_total=eur(0))
    assert (
        OrderLine(
            product_id="p-1", name="Lamp", unit_price=eur(100), quantity=1, line_total=eur(100)
        ).quantity
        == 1
    )


def test_a_fingerprint_is_the_sha256_of_the_body_with_sorted_keys_no_spaces_in_utf8() -> None:
    # stored with in-flight orders: a retry across a release must still match it
    body = {"shipping_address": {"city": "Zürich", "line1": "1"}, "payment_token": "tok"}
    assert (
        fingerprint(body)
        == hashlib.sha256(
            '{"payment_token":"tok","shipping_address":{"city":"Zürich","line1":"1"}}'.encode()
        ).hexdigest()
    )
    assert fingerprint(dict(reversed(body.items()))) == fingerprint(body)


def test_the_figures_rank_the_ten_best_sellers_by_units_then_id_and_leave_out_what_nets_zero() -> None:
    sold = StatsDelta(units={f"p-{i:02}": i for i in range(12)} | {"p-x": 5}, names={"p-05": "Lamp"})
    refunded = StatsDelta(units={"p-11": -11})
    stats = summarize([sold, refunded])
    assert [(p.product_id, p.quantity) for p in stats.top_products] == [
        ("p-10", 10),
        ("p-09", 9),
        ("p-08", 8),
        ("p-07", 7),
        ("p-06", 6),
        ("p-05", 5),
        ("p-x", 5),
        ("p-04", 4),
        ("p-03", 3),
        ("p-02", 2),
    ]
    names = {p.product_id: p.name for p in stats.top_products}
    assert (names["p-05"], names["p-06"]) == ("Lamp", "")


def test_the_figures_name_each_product_from_its_order_and_keep_one_unit_or_one_cent() -> None:
    confirmed = reserved().confirm("pay-1", T1)
    stats = summarize(
        [delta_of(confirmed.before, confirmed.after), StatsDelta(revenue={"USD": 1}, units={"p-2": 1})]
    )
    assert [(p.product_id, p.name, p.quantity) for p in stats.top_products] == [
        ("p-1", "Product p-1", 2),
        ("p-2", "", 1),
    ]
    assert [(r.currency, r.amount) for r in stats.revenue_by_currency] == [("EUR", 2000), ("USD", 1)]


@pytest.mark.parametrize(
    ("raise_", "detail", "field"),
    [
        (EmptyCart, "The cart is empty: add products before checking out.", None),
        (
            lambda: CartNotOrderable(["p-1", "p-2"]),
            "No longer orderable: p-1, p-2; remove it from the cart.",
            "cart",
        ),
        (
            lambda: CartChanged('"e1"'),
            "The cart changed since you read it (If-Match): read it again, then check out.",
            "If-Match",
        ),
        (
            lambda: PricesRose(["p-1", "p-2"], '"e1"'),
            "The price of p-1, p-2 rose since it was put in the cart: read the cart, "
            "then check out with If-Match set to its ETag to accept the new prices.",
            "cart",
        ),
        (
            lambda: OrderInFlight("o-1"),
            "Order o-1 from this cart is not final yet: follow it (Location) until it is "
            "CONFIRMED or CANCELLED, or cancel it, before checking out again.",
            None,
        ),
        (
            CheckoutContended,
            "Another checkout of this cart is under way: read your orders, then decide.",
            None,
        ),
        (lambda: CartOrdered("o-1"), "Everything in this cart was ordered by order o-1 (Location).", None),
        (
            IdempotencyKeyReused,
            "This Idempotency-Key was already used with a different request.",
            "Idempotency-Key",
        ),
        (lambda: StaleOrder("o-1", None), "Order o-1 changed while this request ran; retry.", None),
    ],
    ids=lambda value: value().__class__.__name__ if callable(value) else "",
)
def test_each_refusal_says_what_is_wrong_and_names_its_field(
    raise_: Callable[[], DomainError], detail: str, field: str | None
) -> None:
    error = raise_()  # built here, not at collection: mutmut switches mutants only while tests run
    assert (error.detail, error.field) == (detail, field)


def test_a_refused_cart_names_its_lines() -> None:
    assert CartNotOrderable(["p-1"]).product_ids == ("p-1",)


def test_if_match_may_list_tags_with_or_without_spaces() -> None:
    cart = cart_of(("p-1", 1000, 2)).model_copy(update={"etag": '"e1"'})
    assert cart.agreed('"e0","e1"') == cart
    assert cart.agreed('"e0", "e1"') == cart
    with pytest.raises(CartChanged):
        cart.agreed('W/"e1"')


def test_an_order_sold_and_refunded_is_no_best_seller() -> None:
    stats = summarize([StatsDelta(units={"p-1": 2}), StatsDelta(units={"p-1": -2})])
    assert stats.top_products == ()


def test_the_stores_internal_refusals_carry_what_they_found() -> None:
    assert str(LinesTaken(frozenset({"r2", "r1"}), "o-1")) == "r1, r2"
    order = placed()
    assert str(OrderExists(order)) == "o-1"
