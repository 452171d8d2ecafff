"""Accounts a customer manages: verification, sign-out, passwords, an admin's disable, and
the hourly cap on mailed codes, on the in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import SecretStr

from shop.kernel.clock import FixedClock
from shop.users import service
from shop.users.domain.errors import (
    AccountNotFound,
    AnotherAddressVerified,
    InvalidRefreshToken,
    SignedOutToken,
    WrongCode,
    WrongCredentials,
    WrongCurrentPassword,
)
from shop.users.domain.model import (
    Credentials,
    NewAccount,
    PasswordChange,
    PasswordReset,
    Tokens,
)
from shop.users.domain.notifications import OrderOutcome
from tests.unit.users.fakes import FakeCodeAllowance, FakeIdentity, FakeNotices, FakeNotifier, FakeProfiles

EMAIL = "ada@example.com"
PASSWORD = "secret123"


class Shop:
    def __init__(self) -> None:
        self.identity = FakeIdentity()
        self.profiles = FakeProfiles()
        self.allowance = FakeCodeAllowance()
        self.clock = FixedClock()
        account = NewAccount(email=EMAIL, password=SecretStr(PASSWORD), name="Ada")
        self.user_id = service.register(
            account, identity=self.identity, profiles=self.profiles, clock=self.clock
        ).user_id
        self.access_token = self.log_in().access_token

    def log_in(self, password: str = PASSWORD) -> Tokens:
        return service.log_in(Credentials(email=EMAIL, password=SecretStr(password)), identity=self.identity)

    def verify(self, code: str) -> None:
        service.verify_email(
            self.user_id,
            self.access_token,
            code,
            identity=self.identity,
            profiles=self.profiles,
            clock=self.clock,
        )

    def resend(self) -> None:
        service.resend_email_code(
            self.user_id,
            self.access_token,
            identity=self.identity,
            profiles=self.profiles,
            allowance=self.allowance,
            clock=self.clock,
        )

    def forgot(self, email: str = EMAIL) -> None:
        service.forgot_password(email, identity=self.identity, allowance=self.allowance, clock=self.clock)


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def shop() -> Shop:
    return Shop()


def test_sign_up_mails_a_code_that_verifies_the_address(shop: Shop) -> None:
    assert not shop.profiles.get(shop.user_id).email_verified
    with pytest.raises(WrongCode) as wrong:
        shop.verify(other_than(shop.identity.email_codes[EMAIL]))
    assert wrong.value.field == "code"
    shop.verify(shop.identity.email_codes[EMAIL])
    assert shop.profiles.get(shop.user_id).email_verified


def test_only_the_profiles_own_address_is_marked_verified(shop: Shop) -> None:
    shop.identity.change_email(shop.user_id, "other@example.com")  # in the provider, not the shop
    shop.resend()
    with pytest.raises(AnotherAddressVerified):
        shop.verify(shop.identity.email_codes["other@example.com"])
    assert not shop.profiles.get(shop.user_id).email_verified


def test_no_code_is_sent_once_the_address_is_verified(shop: Shop) -> None:
    shop.resend()
    shop.verify(shop.identity.email_codes[EMAIL])
    shop.resend()
    assert EMAIL not in shop.identity.email_codes


def test_codes_past_the_hourly_cap_are_not_sent(shop: Shop) -> None:
    shop.identity.accounts[EMAIL].email_verified = True
    for _ in range(5):  # api.md: at most 5 codes an hour
        shop.forgot()
        assert EMAIL in shop.identity.password_codes
        del shop.identity.password_codes[EMAIL]
    shop.forgot()
    assert EMAIL not in shop.identity.password_codes
    shop.clock.advance(timedelta(hours=1))
    shop.forgot()
    assert EMAIL in shop.identity.password_codes


def test_forgot_password_sends_a_code_only_to_a_verified_address(shop: Shop) -> None:
    shop.forgot()
    shop.forgot("nobody@example.com")
    assert shop.identity.password_codes == {}
    shop.verify(shop.identity.email_codes[EMAIL])
    shop.forgot()
    assert list(shop.identity.password_codes) == [EMAIL]


def test_a_reset_replaces_the_password_and_revokes_refresh_tokens(shop: Shop) -> None:
    refresh_token = shop.log_in().refresh_token
    assert refresh_token
    shop.verify(shop.identity.email_codes[EMAIL])
    shop.forgot()
    code = shop.identity.password_codes[EMAIL]
    wrong = PasswordReset(email=EMAIL, code=other_than(code), new_password=SecretStr("another42"))
    with pytest.raises(WrongCode):
        service.reset_password(wrong, identity=shop.identity)
    service.reset_password(
        PasswordReset(email=EMAIL, code=code, new_password=SecretStr("another42")), identity=shop.identity
    )
    with pytest.raises(WrongCredentials):
        shop.log_in()
    assert shop.log_in("another42").access_token
    with pytest.raises(InvalidRefreshToken):
        service.refresh(refresh_token, identity=shop.identity)


def test_sign_out_revokes_the_refresh_token_and_is_harmless_twice(shop: Shop) -> None:
    refresh_token = shop.log_in().refresh_token
    assert refresh_token
    service.log_out(refresh_token, identity=shop.identity)
    service.log_out(refresh_token, identity=shop.identity)
    with pytest.raises(InvalidRefreshToken):
        service.refresh(refresh_token, identity=shop.identity)


def test_a_signed_out_access_token_is_refused_at_once(shop: Shop) -> None:
    session = shop.log_in()
    assert session.refresh_token
    service.log_out(session.refresh_token, identity=shop.identity)
    change = PasswordChange(current_password=SecretStr(PASSWORD), new_password=SecretStr("another42"))
    with pytest.raises(SignedOutToken):
        service.change_password(session.access_token, change, identity=shop.identity)
    kept, shop.access_token = shop.access_token, session.access_token
    with pytest.raises(SignedOutToken):
        shop.resend()
    with pytest.raises(SignedOutToken):
        shop.verify(shop.identity.email_codes[EMAIL])
    shop.access_token = kept  # the session still signed in
    shop.verify(shop.identity.email_codes[EMAIL])
    assert shop.profiles.get(shop.user_id).email_verified


def test_a_password_change_needs_the_current_password(shop: Shop) -> None:
    wrong = PasswordChange(current_password=SecretStr("not-it-1"), new_password=SecretStr("another42"))
    with pytest.raises(WrongCurrentPassword) as caught:
        service.change_password(shop.access_token, wrong, identity=shop.identity)
    assert caught.value.field == "current_password"
    right = PasswordChange(current_password=SecretStr(PASSWORD), new_password=SecretStr("another42"))
    service.change_password(shop.access_token, right, identity=shop.identity)
    assert shop.log_in("another42").access_token


def test_a_disabled_account_can_neither_log_in_nor_refresh_until_enabled(shop: Shop) -> None:
    refresh_token = shop.log_in().refresh_token
    assert refresh_token
    service.set_account_enabled(shop.user_id, False, identity=shop.identity)
    with pytest.raises(WrongCredentials):
        shop.log_in()
    with pytest.raises(InvalidRefreshToken):
        service.refresh(refresh_token, identity=shop.identity)
    service.set_account_enabled(shop.user_id, True, identity=shop.identity)
    assert shop.log_in().access_token
    with pytest.raises(AccountNotFound):
        service.set_account_enabled("nobody", False, identity=shop.identity)


@pytest.mark.parametrize(
    ("verified", "verified_only", "sent"), [(False, False, 1), (False, True, 0), (True, True, 1)]
)
def test_order_notifications_may_go_to_verified_addresses_only(
    shop: Shop, verified: bool, verified_only: bool, sent: int
) -> None:
    if verified:
        shop.verify(shop.identity.email_codes[EMAIL])
    notifier = FakeNotifier()
    outcome = OrderOutcome(order_id="o1", customer_id=shop.user_id, status="CONFIRMED")
    service.notify_customer(
        outcome, notices=FakeNotices(shop.profiles), notifier=notifier, verified_only=verified_only
    )
    assert len(notifier.sent) == sent
