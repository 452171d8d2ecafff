"""DELETE /users/me and GET /users/me/export through the users' Lambda handler on moto; the
other services' answers come from a server on 127.0.0.1 (the contract suite holds the real
ones to the same shapes)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from shop.users.handlers import http as http_handler
from tests.integration.users.conftest import UsersAws
from tests.integration.users.test_handlers import ADDRESS, PASSWORD, call, caller_claims, log_in, register
from tests.support.dynamodb import DynamoCalls
from tests.support.http_events import api_request, json_body
from tests.support.json_server import JsonServer

pytestmark = pytest.mark.integration

EMAIL = "ada@example.com"


class OtherServices:
    """What cart, orders and payments answer, and the requests they got."""

    def __init__(self) -> None:
        self.orders: list[dict[str, Any]] = []
        self.seen: list[tuple[str, str]] = []

    def answer(self, path: str, headers: Mapping[str, str]) -> tuple[int, Any]:
        url = urlsplit(path)
        query = dict(parse_qsl(url.query))
        self.seen.append((path, headers.get("Authorization", "")))
        if url.path == "/cart":
            return 200, {"items": [{"product_id": "p1", "quantity": 1}], "item_count": 1}
        if url.path == "/orders":
            if query.get("cursor") == "forged":
                return 400, {"status": 400}
            start = int(query.get("cursor", 0))
            end = start + int(query["limit"])
            return 200, {
                "items": self.orders[start:end],
                "next_cursor": str(end) if end < len(self.orders) else None,
            }
        if url.path == "/payments":
            return 200, {"items": [{"payment_id": f"pay-{query['order_id']}", "order_id": query["order_id"]}]}
        return 404, {"status": 404}


@pytest.fixture
def services(users_aws: UsersAws, monkeypatch: pytest.MonkeyPatch) -> Iterator[OtherServices]:
    running = OtherServices()
    with JsonServer(running.answer) as server:
        monkeypatch.setenv("SHOP_API_URL", server.url)
        yield running


def as_caller(
    method: str, path: str, claims: dict[str, Any], body: Any = None, **query: str
) -> dict[str, Any]:
    headers = {"Authorization": "Bearer the-callers-token"}
    event = api_request(method, path, body, claims, headers=headers, query=query)
    response: dict[str, Any] = http_handler.handler(event, None)
    response["json"] = json_body(response)
    return response


def signed_up_with_an_address() -> dict[str, Any]:
    assert register()["statusCode"] == 201
    claims = caller_claims()
    assert call("PATCH", "/users/me", {"addresses": [ADDRESS]}, claims=claims)["statusCode"] == 200
    return claims


def order(order_id: str, status: str) -> dict[str, Any]:
    return {"order_id": order_id, "status": status, "lines": [], "shipping_address": ADDRESS}


def test_a_deleted_account_leaves_nothing_personal_in_the_users_table(
    users_aws: UsersAws, services: OtherServices, dynamodb_requests: DynamoCalls
) -> None:
    claims = signed_up_with_an_address()
    services.orders = [order("o1", "SHIPPED"), order("o2", "CANCELLED")]
    dynamodb_requests.reset()

    deleted = as_caller("DELETE", "/users/me", claims, {"password": PASSWORD})

    assert deleted["statusCode"] == 204, deleted["body"]
    assert len(dynamodb_requests.operations) <= 3
    assert services.seen[-1][1] == "Bearer the-callers-token"  # orders read as the caller
    stored = json.dumps(users_aws.items())
    for personal in (EMAIL, ADDRESS["line1"], ADDRESS["postal_code"], "Ada"):
        assert personal not in stored
    (outbox,) = [item for item in users_aws.items() if item["pk"].startswith("OUTBOX#")]
    assert json.loads(outbox["event"])["data"] == {"user_id": claims["sub"]}  # UserDeleted
    assert log_in()["statusCode"] == 401
    again = register()
    assert again["statusCode"] == 201
    assert again["json"]["user_id"] != claims["sub"]


def test_a_wrong_password_is_400_naming_it_and_deletes_nothing(
    users_aws: UsersAws, services: OtherServices
) -> None:
    claims = signed_up_with_an_address()
    refused = as_caller("DELETE", "/users/me", claims, {"password": "Wrong123pw"})
    assert refused["statusCode"] == 400
    assert [error["field"] for error in refused["json"]["errors"]] == ["password"]
    assert log_in()["statusCode"] == 200
    assert as_caller("DELETE", "/users/me", claims, {})["statusCode"] == 400  # no password at all


def test_an_order_in_progress_is_409(users_aws: UsersAws, services: OtherServices) -> None:
    claims = signed_up_with_an_address()
    services.orders = [order("o1", "SHIPPED"), order("o2", "RESERVED")]
    refused = as_caller("DELETE", "/users/me", claims, {"password": PASSWORD})
    assert refused["statusCode"] == 409
    assert log_in()["statusCode"] == 200


def test_the_export_pages_orders_with_their_payments(users_aws: UsersAws, services: OtherServices) -> None:
    claims = signed_up_with_an_address()
    services.orders = [order("o1", "SHIPPED"), order("o2", "CANCELLED"), order("o3", "CONFIRMED")]

    first = as_caller("GET", "/users/me/export", claims, limit="2")
    assert first["statusCode"] == 200, first["body"]
    body = first["json"]
    assert (body["profile"]["email"], body["addresses"]) == (EMAIL, [ADDRESS])
    assert body["cart"]["item_count"] == 1
    assert [o["order_id"] for o in body["orders"]["items"]] == ["o1", "o2"]
    assert body["orders"]["items"][0]["shipping_address"] == ADDRESS
    assert [p["payment_id"] for p in body["payments"]["items"]] == ["pay-o1", "pay-o2"]
    assert body["payments"]["next_cursor"] == body["orders"]["next_cursor"] is not None

    rest = as_caller("GET", "/users/me/export", claims, limit="2", cursor=body["orders"]["next_cursor"])[
        "json"
    ]
    assert [o["order_id"] for o in rest["orders"]["items"]] == ["o3"]
    assert rest["orders"]["next_cursor"] is None

    forged = as_caller("GET", "/users/me/export", claims, cursor="forged")
    assert forged["statusCode"] == 400
    assert [error["field"] for error in forged["json"]["errors"]] == ["cursor"]


def test_an_export_page_holds_at_most_20_orders(users_aws: UsersAws, services: OtherServices) -> None:
    """Each order on a page costs one GET /payments (api.md: `?limit=` 1..20)."""
    claims = signed_up_with_an_address()
    services.orders = [order(f"o{n}", "SHIPPED") for n in range(25)]
    too_long = as_caller("GET", "/users/me/export", claims, limit="21")
    assert too_long["statusCode"] == 400
    assert [error["field"] for error in too_long["json"]["errors"]] == ["limit"]

    first = as_caller("GET", "/users/me/export", claims)["json"]
    rest = as_caller("GET", "/users/me/export", claims, limit="20", cursor=first["orders"]["next_cursor"])[
        "json"
    ]

    assert [len(page["orders"]["items"]) for page in (first, rest)] == [20, 5]
    assert rest["orders"]["next_cursor"] is None
    payments_reads = [path for path, _ in services.seen if path.startswith("/payments")]
    assert len(payments_reads) == 25
