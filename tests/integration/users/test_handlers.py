"""The users service end to end through its Lambda handlers, with hand-built API Gateway
v2 and SQS events, on moto."""

from __future__ import annotations

import json
import logging
from typing import Any

import jwt
import pytest

from shop.kernel.events import Event
from shop.users.handlers import events as events_handler
from shop.users.handlers import http as http_handler
from tests.integration.users.conftest import UsersAws
from tests.support.dynamodb import DynamoCalls
from tests.support.http_events import api_request, json_body, sqs_batch

pytestmark = pytest.mark.integration

PASSWORD = "Secret123pw"
ADDRESS = {"line1": "1 Main St", "line2": "Flat 2", "city": "Berlin", "postal_code": "10115", "country": "DE"}


def call(
    method: str, path: str, body: Any = None, *, claims: dict[str, Any] | None = None, raw: str | None = None
) -> dict[str, Any]:
    event = api_request(method, path, raw if raw is not None else body, claims)
    response: dict[str, Any] = http_handler.handler(event, None)
    response["json"] = json_body(response)
    return response


def register(email: str = "ada@example.com", password: str = PASSWORD, name: str = "Ada") -> dict[str, Any]:
    return call("POST", "/users", {"email": email, "password": password, "name": name})


def log_in(email: str = "ada@example.com", password: str = PASSWORD) -> dict[str, Any]:
    return call("POST", "/auth/login", {"email": email, "password": password})


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def caller_claims(email: str = "ada@example.com", password: str = PASSWORD) -> dict[str, Any]:
    """The claims the gateway would pass after verifying the access token."""
    return claims_of(log_in(email, password)["json"]["access_token"])


def test_register_then_log_in(users_aws: UsersAws, dynamodb_requests: DynamoCalls) -> None:
    created = register(email="Ada@Example.com")
    assert created["statusCode"] == 201, created["body"]
    assert set(created["json"]) == {"user_id", "email", "name"}
    assert created["json"]["email"] == "ada@example.com"
    assert created["headers"]["X-Request-Id"]
    assert dynamodb_requests.operations == ["TransactWriteItems"]

    dynamodb_requests.reset()
    logged_in = log_in(email="ADA@example.com")
    assert logged_in["statusCode"] == 200, logged_in["body"]
    tokens = logged_in["json"]
    assert set(tokens) == {"access_token", "id_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0
    assert claims_of(tokens["access_token"])["sub"] == created["json"]["user_id"]
    assert dynamodb_requests.operations == []


def test_a_taken_email_is_409(users_aws: UsersAws) -> None:
    assert register()["statusCode"] == 201
    again = register(email="ADA@example.com", password="Other1234")
    assert again["statusCode"] == 409
    assert again["headers"]["Content-Type"] == "application/problem+json"
    assert again["json"]["errors"] == [{"field": "email", "message": again["json"]["detail"]}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ada@example.com", "password": "short1", "name": "Ada"}, "password"),
        ({"email": "ada@example.com", "password": "onlyletters", "name": "Ada"}, "password"),
        ({"email": "ada@example.com", "password": "1234567890", "name": "Ada"}, "password"),
        ({"email": "not-an-email", "password": PASSWORD, "name": "Ada"}, "email"),
        ({"email": "ada@example.com", "password": PASSWORD, "name": "  "}, "name"),
        ({"email": "ada@example.com", "password": PASSWORD}, "name"),
        ({"email": "ada@example.com", "password": PASSWORD, "name": "Ada", "admin": True}, "admin"),
    ],
)
def test_invalid_registrations_are_400_and_create_nothing(
    users_aws: UsersAws, body: dict[str, Any], field: str
) -> None:
    response = call("POST", "/users", body)
    assert response["statusCode"] == 400, response["body"]
    assert field in {error["field"] for error in response["json"]["errors"]}
    assert body.get("password", "unset") not in response["body"]
    assert users_aws.client("cognito-idp").list_users(UserPoolId=users_aws.pool_id)["Users"] == []
    assert users_aws.items() == []


def test_malformed_json_is_400(users_aws: UsersAws) -> None:
    assert call("POST", "/users", raw='{"email": ')["statusCode"] == 400


def test_a_failed_table_write_leaves_no_identity(
    users_aws: UsersAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USERS_TABLE_NAME", "no-such-table")
    response = register()
    assert response["statusCode"] == 500
    assert users_aws.client("cognito-idp").list_users(UserPoolId=users_aws.pool_id)["Users"] == []
    monkeypatch.setenv("USERS_TABLE_NAME", users_aws.table)
    assert register()["statusCode"] == 201  # the e-mail address is free again


def test_wrong_password_and_unknown_email_are_the_same_401(users_aws: UsersAws) -> None:
    register()
    wrong_password = log_in(password="Wrong12345")
    unknown_email = log_in(email="nobody@example.com")
    assert wrong_password["statusCode"] == unknown_email["statusCode"] == 401
    assert wrong_password["json"] == unknown_email["json"]
    assert wrong_password["json"]["detail"] == "Wrong e-mail or password."


def test_refresh(users_aws: UsersAws) -> None:
    user_id = register()["json"]["user_id"]
    refresh_token = log_in()["json"]["refresh_token"]
    refreshed = call("POST", "/auth/refresh", {"refresh_token": refresh_token})
    assert refreshed["statusCode"] == 200, refreshed["body"]
    assert {"access_token", "id_token", "token_type", "expires_in"} <= set(refreshed["json"])
    assert claims_of(refreshed["json"]["access_token"])["sub"] == user_id
    assert call("POST", "/auth/refresh", {"refresh_token": "forged"})["statusCode"] == 401
    assert call("POST", "/auth/refresh", {})["statusCode"] == 400


def test_a_signed_out_access_token_is_401_where_cognito_is_asked(users_aws: UsersAws) -> None:
    register()
    tokens = log_in()["json"]
    assert call("POST", "/auth/logout", {"refresh_token": tokens["refresh_token"]})["statusCode"] == 204
    # the gateway still lets the token through: its signature and expiry hold
    claims, headers = claims_of(tokens["access_token"]), {"Authorization": f"Bearer {tokens['access_token']}"}
    change = {"current_password": PASSWORD, "new_password": "Another123pw"}
    for path, body in [
        ("/users/me/email/verification", None),
        ("/users/me/email/verify", {"code": "123456"}),
        ("/users/me/password", change),
    ]:
        response = http_handler.handler(api_request("POST", path, body, claims, headers=headers), None)
        assert response["statusCode"] == 401, (path, response["body"])
        assert json_body(response)["type"] == "/problems/unauthorized"
    assert log_in()["statusCode"] == 200  # the password did not change


def test_get_and_patch_me(users_aws: UsersAws, dynamodb_requests: DynamoCalls) -> None:
    user_id = register()["json"]["user_id"]
    claims = caller_claims()

    dynamodb_requests.reset()
    me = call("GET", "/users/me", claims=claims)
    assert me["statusCode"] == 200, me["body"]
    assert dynamodb_requests.operations == ["GetItem"]
    assert me["json"]["user_id"] == user_id
    assert (me["json"]["email"], me["json"]["name"], me["json"]["addresses"]) == (
        "ada@example.com",
        "Ada",
        [],
    )
    assert me["json"]["created_at"].endswith("Z")

    dynamodb_requests.reset()
    patched = call("PATCH", "/users/me", {"name": "Ada Lovelace", "addresses": [ADDRESS]}, claims=claims)
    assert patched["statusCode"] == 200, patched["body"]
    assert dynamodb_requests.operations == ["GetItem", "PutItem"]
    assert patched["json"]["name"] == "Ada Lovelace"
    assert patched["json"]["addresses"] == [ADDRESS]
    assert patched["json"]["created_at"] == me["json"]["created_at"]

    renamed = call("PATCH", "/users/me", {"name": "Ada L."}, claims=claims)
    assert (renamed["json"]["name"], renamed["json"]["addresses"]) == ("Ada L.", [ADDRESS])
    assert call("GET", "/users/me", claims=claims)["json"] == renamed["json"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"addresses": [ADDRESS | {"country": "XX"}]}, "addresses.0.country"),
        ({"addresses": [{"line1": "1 Main St"}]}, "addresses.0.city"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"email": "other@example.com"}, "email"),
        ({}, "body"),
    ],
)
def test_bad_patches_are_400(users_aws: UsersAws, body: dict[str, Any], field: str) -> None:
    register()
    claims = caller_claims()
    response = call("PATCH", "/users/me", body, claims=claims)
    assert response["statusCode"] == 400, response["body"]
    assert field in {error["field"] for error in response["json"]["errors"]}
    assert call("GET", "/users/me", claims=claims)["json"]["name"] == "Ada"


def test_me_needs_a_caller(users_aws: UsersAws) -> None:
    assert call("GET", "/users/me")["statusCode"] == 401
    assert call("PATCH", "/users/me", {"name": "X"})["statusCode"] == 401
    assert call("GET", "/users/me", claims={"sub": "no-profile"})["statusCode"] == 404


def test_passwords_never_reach_logs_events_tables_or_responses(
    users_aws: UsersAws, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    responses = [
        register(password="Registered42"),
        register(password="Duplicate42"),
        register(email="weak@example.com", password="weakpass"),
        log_in(password="Registered42"),
        log_in(password="WrongGuess42"),
        log_in(email="nobody@example.com", password="Unknown42"),
    ]
    assert [response["statusCode"] for response in responses] == [201, 409, 400, 200, 401, 401]
    captured = capsys.readouterr()
    messages = [record.getMessage() for record in caplog.records]
    assert "user registered" in messages
    assert "login refused" in messages  # the refusals were logged, and are searched below
    written = "\n".join(
        [
            captured.out,
            captured.err,
            caplog.text,
            repr([record.__dict__ for record in caplog.records]),
            json.dumps([response["body"] for response in responses]),
            json.dumps(users_aws.items()),
        ]
    )
    assert "UserRegistered" in written  # the outbox event is part of what was searched
    for password in ["Registered42", "Duplicate42", "weakpass", "WrongGuess42", "Unknown42"]:
        assert password not in written


def order_event(event_type: str, customer_id: str, **data: Any) -> Event:
    payload = {"order_id": "order-1", "customer_id": customer_id, "lines": [], **data}
    return Event(event_type=event_type, correlation_id="corr-1", data=payload)


def test_order_outcomes_notify_the_customer_once(users_aws: UsersAws, dynamodb_requests: DynamoCalls) -> None:
    user_id = register()["json"]["user_id"]
    confirmed = order_event("OrderConfirmed", user_id, total={"amount": 1999, "currency": "EUR"})

    dynamodb_requests.reset()
    result = events_handler.handler(sqs_batch([confirmed]), None)
    assert result == {"batchItemFailures": []}
    assert dynamodb_requests.operations == ["BatchGetItem", "PutItem"]
    [notification] = users_aws.notifications()
    assert notification["email"] == "ada@example.com"
    assert (notification["order_id"], notification["status"], notification["reason"]) == (
        "order-1",
        "CONFIRMED",
        None,
    )
    assert notification["subject"] == "Your order order-1 is confirmed"

    assert events_handler.handler(sqs_batch([confirmed]), None) == {"batchItemFailures": []}  # redelivered
    assert users_aws.notifications() == []

    cancelled = order_event("OrderCancelled", user_id, reason="PAYMENT_DECLINED")
    assert events_handler.handler(sqs_batch([cancelled]), None) == {"batchItemFailures": []}
    [notification] = users_aws.notifications()
    assert (notification["status"], notification["reason"]) == ("CANCELLED", "PAYMENT_DECLINED")
    assert "declined" in notification["text"]


def test_an_unknown_customer_is_acknowledged_and_a_bad_event_fails_alone(users_aws: UsersAws) -> None:
    ghost = order_event("OrderConfirmed", "ghost")
    broken = Event(event_type="OrderCancelled", correlation_id="corr-2", data={"order_id": "o2"})
    result = events_handler.handler(sqs_batch([ghost, broken]), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert users_aws.notifications() == []


def test_a_user_deleted_event_closes_the_identity_once(users_aws: UsersAws) -> None:
    """The second half of a deletion, for when Cognito could not be reached during the request."""
    user_id = register()["json"]["user_id"]
    assert log_in()["statusCode"] == 200
    deleted = Event(event_type="UserDeleted", correlation_id="corr-1", data={"user_id": user_id})

    assert events_handler.handler(sqs_batch([deleted]), None) == {"batchItemFailures": []}
    assert log_in()["statusCode"] == 401
    assert events_handler.handler(sqs_batch([deleted]), None) == {"batchItemFailures": []}  # redelivered
