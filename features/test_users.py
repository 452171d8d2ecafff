"""Steps of users.feature: accounts, tokens and profiles (the generic ones are in steps.py)."""

from __future__ import annotations

import re

import pytest
import requests
from pytest_bdd import given, parsers, scenarios, then, when

from .steps import ADMIN, ANONYMOUS, CUSTOMER_PASSWORD, TIMEOUT, Shop, eventually

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


@given(parsers.parse('"{name}" has {count:d} settled orders'))
def settled_orders(shop: Shop, name: str, count: int) -> None:
    product = shop.pick_product()
    placed: list[str] = []
    for _ in range(count):  # one after the other: a customer has one order in flight at a time
        assert shop.put_in_cart(name, product["product_id"], 1).status_code == 200, shop.answer.text
        assert shop.check_out(name).status_code == 202, shop.answer.text
        placed.append(shop.remembered["order_id"])
        shop.wait_for_field(f"/orders/{placed[-1]}", "status", "CONFIRMED", actor=name)
    shop.remembered["orders"] = placed
    shop.remembered["old_user_id"] = shop.call("GET", "/users/me", actor=name).json()["user_id"]


@when(parsers.parse('"{name}" exports the data'))
def exports(shop: Shop, name: str) -> None:
    shop.call("GET", "/users/me/export", actor=name, params={"limit": 20})  # the most per page


@when(parsers.parse('"{name}" deletes the account with password "{password}"'))
def deletes_with(shop: Shop, name: str, password: str) -> None:
    shop.call("DELETE", "/users/me", actor=name, json={"password": password})


@when(parsers.parse('"{name}" deletes the account with the right password'))
def deletes(shop: Shop, name: str) -> None:
    shop.call("DELETE", "/users/me", actor=name, json={"password": CUSTOMER_PASSWORD})


@when(parsers.parse('"{name}" logs in again'))
def logs_in_again(shop: Shop, name: str) -> None:
    shop.log_in(name)


@when(parsers.parse('"{name}" registers again with the same e-mail'))
def registers_again(shop: Shop, name: str) -> None:
    shop.register(name)


@then(parsers.parse('the export holds the profile of "{name}" and every order with its payments'))
def export_holds_everything(shop: Shop, name: str) -> None:
    body = shop.answer.json()
    assert body["profile"]["email"] == shop.email_of(name)
    orders = body["orders"]["items"]
    assert sorted(order["order_id"] for order in orders) == sorted(shop.remembered["orders"])
    assert all(order["history"] and order["lines"] for order in orders)
    paid = {payment["order_id"] for payment in body["payments"]["items"]}
    assert paid == set(shop.remembered["orders"])
    assert body["orders"]["next_cursor"] is None
    assert "items" in body["cart"]


@then(parsers.parse('"{name}" is a new account that sees no old orders'))
def new_account_without_history(shop: Shop, name: str) -> None:
    me = shop.call("GET", "/users/me", actor=name).json()
    assert me["user_id"] != shop.remembered["old_user_id"]
    assert shop.call("GET", "/orders", actor=name).json()["items"] == []
    assert shop.call("GET", "/users/me/export", actor=name).json()["orders"]["items"] == []


# -- accounts a customer manages: the mailbox, sign-out, passwords, admin -------------------

MAILBOX_PATH = "/_local/mailbox"  # the embedded stack's own page: not in the OpenAPI document


def mailed_code(shop: Shop, name: str, purpose: str) -> str:
    """The code in the newest message to `name` whose subject mentions `purpose`, read from the
    local mailbox; the step is skipped, with the reason, where the target has none."""
    url = shop.url + MAILBOX_PATH
    probe = requests.get(url, params={"to": shop.email_of(name)}, timeout=TIMEOUT)
    if probe.status_code != 200:
        pytest.skip(
            f"{url} answers {probe.status_code}: a mailed code can be read only on the embedded stack"
        )

    def newest() -> str:
        messages = requests.get(url, params={"to": shop.email_of(name)}, timeout=TIMEOUT).json()
        codes = [re.findall(r"\b\d{6}\b", m["body"]) for m in messages if purpose in m["subject"]]
        assert codes, f"no {purpose} code for {name} in the mailbox"
        return str(codes[-1][0])

    return eventually(newest)


def verify_address(shop: Shop, name: str) -> None:
    code = mailed_code(shop, name, "verification")
    shop.call("POST", "/users/me/email/verify", actor=name, json={"code": code})


@given(parsers.parse('a signed-in customer "{name}" whose address is verified'))
def verified_customer(shop: Shop, name: str) -> None:
    shop.register(name)
    verify_address(shop, name)
    assert shop.answer.status_code == 204, f"verifying {name}: {shop.answer.status_code} {shop.answer.text}"


@when(parsers.parse('"{name}" verifies the address with the code from the mailbox'))
def verifies_address(shop: Shop, name: str) -> None:
    verify_address(shop, name)


@when(parsers.parse('"{name}" signs out'))
def signs_out(shop: Shop, name: str) -> None:
    refresh_token = shop.logins[name]["refresh_token"]
    shop.call("POST", "/auth/logout", actor=ANONYMOUS, json={"refresh_token": refresh_token})


@when(parsers.parse('"{name}" says the password is forgotten'))
def forgets_password(shop: Shop, name: str) -> None:
    shop.call("POST", "/auth/password/forgot", actor=ANONYMOUS, json={"email": shop.email_of(name)})


@when(parsers.parse('"{name}" resets the password to "{password}" with the code from the mailbox'))
def resets_password(shop: Shop, name: str, password: str) -> None:
    reset = {"email": shop.email_of(name), "code": mailed_code(shop, name, "reset"), "new_password": password}
    shop.call("POST", "/auth/password/reset", actor=ANONYMOUS, json=reset)


@when(parsers.parse('"{name}" changes the password from "{current}" to "{new}"'))
def changes_password(shop: Shop, name: str, current: str, new: str) -> None:
    change = {"current_password": current, "new_password": new}
    shop.call("POST", "/users/me/password", actor=name, json=change)


@when(parsers.re(r'the admin (?P<action>disable|enable)s the account of "(?P<name>[^"]+)"$'))
def admin_sets_enabled(shop: Shop, action: str, name: str) -> None:
    profile = shop.call("GET", "/users/me", actor=name)
    assert profile.status_code == 200, profile.text
    shop.call("POST", f"/admin/users/{profile.json()['user_id']}/{action}", actor=ADMIN)


@then(parsers.parse("the last {count:d} answers are alike: status {status:d} and the same body"))
def answers_alike(shop: Shop, count: int, status: int) -> None:
    answers = shop.history[-count:]
    assert [answer.status_code for answer in answers] == [status] * count, [a.text for a in answers]
    assert len({answer.content for answer in answers}) == 1, [a.text for a in answers]
