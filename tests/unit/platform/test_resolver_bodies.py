"""Every body is checked whatever the method carrying it (DELETE /users/me takes one), and a
body that gets past those checks still never makes the resolver fail."""

import base64
from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from shop.platform.http import build_http_app, lambda_handler
from shop.platform.routing import Body
from tests.support.http_events import api_request, json_body

app = build_http_app("test")


class Confirmation(BaseModel):
    password: str


@app.delete("/accounts/me")
def delete_account(confirmation: Annotated[Confirmation, Body()]) -> dict[str, str]:
    return {"deleted": "yes"}


handler = lambda_handler(app, "test")

HOSTILE = {
    "nested 50,000 deep": "[" * 50_000,  # within 64 KiB: a parser recurses before it sees the end
    "a 5,000-digit number": '{"password": ' + "9" * 5000 + "}",
}


def _body_errors(response: dict[str, Any]) -> list[str]:
    assert response["statusCode"] == 400, response
    return [error["field"] for error in json_body(response)["errors"]]


def test_a_body_of_bytes_that_are_not_utf8_is_a_400_on_a_delete() -> None:
    event = api_request("DELETE", "/accounts/me", body={"password": "x"})
    event["body"] = base64.b64encode(b'{"password": "\xfe\xff"}').decode()
    event["isBase64Encoded"] = True
    assert _body_errors(handler(event, None)) == ["body"]


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("method", ["DELETE", "GET"])
def test_hostile_json_is_a_400_whatever_the_method(method: str, body: str) -> None:
    assert _body_errors(handler(api_request(method, "/accounts/me", body=body), None)) == ["body"]


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_resolver_alone_refuses_hostile_json_as_a_400(body: str) -> None:
    # without the handler's checks in front (they use another parser, with bounds of its own)
    assert _body_errors(app.resolve(api_request("DELETE", "/accounts/me", body=body), None)) == ["body"]


def test_a_delete_body_of_another_media_type_is_a_415() -> None:
    event = api_request("DELETE", "/accounts/me", body="password=x", headers={"content-type": "text/plain"})
    assert handler(event, None)["statusCode"] == 415


def test_a_json_body_reaches_a_delete() -> None:
    assert json_body(handler(api_request("DELETE", "/accounts/me", body={"password": "x"}), None)) == {
        "deleted": "yes"
    }
