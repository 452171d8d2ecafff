"""GET /cart, PUT /cart/items/{product_id}, DELETE /cart/items/{product_id}, DELETE /cart."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shop.cart import service
from shop.cart.container import Container
from shop.cart.domain.cart import MAX_QUANTITY, MIN_QUANTITY
from shop.cart.domain.view import PricedCart
from shop.platform.http import build_http_app, caller, lambda_handler, no_content

app = build_http_app("cart")
container = Container()

ProductId = Annotated[str, Path(min_length=1, max_length=128, description="The catalog's product id")]


class SetQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: StrictInt = Field(ge=MIN_QUANTITY, le=MAX_QUANTITY, description="The line's new quantity")


@app.get("/cart")
def get_cart() -> PricedCart:
    who = caller(app)
    return service.view_cart(
        who.user_id, carts=container.carts(), catalog=container.catalog(), clock=container.clock()
    )


@app.put("/cart/items/<product_id>")
def put_item(product_id: ProductId, body: Annotated[SetQuantity, Body()]) -> PricedCart:
    who = caller(app)
    return service.set_item(
        who.user_id,
        product_id,
        body.quantity,
        carts=container.carts(),
        catalog=container.catalog(),
        clock=container.clock(),
    )


@app.delete("/cart/items/<product_id>")
def delete_item(product_id: ProductId) -> PricedCart:
    who = caller(app)
    return service.remove_item(
        who.user_id, product_id, carts=container.carts(), catalog=container.catalog(), clock=container.clock()
    )


@app.delete("/cart")
def delete_cart() -> Response[Any]:
    who = caller(app)
    service.clear_cart(who.user_id, carts=container.carts())
    return no_content()


handler = lambda_handler(app, "cart")
