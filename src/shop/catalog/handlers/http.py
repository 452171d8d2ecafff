"""The /products routes: public reads, admin writes."""

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.catalog import service
from shop.catalog.container import Container
from shop.catalog.domain.product import MAX_TEXT, NewProduct, Product, ProductChanges, ProductQuery
from shop.kernel.clock import rfc3339
from shop.kernel.errors import InvalidInput
from shop.kernel.money import Money
from shop.platform.http import (
    Cursor,
    Limit,
    build_http_app,
    caller,
    documented,
    json_response,
    lambda_handler,
    no_content,
    require_admin,
)
from shop.platform.pagination import Page, decode_cursor, encode_cursor
from shop.platform.routing import Body, Query, Response

app = build_http_app("catalog")
container = Container()

MAX_IDS = 100
_MAX_ID_LENGTH = 64

CategoryFilter = Annotated[
    str | None, Query(min_length=1, max_length=MAX_TEXT, description="Only this category (case-insensitive)")
]
NameFilter = Annotated[
    str | None, Query(min_length=1, max_length=MAX_TEXT, description="Name contains this (case-insensitive)")
]
IdsFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_IDS * (_MAX_ID_LENGTH + 1),
        description=(
            "Comma-separated product ids (at most 100): exactly those products, in that order, "
            'deleted ones included and flagged "deleted": true; unknown ids are left out. '
            "Not combinable with the other filters or a cursor."
        ),
    ),
]


_PROBLEMS = {
    400: "Invalid input (problem+json, with the offending fields)",
    401: "No valid bearer token",
    403: "Not in the admin group",
    404: "No such product (or deleted)",
    409: "The SKU is taken",
}


class ViewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: str = Field(
        min_length=1, max_length=_MAX_ID_LENGTH, description="The product whose page the customer came from"
    )


class ProductOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    sku: str
    name: str
    description: str | None
    price: Money
    category: str
    stock: int
    image_url: str | None
    created_at: str
    updated_at: str
    deleted: bool = False
    unavailable: Literal["currency_not_accepted"] | None = Field(
        default=None,
        description=(
            "Why the product cannot be put in a cart or ordered although listed: its price is in "
            "a currency the shop no longer takes (an admin sets a new price). null when it can"
        ),
    )

    @classmethod
    def of(cls, product: Product) -> "ProductOut":
        return cls(
            **product.model_dump(exclude={"created_at", "updated_at", "price"}),
            price=product.price,
            created_at=rfc3339(product.created_at),
            updated_at=rfc3339(product.updated_at),
            unavailable=None if product.price.accepted else "currency_not_accepted",
        )


class ProductList(BaseModel):
    items: list[ProductOut]


@app.get(
    "/products",
    operation_id="listProducts",
    summary="A page of products sorted by name, or the products of ?ids=",
    responses=documented(200, "A page of products", _PROBLEMS, 400, model=Page[ProductOut]),
)
def list_products(
    limit: Limit = 20,
    cursor: Cursor = None,
    category: CategoryFilter = None,
    q: NameFilter = None,
    ids: IdsFilter = None,
) -> Page[ProductOut]:
    if ids is not None:
        return _products_by_ids(ids, cursor=cursor, category=category, q=q)
    query = ProductQuery(category=category, text=q, limit=limit)
    scope = _cursor_scope(query)
    products, following = service.list_products(
        query, decode_cursor(cursor, scope), products=container.products()
    )
    return Page[ProductOut](
        items=[ProductOut.of(product) for product in products],
        next_cursor=encode_cursor(following, scope) if following else None,
    )


@app.get(
    "/products/<product_id>",
    operation_id="getProduct",
    summary="One product",
    responses=documented(200, "The product", _PROBLEMS, 400, 404, model=ProductOut),
)
def get_product(product_id: str) -> ProductOut:
    # A `viewed_after` that older clients still send is ignored: an anonymous view counts nothing.
    return ProductOut.of(service.get_product(product_id, products=container.products()))


@app.post(
    "/products/<product_id>/views",
    operation_id="recordView",
    summary=(
        "The signed-in customer went from the product `after` to this one: a co-view for "
        "recommendations, counted once per customer, pair and day"
    ),
    responses=documented(204, "Recorded (or counted already today)", _PROBLEMS, 400, 401, 404),
)
def record_view(product_id: str, view: Annotated[ViewIn, Body()]) -> Response[None]:
    service.record_view(
        product_id,
        view.after,
        caller(app).user_id,
        products=container.products(),
        co_occurrences=container.co_occurrences(),
        clock=container.clock(),
    )
    return no_content()


@app.post(
    "/products",
    operation_id="createProduct",
    summary="Add a product (admin)",
    responses=documented(
        201, "The new product; Location names it", _PROBLEMS, 400, 401, 403, 409, model=ProductOut
    ),
)
def create_product(new: Annotated[NewProduct, Body()]) -> Response[ProductOut]:
    require_admin(app)
    product = service.create_product(new, products=container.products(), clock=container.clock())
    return json_response(201, ProductOut.of(product), {"Location": f"/products/{product.product_id}"})


@app.patch(
    "/products/<product_id>",
    operation_id="updateProduct",
    summary="Change a product (admin)",
    responses=documented(200, "The changed product", _PROBLEMS, 400, 401, 403, 404, model=ProductOut),
)
def revise_product(product_id: str, changes: Annotated[ProductChanges, Body()]) -> ProductOut:
    require_admin(app)
    product = service.revise_product(
        product_id, changes, products=container.products(), clock=container.clock()
    )
    return ProductOut.of(product)


@app.delete(
    "/products/<product_id>",
    operation_id="deleteProduct",
    summary="Delete a product (admin): it leaves listings and carts",
    responses=documented(204, "Deleted", _PROBLEMS, 401, 403, 404),
)
def delete_product(product_id: str) -> Response[None]:
    require_admin(app)
    service.delete_product(product_id, products=container.products(), clock=container.clock())
    return no_content()


@app.get(
    "/products/<product_id>/recommendations",
    operation_id="listRecommendations",
    summary="Products most similar by what was bought and viewed together, then best sellers (at most 5)",
    responses=documented(200, "Recommended products", _PROBLEMS, 404, model=ProductList),
)
def recommendations(product_id: str) -> ProductList:
    products = service.recommendations(product_id, co_occurrences=container.co_occurrences())
    return ProductList(items=[ProductOut.of(product) for product in products])


def _products_by_ids(ids: str, **others: Any) -> Page[ProductOut]:
    if any(value is not None for value in others.values()):
        raise InvalidInput("ids cannot be combined with category, q or cursor.", field="ids")
    wanted = [part.strip() for part in ids.split(",")]
    if not all(wanted) or len(wanted) > MAX_IDS or any(len(pid) > _MAX_ID_LENGTH for pid in wanted):
        raise InvalidInput(f"ids takes 1 to {MAX_IDS} comma-separated product ids.", field="ids")
    products = service.products_by_ids(wanted, products=container.products())
    return Page[ProductOut](items=[ProductOut.of(product) for product in products], next_cursor=None)


def _cursor_scope(query: ProductQuery) -> str:
    """A cursor pages one listing only: the same filter, whatever the limit."""
    return "products:" + json.dumps([query.category_key, query.text_key])


handler = lambda_handler(app, "catalog")
