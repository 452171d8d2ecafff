from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr, ValidationError

from shop.kernel.address import Address
from shop.users.domain.model import (
    Credentials,
    NewAccount,
    ProfileChanges,
    UserProfile,
    check_password_strength,
    normalize_email,
)
from shop.users.domain.notifications import Notification, OrderOutcome, Recipient

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ADDRESS = {"line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"}


def account(**overrides: str) -> NewAccount:
    fields = {"email": "Ada@Example.COM", "password": "secret123", "name": "Ada"} | overrides
    return NewAccount.model_validate(fields)


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalize_email("Ada.Lovelace+shop@Example.co.UK") == "ada.lovelace+shop@example.co.uk"


@pytest.mark.parametrize(
    "email",
    [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "a da@example.com",
        "ada..l@example.com",
    ],
)
def test_invalid_emails_are_refused(email: str) -> None:
    with pytest.raises(ValidationError) as caught:
        account(email=email)
    assert caught.value.errors()[0]["loc"] == ("email",)


@pytest.mark.parametrize(
    "password", ["short1", "12345678", "abcdefgh", "abc 123", " secret123", "secret123 "]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        account(password=password)
    assert caught.value.errors()[0]["loc"] == ("password",)


@pytest.mark.parametrize("password", ["secret12", "Pässwort1", "a1234567", "correct horse battery 9"])
def test_strong_passwords_pass(password: str) -> None:
    assert check_password_strength(SecretStr(password)).get_secret_value() == password


def test_a_refused_password_is_never_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        account(password="hunter2")
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(caught.value.errors(include_input=False))


def test_an_account_never_shows_its_password() -> None:
    new = account()
    assert new.email == "ada@example.com"
    assert "secret123" not in repr(new)
    assert "secret123" not in new.model_dump_json()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "Ada\x00"])
def test_names_must_be_printable_and_short(name: str) -> None:
    with pytest.raises(ValidationError):
        account(name=name)


def test_credentials_normalize_the_email_only() -> None:
    credentials = Credentials.model_validate({"email": " ADA@example.com", "password": "Secret123"})
    assert credentials.email == "ada@example.com"
    assert credentials.password.get_secret_value() == "Secret123"


def test_profile_changes_need_something_to_change() -> None:
    with pytest.raises(ValidationError):
        ProfileChanges.model_validate({})


@pytest.mark.parametrize("body", [{"name": None}, {"addresses": None}, {"email": "x@example.com"}])
def test_profile_changes_refuse_nulls_and_unknown_fields(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ProfileChanges.model_validate(body)


def test_at_most_ten_addresses() -> None:
    with pytest.raises(ValidationError):
        ProfileChanges.model_validate({"addresses": [ADDRESS] * 11})
    assert len(ProfileChanges.model_validate({"addresses": [ADDRESS] * 10}).addresses or ()) == 10


def test_registering_makes_a_profile_and_an_event() -> None:
    registered = UserProfile.register("u1", account(), NOW)
    profile, (event,) = registered.after, registered.events
    assert registered.before is None
    assert (profile.user_id, profile.email, profile.name, profile.addresses) == (
        "u1",
        "ada@example.com",
        "Ada",
        (),
    )
    assert profile.created_at == NOW
    assert event.event_type == "UserRegistered"
    assert event.model_dump() == {"user_id": "u1", "email": "ada@example.com", "name": "Ada"}


def test_a_change_replaces_only_given_fields_and_bumps_the_version() -> None:
    profile = UserProfile.register("u1", account(), NOW).after
    later = NOW + timedelta(minutes=5)
    renaming = profile.change(ProfileChanges.model_validate({"name": " Ada L. "}), later)
    renamed = renaming.after
    assert (renaming.before, renaming.events) == (profile, ())  # stored on condition of what it was
    assert (renamed.name, renamed.addresses, renamed.version, renamed.updated_at) == ("Ada L.", (), 2, later)
    moved = renamed.change(ProfileChanges.model_validate({"addresses": [ADDRESS]}), later).after
    assert moved.name == "Ada L."
    assert moved.addresses == (Address.model_validate(ADDRESS),)
    assert moved.version == 3
    assert moved.created_at == NOW


def test_outcomes_read_only_what_they_need() -> None:
    confirmed = OrderOutcome.confirmed(
        {"order_id": "o1", "customer_id": "u1", "total": {"amount": 1, "currency": "EUR"}}
    )
    cancelled = OrderOutcome.cancelled(
        {"order_id": "o1", "customer_id": "u1", "reason": "OUT_OF_STOCK", "lines": []}
    )
    assert (confirmed.status, confirmed.reason, confirmed.notice_id) == ("CONFIRMED", None, "o1#CONFIRMED")
    assert (cancelled.status, cancelled.reason, cancelled.notice_id) == (
        "CANCELLED",
        "OUT_OF_STOCK",
        "o1#CANCELLED",
    )
    with pytest.raises(ValidationError):
        OrderOutcome.cancelled({"order_id": "o1", "customer_id": "u1"})


def test_notifications_say_what_happened() -> None:
    ada = Recipient(user_id="u1", email="ada@example.com", name="Ada")
    confirmed = Notification.about(OrderOutcome(order_id="o1", customer_id="u1", status="CONFIRMED"), ada)
    declined = Notification.about(
        OrderOutcome(order_id="o1", customer_id="u1", status="CANCELLED", reason="PAYMENT_DECLINED"), ada
    )
    assert confirmed.subject == "Your order o1 is confirmed"
    assert confirmed.email == "ada@example.com"
    assert "declined" in declined.text
    assert declined.subject == "Your order o1 was cancelled"
    assert (declined.order_id, declined.status, declined.reason) == ("o1", "CANCELLED", "PAYMENT_DECLINED")
