"""One contract for the users' IdentityProvider port, run on the in-memory fake and on the
Cognito adapter (moto, with the local stack's emulation of what moto lacks: its codes are
read from the local mailbox), so the fake refuses whatever Cognito refuses: a wrong or used
code, a revoked refresh token, an access token signed out (by a sign-out, a reset or a
disable: the gateway still lets it through), a reset for an unverified address, a disabled
account, a run of wrong passwords."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from shop.users.adapters.cognito import CognitoIdentity
from shop.users.domain.errors import (
    AccountNotFound,
    InvalidRefreshToken,
    SignedOutToken,
    WrongCode,
    WrongCredentials,
    WrongCurrentPassword,
)
from shop.users.domain.model import Credentials, NewAccount, PasswordChange, PasswordReset
from shop.users.ports import FREE_LOGIN_FAILURES, IdentityProvider
from tests.contract.stores import BACKENDS, on_moto
from tests.unit.users.fakes import FakeIdentity

PASSWORD = "Secret12345"
NEW_PASSWORD = "Another12345"


@dataclass(frozen=True)
class Identity:
    port: IdentityProvider
    # the last code mailed to an address, to verify it or to reset its password (None: none sent)
    email_code: Callable[[str], str | None]
    password_code: Callable[[str], str | None]
    # (user id, address): the address changed in the provider itself, not through the shop
    change_email: Callable[[str, str], None]


@pytest.fixture(params=BACKENDS)
def identity(request: pytest.FixtureRequest) -> Identity:
    if on_moto(request):
        from shop.local.emulator import provisioning
        from shop.platform.aws import client

        cognito = client("cognito-idp")
        pool_id, client_id = provisioning.create_user_pool(cognito)

        def change_email(user_id: str, email: str) -> None:
            changed = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "false"}]
            cognito.admin_update_user_attributes(UserPoolId=pool_id, Username=user_id, UserAttributes=changed)

        return Identity(
            CognitoIdentity(cognito, pool_id, client_id),
            lambda email: mailed_code(email, "verification"),
            lambda email: mailed_code(email, "reset"),
            change_email,
        )
    fake = FakeIdentity()
    return Identity(fake, fake.email_codes.get, fake.password_codes.get, fake.change_email)


def mailed_code(email: str, purpose: str) -> str | None:
    from shop.local.emulator import mailbox

    codes = [
        re.findall(r"\b\d{6}\b", message["body"])[0]
        for message in mailbox.messages(email)
        if purpose in message["subject"]
    ]
    return codes[-1] if codes else None


def address() -> str:
    """A new address per account: the local mailbox outlives each test's moto."""
    return f"{uuid.uuid4().hex[:12]}@example.com"


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def sign_up(identity: Identity, email: str) -> str:
    return identity.port.create(NewAccount(email=email, password=SecretStr(PASSWORD), name="Ada"))


def log_in(identity: Identity, email: str, password: str = PASSWORD) -> tuple[str, str]:
    """The access and refresh tokens of a new session."""
    tokens = identity.port.log_in(Credentials(email=email, password=SecretStr(password)))
    assert tokens.refresh_token
    return tokens.access_token, tokens.refresh_token


def verified(identity: Identity, email: str) -> str:
    """A signed-up account whose address is verified; its access token."""
    sign_up(identity, email)
    access_token, _ = log_in(identity, email)
    code = identity.email_code(email)
    assert code
    identity.port.verify_email(access_token, code)
    return access_token


def test_sign_up_mails_a_code_that_verifies_the_address_once(identity: Identity) -> None:
    email = address()
    sign_up(identity, email)
    access_token, _ = log_in(identity, email)  # no waiting for the verification
    code = identity.email_code(email)
    assert code
    assert re.fullmatch(r"\d{6}", code)
    with pytest.raises(WrongCode):
        identity.port.verify_email(access_token, other_than(code))
    identity.port.verify_email(access_token, code)
    with pytest.raises(WrongCode):
        identity.port.verify_email(access_token, code)


def test_verifying_answers_the_address_the_provider_verified(identity: Identity) -> None:
    email, changed = address(), address()
    user_id = sign_up(identity, email)
    access_token, _ = log_in(identity, email)
    code = identity.email_code(email)
    assert code
    assert identity.port.verify_email(access_token, code) == email
    identity.change_email(user_id, changed)
    access_token, _ = log_in(identity, changed)
    identity.port.send_email_code(access_token)
    code = identity.email_code(changed)
    assert code
    assert identity.port.verify_email(access_token, code) == changed


def test_only_the_last_code_sent_verifies(identity: Identity) -> None:
    email = address()
    sign_up(identity, email)
    access_token, _ = log_in(identity, email)
    first = identity.email_code(email)
    identity.port.send_email_code(access_token)
    last = identity.email_code(email)
    assert first
    assert last
    if first != last:
        with pytest.raises(WrongCode):
            identity.port.verify_email(access_token, first)
    identity.port.verify_email(access_token, last)


def test_a_reset_code_goes_only_to_a_verified_address(identity: Identity) -> None:
    unknown, unverified, known = address(), address(), address()
    sign_up(identity, unverified)
    verified(identity, known)
    for email in (unknown, unverified, known):
        identity.port.send_password_code(email)  # no error either way: nothing to tell them apart
    assert identity.password_code(unknown) is None
    assert identity.password_code(unverified) is None
    assert identity.password_code(known)


def test_a_reset_takes_the_right_code_once_and_signs_out_everywhere(identity: Identity) -> None:
    email = address()
    verified(identity, email)
    _, refresh_token = log_in(identity, email)
    identity.port.send_password_code(email)
    code = identity.password_code(email)
    assert code

    def reset(with_code: str, to: str = email) -> None:
        identity.port.reset_password(
            PasswordReset(email=to, code=with_code, new_password=SecretStr(NEW_PASSWORD))
        )

    with pytest.raises(WrongCode):
        reset(other_than(code))
    with pytest.raises(WrongCode):
        reset(code, to=address())
    reset(code)
    with pytest.raises(WrongCode):
        reset(code)
    with pytest.raises(WrongCredentials):
        log_in(identity, email)
    assert log_in(identity, email, NEW_PASSWORD)
    with pytest.raises(InvalidRefreshToken):
        identity.port.refresh(refresh_token)


def test_a_revoked_refresh_token_is_refused_and_others_still_work(identity: Identity) -> None:
    email = address()
    sign_up(identity, email)
    _, revoked = log_in(identity, email)
    _, kept = log_in(identity, email)
    identity.port.revoke(revoked)
    identity.port.revoke(revoked)  # twice, or a forged token: no error
    identity.port.revoke("forged-refresh-token")
    with pytest.raises(InvalidRefreshToken):
        identity.port.refresh(revoked)
    assert identity.port.refresh(kept).access_token


def refused(identity: Identity, access_token: str, password: str) -> None:
    """Every call made with the access token refuses it, the right current password or not."""
    with pytest.raises(SignedOutToken):
        identity.port.send_email_code(access_token)
    with pytest.raises(SignedOutToken):
        identity.port.verify_email(access_token, "123456")
    with pytest.raises(SignedOutToken):
        identity.port.change_password(
            access_token,
            PasswordChange(current_password=SecretStr(password), new_password=SecretStr(NEW_PASSWORD)),
        )


def test_a_sign_out_refuses_the_access_tokens_of_that_session_only(identity: Identity) -> None:
    email = address()
    sign_up(identity, email)
    signed_out, refresh_token = log_in(identity, email)
    refreshed = identity.port.refresh(refresh_token).access_token
    kept, _ = log_in(identity, email)
    identity.port.revoke(refresh_token)
    refused(identity, signed_out, PASSWORD)
    refused(identity, refreshed, PASSWORD)
    identity.port.send_email_code(kept)
    code = identity.email_code(email)
    assert code
    assert identity.port.verify_email(kept, code) == email


@pytest.mark.parametrize("signing_out", ["reset", "disable"])
def test_a_reset_or_a_disable_refuses_every_access_token(identity: Identity, signing_out: str) -> None:
    email = address()
    user_id = sign_up(identity, email)
    first, _ = log_in(identity, email)
    code = identity.email_code(email)
    assert code
    identity.port.verify_email(first, code)
    second, _ = log_in(identity, email)
    password = PASSWORD
    if signing_out == "reset":
        identity.port.send_password_code(email)
        reset_code = identity.password_code(email)
        assert reset_code
        identity.port.reset_password(
            PasswordReset(email=email, code=reset_code, new_password=SecretStr(NEW_PASSWORD))
        )
        password = NEW_PASSWORD
    else:
        identity.port.set_enabled(user_id, False)
        identity.port.set_enabled(user_id, True)
    refused(identity, first, password)
    refused(identity, second, password)
    fresh, _ = log_in(identity, email, password)
    identity.port.send_email_code(fresh)  # a new login's token is taken


def test_a_password_change_needs_the_current_password(identity: Identity) -> None:
    email = address()
    sign_up(identity, email)
    access_token, _ = log_in(identity, email)
    with pytest.raises(WrongCurrentPassword):
        identity.port.change_password(
            access_token,
            PasswordChange(current_password=SecretStr("Wrong12345"), new_password=SecretStr(NEW_PASSWORD)),
        )
    identity.port.change_password(
        access_token,
        PasswordChange(current_password=SecretStr(PASSWORD), new_password=SecretStr(NEW_PASSWORD)),
    )
    with pytest.raises(WrongCredentials):
        log_in(identity, email)
    assert log_in(identity, email, NEW_PASSWORD)


def test_a_disabled_account_can_neither_log_in_nor_refresh(identity: Identity) -> None:
    email = address()
    user_id = sign_up(identity, email)
    _, refresh_token = log_in(identity, email)
    identity.port.set_enabled(user_id, False)
    with pytest.raises(WrongCredentials):
        log_in(identity, email)
    with pytest.raises(InvalidRefreshToken):
        identity.port.refresh(refresh_token)
    identity.port.set_enabled(user_id, True)
    assert log_in(identity, email)
    with pytest.raises(InvalidRefreshToken):  # disabling signed it out everywhere
        identity.port.refresh(refresh_token)
    with pytest.raises(AccountNotFound):
        identity.port.set_enabled(str(uuid.uuid4()), False)


def test_a_run_of_wrong_passwords_locks_the_account(identity: Identity) -> None:
    email = address()
    sign_up(identity, email)
    for _ in range(FREE_LOGIN_FAILURES):
        with pytest.raises(WrongCredentials):
            log_in(identity, email, "Wrong12345")
    assert log_in(identity, email)  # the free failures, and a success starts the count again
    for _ in range(FREE_LOGIN_FAILURES + 1):
        with pytest.raises(WrongCredentials):
            log_in(identity, email, "Wrong12345")
    with pytest.raises(WrongCredentials):
        log_in(identity, email)  # even the right password, for a while
