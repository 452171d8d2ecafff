"""Right to erasure end to end on the embedded stack: after a customer with an address, a
cart and a confirmed order deletes the account, a scan of every table of the shop finds
neither the e-mail nor the address, once the UserDeleted consumers have run."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shop.local.orchestration.stack import EmbeddedStack
from tests.support.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.acceptance]

PASSWORD = "Erasure123"
ADDRESS = {"line1": "17 Forgetful Lane", "city": "Oblivion", "postal_code": "ZZ9 9ZZ", "country": "GB"}


@pytest.fixture(scope="module")
def stack() -> Iterator[EmbeddedStack]:
    with EmbeddedStack(port=0, seed=True) as running:
        yield running


def call(stack: EmbeddedStack, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, stack.url + path, json=body, headers=headers, timeout=30)


def log_in(stack: EmbeddedStack, email: str) -> str:
    answer = call(stack, "POST", "/auth/login", body={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def every_item(stack: EmbeddedStack) -> str:
    """Every item of every table of the shop, as one text."""
    dynamodb = stack.client("dynamodb")
    items: list[Any] = []
    for table in dynamodb.list_tables()["TableNames"]:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            items += page["Items"]
    return json.dumps(items)


def test_nothing_personal_is_left_anywhere_after_a_deletion(stack: EmbeddedStack) -> None:
    email = f"erase-{uuid.uuid4().hex[:10]}@example.com"
    signup = call(stack, "POST", "/users", body={"email": email, "password": PASSWORD, "name": "Eraseme"})
    assert signup.status_code == 201, signup.text
    token = log_in(stack, email)
    assert call(stack, "PATCH", "/users/me", token, {"addresses": [ADDRESS]}).status_code == 200
    products = call(stack, "GET", "/products?limit=5").json()["items"]
    eur = [product for product in products if product["price"]["currency"] == "EUR"]
    assert (
        call(stack, "PUT", f"/cart/items/{eur[0]['product_id']}", token, {"quantity": 1}).status_code == 200
    )
    placed = call(stack, "POST", "/orders", token, {"shipping_address": ADDRESS, "payment_token": "tok_visa"})
    assert placed.status_code == 202, placed.text
    order_path = f"/orders/{placed.json()['order_id']}"
    eventually(lambda: call(stack, "GET", order_path, token).json()["status"] == "CONFIRMED" or None)
    assert (
        call(stack, "PUT", f"/cart/items/{eur[1]['product_id']}", token, {"quantity": 2}).status_code == 200
    )
    held = every_item(stack)
    assert email in held
    assert ADDRESS["line1"] in held  # the scan would see them

    deleted = call(stack, "DELETE", "/users/me", token, {"password": PASSWORD})
    assert deleted.status_code == 204, deleted.text

    def forgotten() -> bool | None:
        held = every_item(stack)
        return (
            all(personal not in held for personal in (email, ADDRESS["line1"], ADDRESS["postal_code"]))
            or None
        )

    eventually(forgotten)
    user_id = signup.json()["user_id"]
    dynamodb = stack.client("dynamodb")
    (cart_table,) = [name for name in dynamodb.list_tables()["TableNames"] if name.endswith("cart")]
    carts = dynamodb.scan(TableName=cart_table)["Items"]
    assert [item for item in carts if user_id in item["pk"]["S"]] == []  # the cart went too
