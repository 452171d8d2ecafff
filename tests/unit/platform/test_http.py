"""The platform's HTTP contract, through a small app built the way services build theirs."""

import base64
import json
import logging
import re
from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.errors import Conflict, NotFound, PreconditionFailed
from shop.platform.http import (
    build_http_app,
    caller,
    json_response,
    lambda_handler,
    require_admin,
    route_auth,
)
from shop.platform.routing import Body
from shop.platform.transaction import Transaction
from shop.resources import load_resources
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


@app.delete("/things/<thing_id>")
def delete_thing(thing_id: str) -> dict[str, str]:
    changed = PreconditionFailed(f"thing {thing_id} changed")
    changed.extensions["thing_id"] = thing_id
    changed.headers["ETag"] = '"v2"'
    raise changed


@app.get("/admin/things")
def admin_things() -> dict[str, str]:
    return {"admin": require_admin(app).user_id}


@app.get("/boom")
def boom() -> dict[str, str]:
    raise RuntimeError("secret internals")


AWS_ANSWERS: dict[str, dict[str, Any]] = {
    "throttled": {"Error": {"Code": "ProvisionedThroughputExceededException"}},
    "lost-race": {
        "Error": {"Code": "TransactionCanceledException"},
        "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
    },
    "condition": {
        "Error": {"Code": "TransactionCanceledException"},
        "CancellationReasons": [{"Code": "ConditionalCheckFailed"}],
    },
    "denied": {"Error": {"Code": "AccessDeniedException"}},
}


@app.get("/aws/<answer>")
def aws_says(answer: str) -> dict[str, str]:
    raise ClientError(AWS_ANSWERS[answer], "TransactWriteItems")  # type: ignore[arg-type]


class TransactionCanceledException(ClientError):
    """What botocore raises when DynamoDB cancels a TransactWriteItems."""


class CancellingTable:
    """A DynamoDB client that cancels every transaction for these reasons."""

    exceptions = SimpleNamespace(TransactionCanceledException=TransactionCanceledException)

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons

    def transact_write_items(self, **_: Any) -> None:
        answer: Any = {
            "Error": {"Code": "TransactionCanceledException"},
            "CancellationReasons": [{"Code": reason} for reason in self.reasons],
        }
        raise TransactionCanceledException(answer, "TransactWriteItems")


CANCELLATIONS = {
    "lost-race": ["TransactionConflict"],
    "throttled": ["None", "ThrottlingError"],
    "over-capacity": ["ProvisionedThroughputExceeded", "None"],
    "unnamed-condition": ["ConditionalCheckFailed"],
    "invalid": ["ValidationError"],
}


@app.post("/commits/<cause>")
def commit_cancelled(cause: str) -> dict[str, str]:
    # a store's commit without `otherwise=`, as products, carts, orders and users have
    transaction = Transaction(CancellingTable(CANCELLATIONS[cause]), "things")
    transaction.put({"pk": "THING#1", "sk": "THING"}, "attribute_exists(pk)")
    transaction.commit()
    return {}


@app.get("/broken")
def broken() -> NewThing:
    return {"name": "", "quantity": 0}  # type: ignore[return-value]  # off the route's own model


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


def test_a_domain_error_adds_its_problem_members_and_headers() -> None:
    answer = request("DELETE", "/things/t1", claims=ALICE)
    assert (answer["statusCode"], answer["headers"]["ETag"]) == (412, '"v2"')
    assert problem(answer)["thing_id"] == "t1"
    assert problem(answer)["type"] == "/problems/precondition-failed"


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


@pytest.mark.parametrize("answer", ["throttled", "lost-race"])
def test_aws_busy_is_503_with_retry_after(answer: str) -> None:
    response = request("GET", f"/aws/{answer}")
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "1"
    assert problem(response)["type"] == "/problems/service-unavailable"


@pytest.mark.parametrize("answer", ["condition", "denied"])
def test_other_aws_errors_stay_500_without_internals(answer: str) -> None:
    response = request("GET", f"/aws/{answer}")
    assert response["statusCode"] == 500
    assert "TransactWriteItems" not in response["body"]


@pytest.mark.parametrize("cause", ["lost-race", "throttled", "over-capacity"])
def test_a_transaction_cancelled_for_a_passing_cause_is_503_with_retry_after(cause: str) -> None:
    response = request("POST", f"/commits/{cause}", claims=ALICE)
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "1"
    assert problem(response)["type"] == "/problems/service-unavailable"


@pytest.mark.parametrize("cause", ["unnamed-condition", "invalid"])
def test_a_transaction_cancelled_for_another_cause_is_500_without_internals(cause: str) -> None:
    response = request("POST", f"/commits/{cause}", claims=ALICE)
    assert response["statusCode"] == 500
    assert "ConditionalCheckFailed" not in response["body"]
    assert "ValidationError" not in response["body"]


def test_an_answer_off_its_declared_model_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    response = request("GET", "/broken")
    assert response["statusCode"] == 500
    assert problem(response)["type"] == "/problems/internal-server-error"
    assert "errors" not in problem(response)
    [logged] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert logged.exc_info is not None
    assert "quantity" in str(logged.exc_info[1])


def test_request_id_is_echoed_or_made() -> None:
    assert request("GET", "/things/t1", request_id="req-42")["headers"]["X-Request-Id"] == "req-42"
    assert request("GET", "/things/t1")["headers"]["X-Request-Id"]


@pytest.mark.parametrize(
    "sent",
    ["x" * 5000, "<script>alert(1)</script>", "a b", "id\u00e9", "x" * 129],
    ids=["5000 characters", "markup", "space", "non-ascii", "129 characters"],
)
def test_a_request_id_that_is_not_a_short_safe_token_is_replaced(sent: str) -> None:
    given = request("GET", "/things/t1", request_id=sent)["headers"]["X-Request-Id"]
    assert given != sent
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", given)
    assert (
        request("GET", "/things/t1", request_id="A.b_c-9" * 18)["headers"]["X-Request-Id"] == "A.b_c-9" * 18
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 1000 + "]" * 1000, "The body is not valid JSON: it is nested deeper than 200 levels."),
        (
            '{"name": "lamp", "quantity": ' + "9" * 5000 + "}",
            "The body is not valid JSON: a number has more than 4300 digits.",
        ),
        ('{"name": "lamp", "quantity": NaN}', "The body is not valid JSON."),
        ('{"name": "\\ud800", "quantity": 1}', "The body is not valid JSON."),  # a lone surrogate is no text
    ],
)
def test_hostile_json_is_400_before_any_route_runs(body: str, message: str) -> None:
    response = request("POST", "/things", body, claims=ALICE)
    assert response["statusCode"] == 400
    assert problem(response)["errors"] == [{"field": "body", "message": message}]


def test_a_number_within_the_bounds_reaches_validation() -> None:
    response = request("POST", "/things", '{"name": "lamp", "quantity": ' + "9" * 4300 + "}", claims=ALICE)
    assert response["statusCode"] == 400
    assert [error["field"] for error in problem(response)["errors"]] == ["quantity"]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
    ],
)
def test_every_json_media_type_the_platform_accepts_the_resolver_reads(content_type: str) -> None:
    body = json.dumps({"name": "lamp", "quantity": 2})
    response = request("POST", "/things", body, content_type=content_type, claims=ALICE)
    assert response["statusCode"] == 201


@pytest.mark.parametrize("content_type", ["text/json", "application/xml", "text/plain", "application/jsonp"])
def test_other_media_types_are_415(content_type: str) -> None:
    body = json.dumps({"name": "lamp", "quantity": 2})
    assert request("POST", "/things", body, content_type=content_type, claims=ALICE)["statusCode"] == 415


@pytest.mark.parametrize("body", ['{"nonsense": true}', "[" * 1000, "{"])
def test_who_may_call_an_admin_route_is_decided_before_its_body_is_read(body: str) -> None:
    # POST /products is an admin route in resources.json; this app does not even have it
    customer = handler(api_request("POST", "/products", body, ALICE), None)
    anonymous = handler(api_request("POST", "/products", body), None)
    admin = handler(
        api_request("POST", "/products", "{}", {"sub": "root", "cognito:groups": "[admin]"}), None
    )
    assert (customer["statusCode"], problem(customer)["title"]) == (403, "Forbidden")
    assert (anonymous["statusCode"], problem(anonymous)["title"]) == (401, "Not authenticated")
    assert admin["statusCode"] == 404  # let through: the app has no such route


def test_the_route_auth_the_platform_reads_is_the_typed_models() -> None:
    # read from the JSON, not through shop.resources, to keep the typed model off the cold start
    assert route_auth() == {route.route_key: route.auth for route in load_resources().routes}
