"""How catalog entities are laid out in the table.

- product:      pk PRODUCT#<id>  sk PRODUCT      gsi1 CATEGORY#<category> / <name key>#<id>
- listing entry pk PRODUCT#<id>  sk LISTING      gsi1 PRODUCTS / <name key>#<id>  (the all-products index)
- SKU claim:    pk SKU#<sku>     sk SKU          product_id
- reservation:  pk RESERVATION#<order id>  sk RESERVATION
- pair counts:  pk PRODUCT#<id>  sk PAIR#<other id>  count (confirmed orders with both), views
- sales:        pk PRODUCT#<id>  sk SOLD     orders, units   gsi1 POPULAR / <id>  (the best-sellers index)
- views:        pk PRODUCT#<id>  sk VIEWED   views
- view mark:    pk VIEWER#<customer id>  sk VIEW#<day>#<id>#<id> (the pair sorted)  expires_at
                (a customer's co-view of a pair counts once a day)
Deleted products lose both listing entries, so listings never see them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shop.catalog.domain.product import MAX_TEXT, Product
from shop.kernel.clock import parse_rfc3339, rfc3339
from shop.kernel.money import Money

PRODUCT_SK = "PRODUCT"
LISTING_SK = "LISTING"
ALL_PRODUCTS = "PRODUCTS"
PAIR_PREFIX = "PAIR#"
SOLD_SK = "SOLD"
VIEWED_SK = "VIEWED"
POPULAR = "POPULAR"
_VIEW_MARK_LIFETIME = timedelta(days=2)


def product_pk(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def product_key(product_id: str) -> dict[str, str]:
    return {"pk": product_pk(product_id), "sk": PRODUCT_SK}


def listing_key(product_id: str) -> dict[str, str]:
    return {"pk": product_pk(product_id), "sk": LISTING_SK}


def sku_key(sku: str) -> dict[str, str]:
    return {"pk": f"SKU#{sku}", "sk": "SKU"}


def reservation_key(order_id: str) -> dict[str, str]:
    return {"pk": f"RESERVATION#{order_id}", "sk": "RESERVATION"}


def pair_key(product_id: str, partner_id: str) -> dict[str, str]:
    return {"pk": product_pk(product_id), "sk": PAIR_PREFIX + partner_id}


def sold_key(product_id: str) -> dict[str, str]:
    return {"pk": product_pk(product_id), "sk": SOLD_SK}


def viewed_key(product_id: str) -> dict[str, str]:
    return {"pk": product_pk(product_id), "sk": VIEWED_SK}


def view_mark_item(viewer_id: str, day: date, *pair: str) -> dict[str, Any]:
    first, second = sorted(pair)
    # Kept past the day's end, when a view of that day can no longer come.
    expires = datetime.combine(day, time(), tzinfo=UTC) + _VIEW_MARK_LIFETIME
    return {
        "pk": f"VIEWER#{viewer_id}",
        "sk": f"VIEW#{day.isoformat()}#{first}#{second}",
        "entity": "VIEW_MARK",
        "expires_at": int(expires.timestamp()),
    }


def category_index(category_key: str) -> str:
    return f"CATEGORY#{category_key}"


def name_sort_key(name_key: str, product_id: str) -> str:
    # Padded so that "desk" sorts before "desk lamp", as the names themselves do.
    return f"{name_key:<{MAX_TEXT}}#{product_id}"


def product_item(product: Product) -> dict[str, Any]:
    item: dict[str, Any] = {
        **product_key(product.product_id),
        "entity": "PRODUCT",
        "product_id": product.product_id,
        "sku": product.sku,
        "name": product.name,
        "name_key": product.name_key,
        "description": product.description,
        "price": product.price.model_dump(),
        "category": product.category,
        "stock": product.stock,
        "image_url": product.image_url,
        "created_at": rfc3339(product.created_at),
        "updated_at": rfc3339(product.updated_at),
        "deleted": product.deleted,
    }
    if not product.deleted:
        item["gsi1pk"] = category_index(product.category_key)
        item["gsi1sk"] = name_sort_key(product.name_key, product.product_id)
    return item


def listing_item(product: Product) -> dict[str, Any]:
    return {
        **listing_key(product.product_id),
        "entity": "LISTING",
        "product_id": product.product_id,
        "name_key": product.name_key,
        "gsi1pk": ALL_PRODUCTS,
        "gsi1sk": name_sort_key(product.name_key, product.product_id),
    }


def product_from(item: dict[str, Any]) -> Product:
    return Product(
        product_id=item["product_id"],
        sku=item["sku"],
        name=item["name"],
        description=item.get("description"),
        price=Money(**item["price"]),
        category=item["category"],
        stock=max(int(item["stock"]), 0),
        image_url=item.get("image_url"),
        created_at=parse_rfc3339(item["created_at"]),
        updated_at=parse_rfc3339(item["updated_at"]),
        deleted=bool(item.get("deleted", False)),
    )
