"""Orders, read through their public HTTP API (never their table) with the customer's own
token: `GET /orders/{order_id}` for the one order the cart shows pending. Whatever goes wrong
there, GET /cart still answers, showing the order as the cart heard of it."""

from __future__ import annotations

from urllib.parse import quote

from pydantic import ValidationError

from shop.cart.domain.orders import PlacedOrder
from shop.kernel.errors import Unavailable
from shop.platform.api_client import get_json
from shop.platform.observability import logger

_log = logger("cart")


class HttpPlacedOrders:
    def find(self, order_id: str, authorization: str) -> PlacedOrder | None:
        try:
            response = get_json(f"/orders/{quote(order_id, safe='')}", authorization=authorization)
        except Unavailable as error:
            _log.warning("orders did not answer; the cart shows what it heard", extra={"error": str(error)})
            return None
        if response.status != 200:
            return None
        try:
            return PlacedOrder.model_validate(response.body)
        except ValidationError:
            _log.warning("orders answered an order the cart cannot read; it shows what it heard")
            return None
