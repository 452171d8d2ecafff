"""moto's Cognito as Cognito documents it for accounts a customer manages (see
shop.local.emulator.patches.cognito_accounts): revocation, attribute verification, reset
codes only to verified addresses, codes checked and mailed to the local mailbox, lockout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from shop.local.emulator import mailbox, patches, provisioning
from shop.local.emulator.patches import cognito_accounts
from shop.users.ports import FREE_LOGIN_FAILURES

pytestmark = pytest.mark.integration

PASSWORD = "Secret12345"


class Pool:
    def __init__(self, idp: Any, pool_id: str, client_id: str) -> None:
        self.idp, self.pool_id, self.client_id = idp, pool_id, client_id

    def user(self, email: str) -> str:
        """A confirmed user; returns an access token."""
        attributes = [{"Name": "email", "Value": email}]
        self.idp.sign_up(
            ClientId=self.client_id, Username=email, Password=PASSWORD, UserAttributes=attributes
        )
        self.idp.admin_confirm_sign_up(UserPoolId=self.pool_id, Username=email)
        return str(self.log_in(email)["AccessToken"])

    def log_in(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        result: dict[str, Any] = self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )["AuthenticationResult"]
        return result

    def verified(self, email: str) -> bool:
        user = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=email)
        return {a["Name"]: a["Value"] for a in user["UserAttributes"]}.get("email_verified") == "true"


@pytest.fixture
def pool() -> Iterator[Pool]:
    from moto import mock_aws

    from shop.platform.aws import client, reset_clients

    patches.install()
    reset_clients()
    with mock_aws():
        idp = client("cognito-idp")
        yield Pool(idp, *provisioning.create_user_pool(idp))
    reset_clients()


def last_code(email: str) -> str:
    found = re.search(r"\b(\d{6})\b", mailbox.messages(email)[-1]["body"])
    assert found
    return found.group(1)


def error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_a_verification_code_reaches_the_mailbox_and_only_the_last_one_verifies(pool: Pool) -> None:
    email = "verify@example.com"
    token = pool.user(email)
    pool.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    first = last_code(email)
    pool.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    second = last_code(email)
    if first != second:
        with pytest.raises(ClientError) as caught:
            pool.idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=first)
        assert error_code(caught) == "CodeMismatchException"
    pool.idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=second)
    assert pool.verified(email)


def test_a_revoked_refresh_token_is_refused(pool: Pool) -> None:
    email = "revoke@example.com"
    pool.user(email)
    refresh_token = pool.log_in(email)["RefreshToken"]
    pool.idp.revoke_token(Token=refresh_token, ClientId=pool.client_id)
    pool.idp.revoke_token(Token="not-a-token", ClientId=pool.client_id)  # no error, as on Cognito
    with pytest.raises(ClientError) as caught:
        pool.idp.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    assert error_code(caught) == "NotAuthorizedException"


def test_reset_codes_go_only_to_verified_addresses_and_are_checked(pool: Pool) -> None:
    email = "reset@example.com"
    token = pool.user(email)
    with pytest.raises(ClientError) as unverified:
        pool.idp.forgot_password(ClientId=pool.client_id, Username=email)
    assert error_code(unverified) == "InvalidParameterException"
    assert mailbox.messages(email) == []
    pool.idp.forgot_password(
        ClientId=pool.client_id, Username="nobody@example.com"
    )  # same answer as a user's
    assert mailbox.messages("nobody@example.com") == []

    pool.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    pool.idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=last_code(email))
    pool.idp.forgot_password(ClientId=pool.client_id, Username=email)
    code = last_code(email)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(ClientError) as mismatch:
        pool.idp.confirm_forgot_password(
            ClientId=pool.client_id, Username=email, ConfirmationCode=wrong, Password="Another12345"
        )
    assert error_code(mismatch) == "CodeMismatchException"
    pool.idp.confirm_forgot_password(
        ClientId=pool.client_id, Username=email, ConfirmationCode=code, Password="Another12345"
    )
    assert pool.log_in(email, "Another12345")["AccessToken"]
    with pytest.raises(ClientError):  # a code works once
        pool.idp.confirm_forgot_password(
            ClientId=pool.client_id, Username=email, ConfirmationCode=code, Password="Third12345"
        )


def test_an_expired_reset_code_is_refused(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    email = "expired@example.com"
    token = pool.user(email)
    pool.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    pool.idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=last_code(email))
    pool.idp.forgot_password(ClientId=pool.client_id, Username=email)
    monkeypatch.setattr(cognito_accounts, "RESET_CODE_SECONDS", -1)
    pool.idp.forgot_password(ClientId=pool.client_id, Username=email)
    with pytest.raises(ClientError) as caught:
        pool.idp.confirm_forgot_password(
            ClientId=pool.client_id,
            Username=email,
            ConfirmationCode=last_code(email),
            Password="Another12345",
        )
    assert error_code(caught) == "ExpiredCodeException"


def test_five_wrong_passwords_lock_the_account_for_a_while(pool: Pool) -> None:
    email = "lock@example.com"
    pool.user(email)
    for _ in range(FREE_LOGIN_FAILURES):
        with pytest.raises(ClientError):
            pool.log_in(email, "Wrong12345")
    assert pool.log_in(email)["AccessToken"]  # five are free, and a success starts the count again
    for _ in range(FREE_LOGIN_FAILURES + 1):
        with pytest.raises(ClientError):
            pool.log_in(email, "Wrong12345")
    with pytest.raises(ClientError) as caught:
        pool.log_in(email)  # even the right password waits out the lockout
    assert caught.value.response["Error"]["Message"] == "Password attempts exceeded"
