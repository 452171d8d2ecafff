"""CustomerRecords over the cart's, orders' and payments' public APIs, with the caller's own
token: each owner answers for its own data, as it would answer the customer."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from shop.kernel.errors import InvalidInput, NotAuthenticated, Unavailable
from shop.platform.api_client import ApiResponse, get_json
from shop.users.domain.records import CartRecord, OrdersPage, PaymentRecord

T = TypeVar("T")
_PAYMENTS = TypeAdapter(list[dict[str, Any]])
_CART = TypeAdapter(dict[str, Any])
_ORDERS = TypeAdapter(OrdersPage)


class HttpCustomerRecords:
    """Implements ports.CustomerRecords."""

    def cart(self, authorization: str) -> CartRecord:
        return _read(_CART, _body(get_json("/cart", authorization=authorization), "cart"), "cart")

    def orders(self, authorization: str, *, cursor: str | None, limit: int) -> OrdersPage:
        params = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        response = get_json("/orders", params=params, authorization=authorization)
        if response.status == 400:
            raise InvalidInput("The cursor is not valid for this export.", field="cursor")
        return _read(_ORDERS, _body(response, "orders"), "orders")

    def payments(self, authorization: str, order_id: str) -> list[PaymentRecord]:
        response = get_json("/payments", params={"order_id": order_id}, authorization=authorization)
        body = _body(response, "payments")
        return _read(_PAYMENTS, body.get("items") if isinstance(body, dict) else None, "payments")


def _body(response: ApiResponse, service: str) -> Any:
    if response.status == 401:
        raise NotAuthenticated("A valid bearer token is required.")
    if response.status != 200:
        raise Unavailable(f"The {service} service answered {response.status}.")
    return response.body


def _read(shape: TypeAdapter[T], body: Any, service: str) -> T:
    try:
        return shape.validate_python(body)
    except ValidationError as error:
        raise Unavailable(f"The {service} service answered what the export cannot read.") from error
