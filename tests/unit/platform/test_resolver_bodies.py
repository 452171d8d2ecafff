"""A body the platform's own checks let through (they read POST, PUT and PATCH bodies) still
never makes the resolver fail: bytes that are not UTF-8 are a 400 on any method's body."""

import base64
from typing import Annotated

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


def test_a_body_of_bytes_that_are_not_utf8_is_a_400_on_a_delete() -> None:
    event = api_request("DELETE", "/accounts/me", body={"password": "x"})
    event["body"] = base64.b64encode(b'{"password": "\xfe\xff"}').decode()
    event["isBase64Encoded"] = True
    response = handler(event, None)
    assert response["statusCode"] == 400, response
    assert [error["field"] for error in json_body(response)["errors"]] == ["body"]


def test_a_json_body_reaches_a_delete() -> None:
    assert json_body(handler(api_request("DELETE", "/accounts/me", body={"password": "x"}), None)) == {
        "deleted": "yes"
    }
