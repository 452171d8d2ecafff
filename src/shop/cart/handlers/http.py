"""GET /cart, PUT /cart/items/{product_id}, DELETE /cart/items/{product_id}, DELETE /cart."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shop.cart import service
from shop.cart.container import Container
from shop.cart.domain.cart import MAX_QUANTITY, MIN_QUANTITY
from shop.cart.domain.view import PricedCart, etag
from shop.kernel.integers import integral
from shop.platform.http import build_http_app, caller, documented, json_response, lambda_handler, no_content
from shop.platform.routing import Body, Path, Query, Response

app = build_http_app("cart")
container = Container()

ProductId = Annotated[str, Path(min_length=1, max_length=128, description="The catalog's product id")]


_PROBLEMS = {
    400: "Bad quantity or malformed body",
    401: "No valid bearer token",
    404: "Unknown or deleted product, or a line not in the cart",
    409: "The product is priced in another currency than the cart, or other requests kept changing "
    "the cart (three tries)",
    422: "The cart already holds 50 different products, the product's currency is no longer taken, "
    "or the cart's total would pass the largest amount",
    503: "The catalog did not answer",
}


# Checkout reads the cart `heard`: it holds its own record of the order in flight, and orders
# reading the cart must not make the cart read orders back (no call cycle, budget 3).
PendingOrderView = Annotated[
    Literal["checked", "heard"],
    Query(
        description="checked: an order the cart shows pending is looked up at orders (GET "
        "/orders/{order_id}), so an order that just ended shows ended, without the lines it took; heard: "
        "as the cart heard of it from the orders' events, without asking orders (what checkout reads)"
    ),
]


class SetQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Annotated[
        StrictInt, Field(ge=MIN_QUANTITY, le=MAX_QUANTITY, description="The line's new quantity"), integral
    ]


@app.get(
    "/cart",
    operation_id="getCart",
    summary="The caller's cart (empty if none)",
    responses=documented(200, "The cart", _PROBLEMS, 401, 503),
)
def get_cart(pending_order: PendingOrderView = "checked") -> Response[PricedCart]:
    who = caller(app)
    return _with_etag(
        service.view_cart(
            who.user_id,
            carts=container.carts(),
            catalog=container.catalog(),
            clock=container.clock(),
            orders=container.orders() if pending_order == "checked" else None,
            # the gateway verified it; absent only in hand-built events, where orders then cannot tell
            authorization=app.current_event.headers.get("authorization", ""),
        )
    )


@app.put(
    "/cart/items/<product_id>",
    operation_id="setCartItem",
    summary="Set the quantity of a product in the cart",
    responses=documented(200, "The cart", _PROBLEMS, 400, 401, 404, 409, 422, 503),
)
def put_item(product_id: ProductId, body: Annotated[SetQuantity, Body()]) -> Response[PricedCart]:
    who = caller(app)
    return _with_etag(
        service.set_item(
            who.user_id,
            product_id,
            body.quantity,
            carts=container.carts(),
            catalog=container.catalog(),
            clock=container.clock(),
        )
    )


@app.delete(
    "/cart/items/<product_id>",
    operation_id="removeCartItem",
    summary="Remove a product from the cart",
    responses=documented(200, "The cart", _PROBLEMS, 401, 404, 409, 503),
)
def delete_item(product_id: ProductId) -> Response[PricedCart]:
    who = caller(app)
    return _with_etag(
        service.remove_item(
            who.user_id,
            product_id,
            carts=container.carts(),
            catalog=container.catalog(),
            clock=container.clock(),
        )
    )


@app.delete(
    "/cart",
    operation_id="emptyCart",
    summary="Empty the cart (an order in flight stays shown)",
    responses=documented(204, "Cart emptied", _PROBLEMS, 401, 409),
)
def delete_cart() -> Response[Any]:
    who = caller(app)
    service.clear_cart(who.user_id, carts=container.carts(), clock=container.clock())
    return no_content()


def _with_etag(cart: PricedCart) -> Response[PricedCart]:
    return json_response(200, cart, {"ETag": etag(cart)})


handler = lambda_handler(app, "cart")
