"""CartReader over the cart service's public API, with the caller's own token."""

from __future__ import annotations

from pydantic import ValidationError

from shop.kernel.errors import NotAuthenticated, Unavailable
from shop.orders.domain.cart import Cart
from shop.platform.api_client import get_json


class HttpCartReader:
    def read(self, authorization: str) -> Cart:
        # as the cart heard of its orders: checkout holds its own record of the order in flight,
        # and the cart asking orders back would make a call cycle
        response = get_json("/cart", params={"pending_order": "heard"}, authorization=authorization)
        if response.status == 401:
            raise NotAuthenticated("A valid bearer token is required.")
        if response.status != 200:
            raise Unavailable(f"The cart service answered {response.status}.")
        try:
            return Cart.model_validate(response.body).model_copy(
                update={"etag": response.headers.get("etag")}
            )
        except ValidationError as error:
            raise Unavailable("The cart service answered a cart checkout cannot read.") from error
