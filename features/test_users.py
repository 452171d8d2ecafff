"""Steps of users.feature: accounts, tokens and profiles (the generic ones are in steps.py)."""

from __future__ import annotations

import pytest
from pytest_bdd import parsers, scenarios, then, when

from .steps import ANONYMOUS, Shop

pytestmark = pytest.mark.acceptance

scenarios("users.feature")


@when(parsers.parse('a visitor registers as "{name}" with password "{password}"'))
def visitor_registers(shop: Shop, name: str, password: str) -> None:
    shop.sign_up(name, password)


@when(parsers.parse('"{name}" logs in with password "{password}"'))
def logs_in(shop: Shop, name: str, password: str) -> None:
    shop.log_in(name, password)


@when(parsers.parse('"{name}" refreshes the tokens'))
def refreshes(shop: Shop, name: str) -> None:
    refresh_token = shop.logins[name]["refresh_token"]
    answer = shop.call("POST", "/auth/refresh", actor=ANONYMOUS, json={"refresh_token": refresh_token})
    if answer.status_code == 200:
        shop.remembered["new_access_token"] = answer.json()["access_token"]


@when(parsers.parse('"{name}" asks for the profile with the new access token'))
def profile_with_new_token(shop: Shop, name: str) -> None:
    shop.call("GET", "/users/me", token=shop.remembered["new_access_token"])


@when(parsers.parse('"{name}" changes the name to "{new_name}" and adds an address in "{country}"'))
def changes_profile(shop: Shop, name: str, new_name: str, country: str) -> None:
    address = {"line1": "12 Analytical Row", "city": "Berlin", "postal_code": "10115", "country": country}
    shop.call("PATCH", "/users/me", actor=name, json={"name": new_name, "addresses": [address]})


@then(parsers.parse('the response holds the new account of "{name}"'))
def new_account(shop: Shop, name: str) -> None:
    body = shop.answer.json()
    assert set(body) == {"user_id", "email", "name"}, body
    assert body["email"] == shop.email_of(name)
    assert body["name"] == name
    assert body["user_id"]


@then("the response holds bearer tokens")
def bearer_tokens(shop: Shop) -> None:
    body = shop.answer.json()
    assert body["token_type"] == "Bearer"
    assert all(body[name] for name in ("access_token", "id_token", "refresh_token"))
    assert isinstance(body["expires_in"], int)
    assert body["expires_in"] > 0


@then("the response holds a new access token")
def new_access_token(shop: Shop) -> None:
    body = shop.answer.json()
    assert body["access_token"]
    assert body["id_token"]


@then(parsers.parse('the profile of "{name}" has the name "{expected}" and no addresses'))
def profile_without_addresses(shop: Shop, name: str, expected: str) -> None:
    body = shop.answer.json()
    assert body["email"] == shop.email_of(name)
    assert (body["name"], body["addresses"]) == (expected, [])
    assert body["created_at"].endswith("Z")


@then(parsers.parse('the profile of "{name}" has the name "{expected}" and an address in "{country}"'))
def profile_with_address(shop: Shop, name: str, expected: str, country: str) -> None:
    body = shop.answer.json()
    assert body["name"] == expected
    assert [address["country"] for address in body["addresses"]] == [country]
