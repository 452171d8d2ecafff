"""Co-purchase, co-view and sales counts on moto: what the consumer and the page reads add
up, read back per product, for a shortlist, and as best sellers."""

from datetime import UTC, datetime

import pytest

from shop.catalog.adapters.dynamo_co_occurrences import DynamoCoOccurrences
from shop.catalog.adapters.dynamo_products import DynamoProducts
from shop.catalog.domain.product import Product
from shop.catalog.domain.similarity import Counts, PairCounts
from shop.platform.aws import client
from tests.integration.catalog.support import TABLE, call, consume, order_event
from tests.support.catalog import a_product
from tests.support.dynamodb import DynamoCalls

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 1, tzinfo=UTC)
DAY = NOW.date()


def add(product_id: str) -> Product:
    product = a_product(product_id, name=product_id.upper(), stock=100)
    DynamoProducts(client("dynamodb"), TABLE).add(product)
    return product


def co_occurrences() -> DynamoCoOccurrences:
    return DynamoCoOccurrences(client("dynamodb"), TABLE)


def bought(order_id: str, *lines: tuple[str, int]) -> None:
    for event_type in ["OrderPlaced", "OrderConfirmed", "OrderConfirmed"]:  # with a redelivery
        assert consume(order_event(event_type, order_id, list(lines))) == {"batchItemFailures": []}


def test_the_counts_read_back_as_written(requests: DynamoCalls) -> None:
    for product_id in "abcd":
        add(product_id)
    bought("o1", ("a", 2), ("b", 1))
    bought("o2", ("a", 1), ("c", 4))
    store = co_occurrences()
    store.record_view("a", "b", viewer_id="alice", day=DAY)
    store.record_view("d", "a", viewer_id="alice", day=DAY)
    requests.take()

    seen = store.neighbourhood("a")
    assert requests.take() == ["Query"]
    assert seen is not None
    assert seen.product.product_id == "a"
    assert seen.counts == Counts(orders=2, units=3, views=2)
    assert sorted(seen.partners, key=lambda p: p.partner_id) == [
        PairCounts(partner_id="b", orders=1, views=1),
        PairCounts(partner_id="c", orders=1),
        PairCounts(partner_id="d", views=1),
    ]
    assert store.neighbourhood("ghost") is None
    assert store.neighbourhood("x" * 300) is None

    call("DELETE", "/products/b", claims={"sub": "admin-1", "cognito:groups": "[admin]"})
    requests.take()
    found = {c.product.product_id: c for c in store.candidates(["b", "c", "ghost", "d"])}
    assert requests.take() == ["BatchGetItem"]
    assert set(found) == {"b", "c", "d"}
    assert found["b"].product.deleted
    assert (found["b"].counts, found["c"].counts, found["d"].counts) == (
        Counts(orders=1, units=1, views=1),
        Counts(orders=1, units=4),
        Counts(views=1),
    )
    assert store.popular(2) == ["c", "a"]
    assert requests.take() == ["Query"]


def test_a_well_known_product_is_recommended_in_two_requests(requests: DynamoCalls) -> None:
    partners = [f"p{n:02}" for n in range(12)]
    for product_id in ["a", *partners]:
        add(product_id)
    for number, partner in enumerate(partners):
        bought(f"o{number}", ("a", 1), (partner, 1))
    bought("more", ("a", 1), ("p03", 1))
    requests.take()
    status, body, _ = call("GET", "/products/a/recommendations")
    assert status == 200
    assert requests.take() == ["Query", "BatchGetItem"]
    assert body["items"][0]["product_id"] == "p03"
    assert len(body["items"]) == 5
