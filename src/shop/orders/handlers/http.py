"""HTTP API of the orders service: checkout, the customer's orders, cancel, ship, stats."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from shop.kernel.address import Address
from shop.kernel.clock import rfc3339
from shop.kernel.money import Money
from shop.orders import service
from shop.orders.container import Container
from shop.orders.domain.model import CancellationReason, Order, OrderLine, OrderStatus, PaymentStatus
from shop.orders.domain.stats import Revenue, TopProduct
from shop.platform.http import (
    Cursor,
    Limit,
    authorization,
    build_http_app,
    caller,
    documented,
    json_response,
    lambda_handler,
    require_admin,
)
from shop.platform.pagination import Page, decode_cursor, encode_cursor
from shop.platform.routing import Body, Header, Response

app = build_http_app("orders")
container = Container()

_PROBLEMS = {
    404: "No such order of yours",
    409: "Another order from this cart is not final yet, or everything in the cart was ordered already "
    "(its order_id; Location names it), or the Idempotency-Key was used with another body",
    412: "If-Match names a cart version that is no longer current, or (without If-Match) a price rose "
    "since its line was set (product_ids); ETag is the cart's version now",
    422: "The cart is empty or holds a product no longer sold",
    503: "The cart service did not answer",
}


class PlaceOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    shipping_address: Address
    payment_token: Annotated[
        str,
        Field(
            pattern=r"^tok_[A-Za-z0-9_]{1,64}$", description="A payment provider token, never a card number"
        ),
    ]


# Inline, not a component: payments has a PaymentStatus of its own (the payment, not the order's view of it).
OrderPaymentStatus = Annotated[
    PaymentStatus, WithJsonSchema({"type": "string", "enum": [status.value for status in PaymentStatus]})
]


class PaymentOut(BaseModel):
    status: OrderPaymentStatus
    payment_id: str | None = None


class HistoryOut(BaseModel):
    status: OrderStatus
    at: str


class OrderOut(BaseModel):
    order_id: str
    status: OrderStatus
    lines: list[OrderLine]
    total: Money
    shipping_address: Address
    payment: PaymentOut
    cancellation_reason: CancellationReason | None = None
    created_at: str
    updated_at: str
    history: list[HistoryOut]

    @classmethod
    def of(cls, order: Order) -> "OrderOut":
        return cls(
            order_id=order.order_id,
            status=order.status.value,
            lines=list(order.lines),
            total=order.total,
            shipping_address=order.shipping_address,
            payment=PaymentOut(status=order.payment.status.value, payment_id=order.payment.payment_id),
            cancellation_reason=order.cancellation_reason.value if order.cancellation_reason else None,
            created_at=rfc3339(order.created_at),
            updated_at=rfc3339(order.updated_at),
            history=[HistoryOut(status=entry.status.value, at=rfc3339(entry.at)) for entry in order.history],
        )


class StatsOut(BaseModel):
    model_config = ConfigDict(defer_build=True)  # as the figures it shows: GET /admin/stats only

    orders: dict[str, int]
    revenue: Revenue = Field(description="Revenue in the shop's base currency (EUR)")
    revenue_by_currency: list[Revenue] = Field(description="Revenue in every currency that has any")
    top_products: list[TopProduct]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Retrying with the same key returns the same order (kept at least 24 h)",
    ),
]


IfMatch = Annotated[
    str | None,
    Header(
        alias="if-match",
        min_length=1,
        max_length=1024,
        description="The cart's ETag from GET /cart: the order is of that cart, at its prices, or a 412",
    ),
]


@app.post(
    "/orders",
    operation_id="createOrder",
    summary="Check out the cart: 202 PENDING, then poll the order until CONFIRMED or CANCELLED",
    responses=documented(202, "Accepted, PENDING; Location names it", _PROBLEMS, 409, 412, 422, 503),
)
def place_order(
    request: Annotated[PlaceOrderRequest, Body()],
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Response[OrderOut]:
    who = caller(app)
    placed = service.place_order(
        who.user_id,
        service.Checkout(shipping_address=request.shipping_address, payment_token=request.payment_token),
        authorization=authorization(app),
        idempotency_key=idempotency_key,
        if_match=if_match,
        carts=container.carts(),
        orders=container.orders(),
        clock=container.clock(),
    )
    container.business_metrics().record(placed.events)
    location = f"/orders/{placed.order.order_id}"
    return json_response(202, OrderOut.of(placed.order), {"Location": location})


@app.get(
    "/orders",
    operation_id="listOrders",
    summary="A page of the caller's orders, newest first",
    responses=documented(200, "A page of orders", _PROBLEMS),
)
def list_orders(limit: Limit = 20, cursor: Cursor = None) -> "Page[OrderOut]":  # built on first call
    who = caller(app)
    scope = f"orders:{who.user_id}"
    orders, next_position = service.list_orders(
        who.user_id, limit=limit, after=decode_cursor(cursor, scope), orders=container.orders()
    )
    next_cursor = encode_cursor(next_position, scope) if next_position else None
    return Page[OrderOut](items=[OrderOut.of(order) for order in orders], next_cursor=next_cursor)


@app.get(
    "/orders/<order_id>",
    operation_id="getOrder",
    summary="One of the caller's orders",
    responses=documented(200, "The order", _PROBLEMS, 404),
)
def get_order(order_id: str) -> OrderOut:
    who = caller(app)
    return OrderOut.of(service.get_order(who.user_id, order_id, orders=container.orders()))


@app.post(
    "/orders/<order_id>/cancel",
    operation_id="cancelOrder",
    summary="Cancel an order not yet shipped (a captured payment is refunded)",
    responses=documented(
        200, "The cancelled order", {**_PROBLEMS, 409: "Not cancellable (e.g. SHIPPED)"}, 404, 409
    ),
)
def cancel_order(order_id: str) -> OrderOut:
    who = caller(app)
    change = service.cancel_order(who.user_id, order_id, orders=container.orders(), clock=container.clock())
    container.business_metrics().record(change.events)
    return OrderOut.of(change.after)


@app.post(
    "/orders/<order_id>/ship",
    operation_id="shipOrder",
    summary="Mark a CONFIRMED order SHIPPED (admin)",
    responses=documented(
        200, "The shipped order", {**_PROBLEMS, 404: "No such order", 409: "Not CONFIRMED"}, 404, 409
    ),
)
def ship_order(order_id: str) -> OrderOut:
    require_admin(app)
    change = service.ship_order(order_id, orders=container.orders(), clock=container.clock())
    return OrderOut.of(change.after)


@app.get(
    "/admin/stats",
    operation_id="getAdminStats",
    summary="Order counts by status, revenue, top products (admin)",
    responses=documented(200, "The figures", _PROBLEMS),
)
def admin_stats() -> StatsOut:
    require_admin(app)
    stats = service.admin_stats(orders=container.orders())
    return StatsOut(
        orders={status.value: count for status, count in stats.orders.items()},
        revenue=stats.revenue,
        revenue_by_currency=list(stats.revenue_by_currency),
        top_products=list(stats.top_products),
    )


handler = lambda_handler(app, "orders")
