"""The users' documented values and messages, stated as the document states them."""

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr, ValidationError

from shop.users.domain.model import NewAccount, UserProfile, check_password_strength
from shop.users.domain.notifications import Notification, OrderOutcome, Recipient

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ADA = Recipient(user_id="u1", email="ada@example.com", name="Ada")


def test_a_password_may_have_up_to_256_characters_cognitos_limit() -> None:
    longest = "a1" * 128
    assert check_password_strength(SecretStr(longest)).get_secret_value() == longest
    with pytest.raises(ValueError, match="The password needs"):
        check_password_strength(SecretStr(longest + "a"))


def test_a_weak_password_is_refused_with_the_documented_message() -> None:
    with pytest.raises(ValidationError) as refused:
        NewAccount.model_validate({"email": "ada@example.com", "password": "short1", "name": "Ada"})
    error = refused.value.errors()[0]
    assert (error["loc"], error["type"], error["msg"]) == (
        ("password",),
        "weak_password",
        "The password needs at least 8 characters, with an ASCII letter and a digit,"
        " and may not start or end with a space.",
    )


def test_an_invalid_email_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        NewAccount.model_validate({"email": "ada@", "password": "secret123", "name": "Ada"})
    error = refused.value.errors()[0]
    assert (error["loc"], error["type"], error["msg"]) == (
        ("email",),
        "invalid_email",
        "Not a valid e-mail address.",
    )


def test_verifying_the_address_is_a_new_version_stamped_with_its_time() -> None:
    account = NewAccount.model_validate({"email": "ada@example.com", "password": "secret123", "name": "Ada"})
    profile = UserProfile.register("u1", account, NOW).after
    later = datetime(2026, 3, 2, tzinfo=UTC)
    change = profile.verified(later)
    verified = change.after
    assert (verified.email_verified, verified.updated_at, verified.version) == (True, later, 2)
    assert change.events == ()  # nobody else is told


def test_a_cancellation_for_a_reason_the_shop_does_not_know_says_it_could_not_be_completed() -> None:
    for reason in ("SOMETHING_NEW", None):
        outcome = OrderOutcome(order_id="o1", customer_id="u1", status="CANCELLED", reason=reason)
        assert Notification.about(outcome, ADA).text == (
            "Hello Ada, your order o1 was cancelled: it could not be completed."
        )


def test_a_subject_is_cut_at_snss_100_characters() -> None:
    order_id = "o" * 100
    subject = Notification.about(
        OrderOutcome(order_id=order_id, customer_id="u1", status="CONFIRMED"), ADA
    ).subject
    assert subject == f"Your order {order_id}"[:100]
    assert len(subject) == 100
