"""The /products routes end to end through the Lambda handler on moto, with every
DynamoDB request counted against the budget of three per request."""

from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from shop.platform.aws import client
from tests.integration.catalog.support import ADMIN, CUSTOMER, TABLE, call, consume, order_event
from tests.support.dynamodb import DynamoCalls, table_items

pytestmark = pytest.mark.integration

MAX_REQUESTS = 3


def new_product(**overrides: Any) -> dict[str, Any]:
    return {
        "sku": "LAMP-1",
        "name": "Desk Lamp",
        "description": "Warm light",
        "price": {"amount": 2599, "currency": "EUR"},
        "category": "Home",
        "stock": 7,
        "image_url": "https://img.example.com/lamp.png",
        **overrides,
    }


def create(requests: DynamoCalls, **overrides: Any) -> dict[str, Any]:
    status, body, headers = call("POST", "/products", body=new_product(**overrides), claims=ADMIN)
    assert status == 201, body
    assert headers["Location"] == f"/products/{body['product_id']}"
    assert len(requests.take()) <= MAX_REQUESTS
    return body  # type: ignore[no-any-return]


def test_an_admin_creates_a_product_anyone_can_read(requests: DynamoCalls) -> None:
    created = create(requests)
    assert created["stock"] == 7
    assert created["price"] == {"amount": 2599, "currency": "EUR"}
    assert created["created_at"].endswith("Z")
    status, body, _ = call("GET", f"/products/{created['product_id']}")
    assert (status, body) == (200, created)
    assert requests.take() == ["GetItem"]


def test_writes_need_the_admin_group(requests: DynamoCalls) -> None:
    status, body, _ = call("POST", "/products", body=new_product(), claims=CUSTOMER)
    assert status == 403, body
    assert call("POST", "/products", body=new_product())[0] == 401
    product_id = create(requests)["product_id"]
    assert call("PATCH", f"/products/{product_id}", body={"stock": 1}, claims=CUSTOMER)[0] == 403
    assert call("DELETE", f"/products/{product_id}", claims=CUSTOMER)[0] == 403
    assert call("GET", f"/products/{product_id}")[1]["stock"] == 7


def test_a_sku_is_taken_once(requests: DynamoCalls) -> None:
    create(requests, sku="S-1")
    status, body, _ = call("POST", "/products", body=new_product(sku="S-1", name="Other"), claims=ADMIN)
    assert status == 409
    assert body["errors"][0]["field"] == "sku"
    listed = call("GET", "/products")[1]["items"]
    assert [item["name"] for item in listed] == ["Desk Lamp"]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"price": {"amount": -5, "currency": "EUR"}}, "price.amount"),
        ({"price": {"amount": 9.99, "currency": "EUR"}}, "price.amount"),
        ({"price": {"amount": 999, "currency": "euro"}}, "price.currency"),
        ({"price": {"amount": 999, "currency": "BTC"}}, "price.currency"),
        ({"price": {"amount": 999, "currency": "XAU"}}, "price.currency"),
        ({"price": {"amount": 999, "currency": "XTS"}}, "price.currency"),
        ({"stock": 1_000_001}, "stock"),
        ({"image_url": "ftp://img.example.com/x.png"}, "image_url"),
        ({"name": "x" * 101}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_products_are_400_with_the_field(requests: DynamoCalls, bad: dict[str, Any], field: str) -> None:
    status, body, _ = call("POST", "/products", body=new_product(**bad), claims=ADMIN)
    assert status == 400, body
    assert any(error["field"] == field for error in body["errors"]), body


@pytest.mark.parametrize(("currency", "amount"), [("JPY", 1500), ("KWD", 2750), ("EUR", 1999)])
def test_prices_take_active_currencies_in_their_minor_units(
    requests: DynamoCalls, currency: str, amount: int
) -> None:
    created = create(requests, price={"amount": amount, "currency": currency})
    assert (created["price"], created["unavailable"]) == ({"amount": amount, "currency": currency}, None)
    status, body, _ = call(
        "PATCH",
        f"/products/{created['product_id']}",
        body={"price": {"amount": 1, "currency": "BTC"}},
        claims=ADMIN,
    )
    assert status == 400, body
    assert [error["field"] for error in body["errors"]] == ["price.currency"]


def test_a_price_stored_in_a_retired_currency_reads_as_unavailable(requests: DynamoCalls) -> None:
    product_id = create(requests)["product_id"]
    client("dynamodb").update_item(  # priced in kunas before Croatia took the euro
        TableName=TABLE,
        Key={"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": "PRODUCT"}},
        UpdateExpression="SET price = :price",
        ExpressionAttributeValues={":price": {"M": {"amount": {"N": "7500"}, "currency": {"S": "HRK"}}}},
    )
    status, body, _ = call("GET", f"/products/{product_id}")
    assert status == 200, body
    assert (body["price"], body["unavailable"]) == (
        {"amount": 7500, "currency": "HRK"},
        "currency_not_accepted",
    )
    listed = call("GET", "/products", query={"ids": product_id})[1]["items"]
    assert listed[0]["unavailable"] == "currency_not_accepted"
    revised = call(
        "PATCH", f"/products/{product_id}", body={"price": {"amount": 999, "currency": "EUR"}}, claims=ADMIN
    )
    assert revised[1]["unavailable"] is None


def test_unknown_products_are_404(requests: DynamoCalls) -> None:
    assert call("GET", "/products/nope")[0] == 404
    assert call("PATCH", "/products/nope", body={"stock": 1}, claims=ADMIN)[0] == 404
    assert call("DELETE", "/products/nope", claims=ADMIN)[0] == 404
    assert call("GET", "/products/nope/recommendations")[0] == 404
    assert call("GET", "/products/" + "x" * 3000)[0] == 404
    assert call("PATCH", "/products/" + "x" * 3000, body={"stock": 1}, claims=ADMIN)[0] == 404


def test_patching_changes_the_given_fields_and_the_listings(requests: DynamoCalls) -> None:
    product_id = create(requests)["product_id"]
    changes = {"name": "Floor Lamp", "category": "Lighting", "stock": 3, "description": None}
    status, body, _ = call("PATCH", f"/products/{product_id}", body=changes, claims=ADMIN)
    assert status == 200, body
    assert len(requests.take()) <= MAX_REQUESTS
    assert (body["name"], body["category"], body["stock"], body["description"]) == (
        "Floor Lamp",
        "Lighting",
        3,
        None,
    )
    assert call("GET", f"/products/{product_id}")[1] == body
    assert [p["name"] for p in call("GET", "/products", query={"category": "lighting"})[1]["items"]] == [
        "Floor Lamp"
    ]
    assert call("GET", "/products", query={"category": "home"})[1]["items"] == []
    assert [p["name"] for p in call("GET", "/products", query={"q": "floor"})[1]["items"]] == ["Floor Lamp"]
    bad = call("PATCH", f"/products/{product_id}", body={"sku": "X"}, claims=ADMIN)
    assert bad[0] == 400
    assert call("PATCH", f"/products/{product_id}", body={"stock": None}, claims=ADMIN)[0] == 400


def test_a_deleted_product_leaves_listings_but_ids_still_answer_it(requests: DynamoCalls) -> None:
    lamp = create(requests, sku="A")
    chair = create(requests, sku="B", name="Chair")
    status, body, _ = call("DELETE", f"/products/{lamp['product_id']}", claims=ADMIN)
    assert (status, body) == (204, None)
    assert len(requests.take()) <= MAX_REQUESTS
    assert call("GET", f"/products/{lamp['product_id']}")[0] == 404
    assert call("DELETE", f"/products/{lamp['product_id']}", claims=ADMIN)[0] == 404
    assert [p["name"] for p in call("GET", "/products")[1]["items"]] == ["Chair"]
    assert call("GET", "/products", query={"category": "home"})[1]["items"] == [chair]
    requests.take()
    ids = f"{chair['product_id']},unknown,{lamp['product_id']}"
    status, body, _ = call("GET", "/products", query={"ids": ids})
    assert status == 200
    assert requests.take() == ["BatchGetItem"]
    assert [(p["product_id"], p["deleted"]) for p in body["items"]] == [
        (chair["product_id"], False),
        (lamp["product_id"], True),
    ]
    create(requests, sku="A", name="A new lamp")  # the SKU is free again


def test_ids_are_validated(requests: DynamoCalls) -> None:
    too_many = ",".join(f"p{i}" for i in range(101))
    assert call("GET", "/products", query={"ids": too_many})[0] == 400
    assert call("GET", "/products", query={"ids": "a,,b"})[0] == 400
    assert call("GET", "/products", query={"ids": "a", "category": "home"})[0] == 400


def seed(requests: DynamoCalls) -> None:
    names = ["Apple", "Banana", "Cherry", "Date", "Elderberry", "Fig", "Grape", "Honeydew"]
    for number, name in enumerate(names):
        create(requests, sku=f"F-{number}", name=name, category="fruit" if number % 2 else "Berries")
    create(requests, sku="DESK", name="Desk", category="office")
    create(requests, sku="DESK-LAMP", name="Desk lamp", category="office")


def page_through(requests: DynamoCalls, query: dict[str, str]) -> list[str]:
    names: list[str] = []
    cursor = None
    for _ in range(20):
        status, body, _ = call("GET", "/products", query={**query, **({"cursor": cursor} if cursor else {})})
        assert status == 200, body
        assert len(requests.take()) <= MAX_REQUESTS
        names += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return names
    raise AssertionError("the pages never ended")


def test_pages_cover_each_listing_once_sorted_by_name(requests: DynamoCalls) -> None:
    seed(requests)
    everything = page_through(requests, {"limit": "3"})
    assert everything == sorted(everything, key=str.lower)
    assert len(everything) == 10
    assert everything.index("Desk") < everything.index("Desk lamp")
    assert page_through(requests, {"limit": "2", "category": "FRUIT"}) == [
        "Banana",
        "Date",
        "Fig",
        "Honeydew",
    ]
    assert page_through(requests, {"limit": "1", "q": "E"}) == [
        "Apple",
        "Cherry",
        "Date",
        "Desk",
        "Desk lamp",
        "Elderberry",
        "Grape",
        "Honeydew",
    ]
    assert page_through(requests, {"category": "berries", "q": "rr"}) == ["Cherry", "Elderberry"]
    first = call("GET", "/products")[1]
    assert len(first["items"]) == 10
    assert first["next_cursor"] is None


def test_a_forged_or_borrowed_cursor_is_400(requests: DynamoCalls) -> None:
    seed(requests)
    cursor = call("GET", "/products", query={"limit": "2", "category": "fruit"})[1]["next_cursor"]
    assert cursor
    assert call("GET", "/products", query={"limit": "2", "category": "fruit", "cursor": cursor})[0] == 200
    for query in [{"category": "berries"}, {}, {"category": "fruit", "q": "a"}]:
        status, body, _ = call("GET", "/products", query={**query, "cursor": cursor})
        assert status == 400, body
    payload, signature = cursor.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    for bad in [forged, "garbage", "a.b.c", "%%%"]:
        status, body, _ = call("GET", "/products", query={"category": "fruit", "cursor": bad})
        assert status == 400, body
        assert body["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_bad_limit_is_400(requests: DynamoCalls, limit: str) -> None:
    assert call("GET", "/products", query={"limit": limit})[0] == 400


def test_recommendations_come_from_confirmed_orders_and_views(requests: DynamoCalls) -> None:
    a, b, c, d = (create(requests, sku=name, name=name, stock=50) for name in "ABCD")
    orders = [[a, b], [a, b], [a, c], [a, b, d], [a, d]]
    for number, products in enumerate(orders):
        lines = [(p["product_id"], 1) for p in products]
        order_id = f"o{number}"
        assert consume(order_event("OrderPlaced", order_id, lines)) == {"batchItemFailures": []}
        if number != 4:  # the last order is never confirmed
            assert consume(order_event("OrderConfirmed", order_id, lines)) == {"batchItemFailures": []}
    requests.take()
    status, body, _ = call("GET", f"/products/{a['product_id']}/recommendations")
    assert status == 200
    assert len(requests.take()) <= MAX_REQUESTS
    assert [p["name"] for p in body["items"]] == ["B", "C", "D"]
    call("DELETE", f"/products/{c['product_id']}", claims=ADMIN)
    assert [p["name"] for p in call("GET", f"/products/{a['product_id']}/recommendations")[1]["items"]] == [
        "B",
        "D",
    ]
    assert call("GET", f"/products/{b['product_id']}/recommendations")[1]["items"][0]["name"] == "A"
    requests.take()
    for number in range(6):  # customers going from D's page to B's
        assert view(b, after=d, customer=f"customer-{number}") == 204
        assert requests.take() == ["BatchGetItem", "TransactWriteItems"]
    assert [p["name"] for p in call("GET", f"/products/{d['product_id']}/recommendations")[1]["items"]] == [
        "B",
        "A",
    ]


def view(product: dict[str, Any], *, after: dict[str, Any] | str, customer: str = "customer-1") -> int:
    previous = after if isinstance(after, str) else after["product_id"]
    status, body, _ = call(
        "POST", f"/products/{product['product_id']}/views", body={"after": previous}, claims={"sub": customer}
    )
    assert body is None or status >= 400, body
    return status


def co_views() -> list[dict[str, Any]]:
    return [item for item in table_items(TABLE) if item["sk"].startswith(("PAIR#", "VIEWED"))]


def test_anonymous_page_reads_count_no_view(requests: DynamoCalls) -> None:
    a, b = (create(requests, sku=name, name=name) for name in "AB")
    before = call("GET", f"/products/{b['product_id']}/recommendations")[1]
    requests.take()
    for _ in range(20):
        status, body, _ = call("GET", f"/products/{b['product_id']}", query={"viewed_after": a["product_id"]})
        assert (status, body["name"]) == (200, "B")  # older clients' hint: accepted, ignored
        assert requests.take() == ["GetItem"]
    assert co_views() == []
    assert call("GET", f"/products/{b['product_id']}/recommendations")[1] == before
    status, body, _ = call("POST", f"/products/{b['product_id']}/views", body={"after": a["product_id"]})
    assert status == 401, body


def test_a_customer_s_views_of_a_pair_count_once_a_day(requests: DynamoCalls) -> None:
    a, b = (create(requests, sku=name, name=name) for name in "AB")
    requests.take()
    for _ in range(10):
        assert view(b, after=a, customer="mallory") == 204
        assert view(a, after=b, customer="mallory") == 204  # the other way round: the same pair
    assert view(b, after=a, customer="alice") == 204
    assert len(requests.take()) <= 2 * 21
    assert {(item["pk"], item["sk"], item["views"]) for item in co_views()} == {
        (f"PRODUCT#{a['product_id']}", f"PAIR#{b['product_id']}", 2),
        (f"PRODUCT#{b['product_id']}", f"PAIR#{a['product_id']}", 2),
        (f"PRODUCT#{a['product_id']}", "VIEWED", 2),
        (f"PRODUCT#{b['product_id']}", "VIEWED", 2),
    }


def test_a_view_never_fails_for_its_co_view(requests: DynamoCalls) -> None:
    a, b, c = (create(requests, sku=name, name=name) for name in "ABC")
    call("DELETE", f"/products/{a['product_id']}", claims=ADMIN)
    requests.take()
    for previous in [a["product_id"], "never-a-product"]:  # deleted, unknown: not counted
        assert view(b, after=previous) == 204
        assert requests.take() == ["BatchGetItem"]
    assert view(b, after=b) == 204
    assert requests.take() == ["BatchGetItem"]
    assert co_views() == []

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    events = client("dynamodb").meta.events
    events.register("before-call.dynamodb.TransactWriteItems", unreachable)
    try:
        assert view(b, after=c) == 204
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", unreachable)
    assert co_views() == []
    # The count's transaction leaves the products' own items alone: reservations write them in
    # transactions, and DynamoDB cancels one of two transactions on an item at once.
    written: list[dict[str, Any]] = []
    record = "provide-client-params.dynamodb.TransactWriteItems"
    events.register(record, lambda params, **_: written.extend(params["TransactItems"]))
    try:
        assert view(b, after=c) == 204
    finally:
        events.unregister(record)
    touched = {
        (key["pk"]["S"], key["sk"]["S"])
        for operation in written
        for action in operation.values()
        for key in [action.get("Key") or action["Item"]]
    }
    assert len(touched) == 5  # the viewer's mark, the pair both ways, both products' views
    assert not {(f"PRODUCT#{p['product_id']}", "PRODUCT") for p in (b, c)} & touched
    assert {(item["pk"], item["sk"], item["views"]) for item in co_views()} == {
        (f"PRODUCT#{b['product_id']}", f"PAIR#{c['product_id']}", 1),
        (f"PRODUCT#{c['product_id']}", f"PAIR#{b['product_id']}", 1),
        (f"PRODUCT#{b['product_id']}", "VIEWED", 1),
        (f"PRODUCT#{c['product_id']}", "VIEWED", 1),
    }
    assert view(a, after=c) == 404
    status, body, _ = call(
        "POST", f"/products/{b['product_id']}/views", body={"after": "x" * 65}, claims=CUSTOMER
    )
    assert status == 400, body
    assert body["errors"][0]["field"] == "after"


def test_a_refunded_order_leaves_recommendations_as_if_never_sold(requests: DynamoCalls) -> None:
    x, y, never, best = (
        create(requests, sku=name, name=name, stock=500) for name in ["X", "Y", "Never", "Best"]
    )

    def recommended(product: dict[str, Any]) -> list[str]:
        return [
            p["name"] for p in call("GET", f"/products/{product['product_id']}/recommendations")[1]["items"]
        ]

    lines = [(best["product_id"], 2)]
    consume(order_event("OrderPlaced", "real", lines), order_event("OrderConfirmed", "real", lines))
    steering = [(x["product_id"], 99), (y["product_id"], 99)]
    consume(order_event("OrderPlaced", "steer", steering), order_event("OrderConfirmed", "steer", steering))
    assert recommended(y)[0] == "X"
    for _ in range(2):  # the customer's cancellation (refunded), redelivered
        assert consume(order_event("OrderCancelled", "steer", steering)) == {"batchItemFailures": []}

    assert recommended(never) == ["Best"]
    assert recommended(x) == recommended(y) == recommended(never)
    assert [call("GET", f"/products/{p['product_id']}")[1]["stock"] for p in (x, y)] == [500, 500]
