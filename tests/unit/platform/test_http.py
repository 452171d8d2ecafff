"""The platform's HTTP contract, through a small app built the way services build theirs."""

import base64
import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.errors import Conflict, NotFound
from shop.platform.http import build_http_app, caller, json_response, lambda_handler, require_admin
from tests.support.http_events import api_request


class NewThing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    quantity: int = Field(ge=1, le=99)


app = build_http_app("test")


@app.post("/things")
def create_thing(thing: Annotated[NewThing, Body()]) -> Any:
    if thing.name == "taken":
        raise Conflict("that name is taken", field="name")
    return json_response(201, {"name": thing.name, "owner": caller(app).user_id})


@app.get("/things/<thing_id>")
def get_thing(thing_id: str) -> dict[str, str]:
    raise NotFound(f"no thing {thing_id}")


@app.get("/admin/things")
def admin_things() -> dict[str, str]:
    return {"admin": require_admin(app).user_id}


@app.get("/boom")
def boom() -> dict[str, str]:
    raise RuntimeError("secret internals")


handler = lambda_handler(app, "test")


def request(
    method: str,
    path: str,
    body: str | None = None,
    *,
    content_type: str = "application/json",
    claims: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    headers = {"content-type": content_type}
    if request_id:
        headers["x-request-id"] = request_id
    return handler(api_request(method, path, body, claims, headers), None)


def problem(response: dict[str, Any]) -> dict[str, Any]:
    assert response["headers"]["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = json.loads(response["body"])
    assert body["status"] == response["statusCode"]
    return body


ALICE = {"sub": "alice"}


def test_valid_body_reaches_the_route_with_the_caller() -> None:
    response = request("POST", "/things", json.dumps({"name": "lamp", "quantity": 2}), claims=ALICE)
    assert response["statusCode"] == 201
    assert json.loads(response["body"]) == {"name": "lamp", "owner": "alice"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "lamp", "quantity": 0}', "quantity"),
        ('{"name": "lamp", "quantity": "x"}', "quantity"),
        ('{"name": "lamp", "quantity": 1, "colour": "red"}', "colour"),
        ('{"quantity": 1}', "name"),
    ],
)
def test_invalid_fields_are_400_with_the_field_named(body: str, field: str) -> None:
    response = request("POST", "/things", body, claims=ALICE)
    assert response["statusCode"] == 400
    assert field in {error["field"] for error in problem(response)["errors"]}


def test_malformed_json_is_400() -> None:
    response = request("POST", "/things", '{"name": ', claims=ALICE)
    assert response["statusCode"] == 400
    assert problem(response)["errors"] == [{"field": "body", "message": "The body is not valid JSON."}]


@pytest.mark.parametrize("raw", [b"\xff\xfe{}", b'{"name": "l\xe4mp", "quantity": 1}'])
def test_json_body_that_is_not_utf8_is_400_not_500(raw: bytes) -> None:
    # the gateway hands over bytes it cannot read as UTF-8 base64-encoded
    event = api_request("POST", "/things", "{}", ALICE)
    event.update(body=base64.b64encode(raw).decode(), isBase64Encoded=True)
    response = handler(event, None)
    assert response["statusCode"] == 400
    assert problem(response)["errors"] == [
        {"field": "body", "message": "The body is not valid JSON: JSON text is UTF-8."}
    ]


def test_non_json_body_is_415_and_oversize_is_413() -> None:
    assert request("POST", "/things", "name=lamp", content_type="text/plain")["statusCode"] == 415
    huge = json.dumps({"name": "x" * 70_000, "quantity": 1})
    assert request("POST", "/things", huge, claims=ALICE)["statusCode"] == 413


def test_domain_errors_map_to_their_status() -> None:
    conflict = request("POST", "/things", json.dumps({"name": "taken", "quantity": 1}), claims=ALICE)
    assert conflict["statusCode"] == 409
    assert problem(conflict)["errors"] == [{"field": "name", "message": "that name is taken"}]
    assert request("GET", "/things/t1")["statusCode"] == 404
    assert request("GET", "/nowhere")["statusCode"] == 404


def test_admin_routes_need_the_admin_group() -> None:
    assert request("GET", "/admin/things")["statusCode"] == 401
    assert request("GET", "/admin/things", claims=ALICE)["statusCode"] == 403
    admin = request("GET", "/admin/things", claims={"sub": "root", "cognito:groups": "[admin]"})
    assert admin["statusCode"] == 200
    assert (
        request("GET", "/admin/things", claims={"sub": "r", "cognito:groups": ["admin"]})["statusCode"] == 200
    )


def test_unexpected_errors_are_500_without_internals() -> None:
    response = request("GET", "/boom")
    assert response["statusCode"] == 500
    assert "secret internals" not in response["body"]
    assert "Traceback" not in response["body"]


def test_request_id_is_echoed_or_made() -> None:
    assert request("GET", "/things/t1", request_id="req-42")["headers"]["X-Request-Id"] == "req-42"
    assert request("GET", "/things/t1")["headers"]["X-Request-Id"]
