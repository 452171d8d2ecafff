"""Products in DynamoDB: items, SKU claims and the two listing indexes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shop.catalog.adapters.items import (
    ALL_PRODUCTS,
    LISTING_SK,
    PRODUCT_SK,
    category_index,
    listing_item,
    listing_key,
    product_from,
    product_item,
    product_key,
    product_pk,
    sku_key,
)
from shop.catalog.domain.errors import ProductNotFound, SkuTaken
from shop.catalog.domain.product import Product, ProductQuery
from shop.catalog.ports import Position
from shop.kernel.clock import rfc3339
from shop.kernel.errors import InvalidInput
from shop.platform.dynamo import from_item, to_item
from shop.platform.transaction import Transaction

INDEX = "gsi1"
# A name search filters the index; each query then reads this many entries to fill a page.
_SEARCH_READ = 200
_BATCH_GET_ATTEMPTS = 2
_MAX_ID_LENGTH = 256


class DynamoProducts:
    """Implements ports.Products."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def add(self, product: Product) -> None:
        transaction = Transaction(self._client, self._table)
        transaction.put(product_item(product), "attribute_not_exists(pk)")
        transaction.put(listing_item(product))
        claim = transaction.put(
            {**sku_key(product.sku), "product_id": product.product_id}, "attribute_not_exists(pk)"
        )
        transaction.commit({claim: lambda _: SkuTaken(product.sku)})

    def get(self, product_id: str) -> Product | None:
        if not product_id or len(product_id) > _MAX_ID_LENGTH:  # never issued, and too long for a key
            return None
        response = self._client.get_item(
            TableName=self._table, Key=to_item(product_key(product_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return product_from(from_item(item)) if item else None

    def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        keys = [to_item(product_key(pid)) for pid in product_ids if 0 < len(pid) <= _MAX_ID_LENGTH]
        if not keys:
            return []
        request: dict[str, Any] = {self._table: {"Keys": keys}}
        found: list[Product] = []
        for _ in range(_BATCH_GET_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            found += [
                product_from(from_item(item)) for item in response.get("Responses", {}).get(self._table, [])
            ]
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        return found

    def update(self, product: Product, changed: frozenset[str]) -> None:
        item = product_item(product)
        assignments = {"updated_at": item["updated_at"]}
        removals: list[str] = []
        for field in changed:
            if item.get(field) is None:
                removals.append(field)
            else:
                assignments[field] = item[field]
        if "name" in changed:
            assignments.update(name_key=item["name_key"], gsi1sk=item["gsi1sk"])
        if "category" in changed:
            assignments["gsi1pk"] = item["gsi1pk"]
        expression = "SET " + ", ".join(f"#{field} = :{field}" for field in assignments)
        if removals:
            expression += " REMOVE " + ", ".join(f"#{field}" for field in removals)
        transaction = Transaction(self._client, self._table)
        transaction.update(
            product_key(product.product_id),
            expression,
            "attribute_exists(pk) AND deleted = :listed",
            names={f"#{field}": field for field in [*assignments, *removals]},
            values={**{f":{field}": value for field, value in assignments.items()}, ":listed": False},
        )
        if "name" in changed:
            transaction.put(listing_item(product))
        transaction.commit({0: lambda _: ProductNotFound(product.product_id)})

    def remove(self, product: Product) -> None:
        transaction = Transaction(self._client, self._table)
        transaction.update(
            product_key(product.product_id),
            "SET deleted = :deleted, updated_at = :now REMOVE gsi1pk, gsi1sk",
            "attribute_exists(pk) AND deleted = :listed",
            values={":deleted": True, ":listed": False, ":now": rfc3339(product.updated_at)},
        )
        transaction.delete(listing_key(product.product_id))
        transaction.delete(
            sku_key(product.sku),
            "attribute_not_exists(pk) OR product_id = :id",
            values={":id": product.product_id},
        )
        transaction.commit({0: lambda _: ProductNotFound(product.product_id)})

    def page(self, query: ProductQuery, after: Position | None) -> tuple[list[Product], Position | None]:
        everything = query.category_key is None
        index_pk = ALL_PRODUCTS if query.category_key is None else category_index(query.category_key)
        entry_sk = LISTING_SK if everything else PRODUCT_SK
        # Listing everything costs one more request (the entries point at the products).
        queries_left = 2 if everything else 3
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": INDEX,
            "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": to_item({":pk": index_pk}),
            "Limit": query.limit + 1,
        }
        if query.text_key:
            params.update(
                FilterExpression="contains(name_key, :text)",
                ExpressionAttributeValues=to_item({":pk": index_pk, ":text": query.text_key}),
                Limit=max(query.limit + 1, _SEARCH_READ),
            )
        start = _start_key(after, index_pk, entry_sk) if after else None
        entries: list[dict[str, Any]] = []
        while queries_left:
            queries_left -= 1
            response = self._client.query(**params, **({"ExclusiveStartKey": start} if start else {}))
            entries += [from_item(item) for item in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if len(entries) > query.limit or not start:
                break
        if len(entries) > query.limit:
            entries = entries[: query.limit]
            following: Position | None = _position(entries[-1])
        else:
            following = _position(from_item(start)) if start else None
        if everything:
            found = {
                product.product_id: product for product in self.get_many([e["product_id"] for e in entries])
            }
            products = [found[e["product_id"]] for e in entries if e["product_id"] in found]
        else:
            products = [product_from(entry) for entry in entries]
        # the domain says what a listing holds; the index query above only narrows what is read
        return [product for product in products if query.matches(product)], following


def _position(entry: dict[str, Any]) -> Position:
    return {"after": str(entry["gsi1sk"]), "id": str(entry["pk"]).removeprefix("PRODUCT#")}


def _start_key(after: Position, index_pk: str, entry_sk: str) -> dict[str, Any]:
    sort_key, product_id = after.get("after"), after.get("id")
    if not isinstance(sort_key, str) or not isinstance(product_id, str):
        raise InvalidInput("The cursor does not belong to this listing.", field="cursor")
    return to_item({"pk": product_pk(product_id), "sk": entry_sk, "gsi1pk": index_pk, "gsi1sk": sort_key})
