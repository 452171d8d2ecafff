"""A catalog product as the service creates one, for the tests that store products."""

from __future__ import annotations

from datetime import UTC, datetime

from shop.catalog.domain.product import NewProduct, Product

CREATED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def a_product(
    product_id: str, *, name: str | None = None, category: str = "things", stock: int = 3
) -> Product:
    """SKU `SKU-<id>`, 1.00 EUR; named after its id unless `name` says otherwise."""
    new = NewProduct(
        sku=f"SKU-{product_id}",
        name=name or product_id,
        price={"amount": 100, "currency": "EUR"},
        category=category,
        stock=stock,
    )
    return Product.create(new, product_id=product_id, now=CREATED_AT)
