"""What products were bought and viewed with, in DynamoDB: counters only ever ADDed to, read
back per product (one Query of its partition) and for a shortlist (one BatchGetItem)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shop.catalog.adapters.items import (
    PAIR_PREFIX,
    POPULAR,
    PRODUCT_SK,
    SOLD_SK,
    VIEWED_SK,
    pair_key,
    product_from,
    product_key,
    product_pk,
    sold_key,
    view_mark_item,
    viewed_key,
)
from shop.catalog.domain.similarity import Candidate, Counts, Neighbourhood, PairCounts, best_sellers
from shop.platform.dynamo import from_item, to_item
from shop.platform.observability import logger

INDEX = "gsi1"
_BATCH_GET_ATTEMPTS = 2
_MAX_ID_LENGTH = 256
_log = logger("catalog")


class DynamoCoOccurrences:
    """Implements ports.CoOccurrences."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def neighbourhood(self, product_id: str) -> Neighbourhood | None:
        if not product_id or len(product_id) > _MAX_ID_LENGTH:
            return None
        # Descending, the product and its counts come before the pairs: a partition past one
        # page (1 MB, about ten thousand partners) loses only its last pairs.
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_item({":pk": product_pk(product_id)}),
            ScanIndexForward=False,
            ConsistentRead=True,
        )
        items = {item["sk"]: item for item in map(from_item, response.get("Items", []))}
        if PRODUCT_SK not in items:
            return None
        partners = tuple(
            PairCounts(
                partner_id=sk.removeprefix(PAIR_PREFIX),
                orders=int(item.get("count", 0)),
                views=int(item.get("views", 0)),
            )
            for sk, item in items.items()
            if sk.startswith(PAIR_PREFIX)
        )
        return Neighbourhood(
            product=product_from(items[PRODUCT_SK]),
            counts=_counts(items.get(SOLD_SK), items.get(VIEWED_SK)),
            partners=partners,
        )

    def candidates(self, product_ids: Sequence[str]) -> list[Candidate]:
        if not product_ids:
            return []
        keys = [key(pid) for pid in product_ids for key in (product_key, sold_key, viewed_key)]
        request: dict[str, Any] = {self._table: {"Keys": [to_item(key) for key in keys]}}
        items: dict[tuple[str, str], dict[str, Any]] = {}
        for _ in range(_BATCH_GET_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            for item in map(from_item, response.get("Responses", {}).get(self._table, [])):
                items[item["pk"], item["sk"]] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        found: list[Candidate] = []
        for pid in product_ids:
            pk = product_pk(pid)
            if (pk, PRODUCT_SK) in items:
                counts = _counts(items.get((pk, SOLD_SK)), items.get((pk, VIEWED_SK)))
                found.append(Candidate(product=product_from(items[pk, PRODUCT_SK]), counts=counts))
        return found

    def popular(self, limit: int) -> list[str]:
        # One page of the best-sellers index: every product sold, up to about 20,000 of them.
        response = self._client.query(
            TableName=self._table,
            IndexName=INDEX,
            KeyConditionExpression="gsi1pk = :popular",
            ExpressionAttributeValues=to_item({":popular": POPULAR}),
            ProjectionExpression="product_id, units",
        )
        sold = {
            item["product_id"]: Counts(units=int(item.get("units", 0)))
            for item in map(from_item, response.get("Items", []))
        }
        return best_sellers(sold, limit)

    def record_view(self, previous_id: str, product_id: str, *, viewer_id: str, day: date) -> None:
        if len(previous_id) > _MAX_ID_LENGTH:
            return
        # The viewer's mark for the pair and day: a second view finds it and counts nothing.
        once = {
            "Put": {
                "TableName": self._table,
                "Item": to_item(view_mark_item(viewer_id, day, previous_id, product_id)),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        add_view = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item(key),
                    "UpdateExpression": "ADD #views :one",
                    "ExpressionAttributeNames": {"#views": "views"},
                    "ExpressionAttributeValues": to_item({":one": 1}),
                }
            }
            for key in (
                pair_key(previous_id, product_id),
                pair_key(product_id, previous_id),
                viewed_key(previous_id),
                viewed_key(product_id),
            )
        ]
        try:
            self._client.transact_write_items(TransactItems=[once, *add_view])
        except (ClientError, BotoCoreError) as error:
            # Viewed already today, or lost: a recommendation loses a little evidence at most.
            code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
            _log.info("co-view not counted", extra={"error_code": code})


def _counts(sold: dict[str, Any] | None, viewed: dict[str, Any] | None) -> Counts:
    sold, viewed = sold or {}, viewed or {}
    return Counts(
        orders=int(sold.get("orders", 0)), units=int(sold.get("units", 0)), views=int(viewed.get("views", 0))
    )
