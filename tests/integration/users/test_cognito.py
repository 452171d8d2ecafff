from __future__ import annotations

import jwt
import pytest
from pydantic import SecretStr

from shop.kernel.errors import Unavailable
from shop.users.adapters.cognito import CognitoIdentity
from shop.users.domain.errors import EmailTaken, InvalidRefreshToken, WeakPassword, WrongCredentials
from shop.users.domain.model import Credentials, NewAccount
from tests.integration.users.conftest import UsersAws

pytestmark = pytest.mark.integration

PASSWORD = "secret123"


@pytest.fixture
def identity(users_aws: UsersAws) -> CognitoIdentity:
    return CognitoIdentity(users_aws.client("cognito-idp"), users_aws.pool_id, users_aws.client_id)


def account(email: str = "ada@example.com", password: str = PASSWORD) -> NewAccount:
    return NewAccount(email=email, password=SecretStr(password), name="Ada Lovelace")


def credentials(email: str = "ada@example.com", password: str = PASSWORD) -> Credentials:
    return Credentials(email=email, password=SecretStr(password))


def claims(token: str) -> dict[str, object]:
    decoded: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def test_a_new_identity_is_confirmed_and_logs_in_at_once(
    identity: CognitoIdentity, users_aws: UsersAws
) -> None:
    user_id = identity.create(account())
    user = users_aws.client("cognito-idp").admin_get_user(
        UserPoolId=users_aws.pool_id, Username="ada@example.com"
    )
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user["UserAttributes"]}
    assert (attributes["email"], attributes["name"], attributes["sub"]) == (
        "ada@example.com",
        "Ada Lovelace",
        user_id,
    )

    tokens = identity.log_in(credentials())
    assert claims(tokens.access_token)["sub"] == user_id
    assert claims(tokens.access_token)["token_use"] == "access"
    assert claims(tokens.id_token)["sub"] == user_id
    assert tokens.refresh_token
    assert tokens.expires_in > 0


def test_the_same_email_twice_is_taken(identity: CognitoIdentity) -> None:
    identity.create(account())
    with pytest.raises(EmailTaken):
        identity.create(account(password="other1234"))


def test_a_password_the_pool_refuses_is_weak(users_aws: UsersAws) -> None:
    cognito = users_aws.client("cognito-idp")
    pool_id = users_aws.pool_id
    policy = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Policies"]["PasswordPolicy"]
    cognito.update_user_pool(
        UserPoolId=pool_id, Policies={"PasswordPolicy": {**policy, "RequireSymbols": True}}
    )
    strict = CognitoIdentity(cognito, pool_id, users_aws.client_id)
    with pytest.raises(WeakPassword) as caught:
        strict.create(account())  # letters and digits, but this pool now also wants a symbol
    assert caught.value.field == "password"
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.com", "wrong1234"), ("nobody@example.com", PASSWORD), ("not-an-email", PASSWORD)],
)
def test_wrong_email_or_password_are_one_error(identity: CognitoIdentity, email: str, password: str) -> None:
    identity.create(account())
    with pytest.raises(WrongCredentials) as caught:
        identity.log_in(credentials(email, password))
    assert caught.value.detail == "Wrong e-mail or password."
    assert caught.value.__cause__ is None  # Cognito's reason (which one was wrong) is not chained


def test_refresh_gives_new_tokens_for_the_same_user(identity: CognitoIdentity) -> None:
    user_id = identity.create(account())
    tokens = identity.log_in(credentials())
    assert tokens.refresh_token is not None
    refreshed = identity.refresh(tokens.refresh_token)
    assert claims(refreshed.access_token)["sub"] == user_id
    assert refreshed.access_token != tokens.access_token
    with pytest.raises(InvalidRefreshToken):
        identity.refresh("forged-refresh-token")


def test_delete_undoes_create(identity: CognitoIdentity) -> None:
    identity.create(account())
    identity.delete("ada@example.com")
    with pytest.raises(WrongCredentials):
        identity.log_in(credentials())
    identity.create(account())  # the address is free again
    identity.delete("nobody@example.com")  # deleting what is not there is harmless


@pytest.mark.parametrize("gone", ["disabled", "deleted"])
def test_a_refresh_token_of_a_disabled_or_deleted_user_is_refused(
    identity: CognitoIdentity, users_aws: UsersAws, gone: str
) -> None:
    identity.create(account())
    refresh_token = identity.log_in(credentials()).refresh_token
    assert refresh_token
    cognito = users_aws.client("cognito-idp")
    if gone == "disabled":
        cognito.admin_disable_user(UserPoolId=users_aws.pool_id, Username="ada@example.com")
    else:
        cognito.admin_delete_user(UserPoolId=users_aws.pool_id, Username="ada@example.com")

    with pytest.raises(InvalidRefreshToken):
        identity.refresh(refresh_token)


def test_an_error_the_adapter_does_not_know_is_503_not_500(users_aws: UsersAws) -> None:
    # an app client the pool does not have: Cognito answers ResourceNotFoundException
    misconfigured = CognitoIdentity(users_aws.client("cognito-idp"), users_aws.pool_id, "no-such-client")

    with pytest.raises(Unavailable):
        misconfigured.log_in(credentials())
    no_pool = CognitoIdentity(users_aws.client("cognito-idp"), "eu-west-1_nosuchpool", users_aws.client_id)
    with pytest.raises(Unavailable):
        no_pool.create(account())


def test_a_closed_identity_is_gone_and_its_address_registers_anew(identity: CognitoIdentity) -> None:
    first = identity.create(account())
    identity.close(first)
    with pytest.raises(WrongCredentials):
        identity.log_in(credentials())
    identity.close(first)  # already gone: done
    assert identity.create(account()) != first  # a new account, a new sub
