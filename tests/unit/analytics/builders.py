"""Order and cart events as analytics reads them, with the times that matter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shop.analytics.domain.events import CartStarted, OrderCancelled, OrderConfirmed, OrderPlaced

T0 = datetime(2026, 3, 1, 10, 15, tzinfo=UTC)


def cart(cart_id: str = "k1", at: datetime = T0, customer_id: str = "c1") -> CartStarted:
    return CartStarted(cart_id=cart_id, customer_id=customer_id, started_at=at)


def placed(order_id: str = "o1", at: datetime = T0, customer_id: str = "c1") -> OrderPlaced:
    return OrderPlaced(order_id=order_id, customer_id=customer_id, placed_at=at)


def confirmed(
    order_id: str = "o1", amount: int = 2500, currency: str = "EUR", quantity: int = 2
) -> OrderConfirmed:
    line = {"product_id": "p1", "name": "Mug", "quantity": quantity}
    return OrderConfirmed.model_validate(
        {"order_id": order_id, "lines": [line], "total": {"amount": amount, "currency": currency}}
    )


def cancelled(
    order_id: str = "o1", reason: str = "CUSTOMER_CANCELLED", amount: int = 2500, quantity: int = 2
) -> OrderCancelled:
    line = {
        "product_id": "p1",
        "name": "Mug",
        "quantity": quantity,
        "unit_price": {"amount": amount // quantity, "currency": "EUR"},
        "line_total": {"amount": amount, "currency": "EUR"},
    }
    return OrderCancelled.model_validate({"order_id": order_id, "reason": reason, "lines": [line]})


def later(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)
