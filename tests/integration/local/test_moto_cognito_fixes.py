"""moto's Cognito must refuse a refresh token whose user was disabled, deleted or signed out
(by any alias), as Cognito does (see shop.local.emulator.patches.cognito; installed by
shop.local.emulator.patches.install())."""

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from shop.local.emulator import patches, provisioning

pytestmark = pytest.mark.integration

EMAIL = "ada@example.com"
PASSWORD = "Secret12345"


@pytest.fixture
def cognito() -> Iterator[tuple[Any, str, str]]:
    from moto import mock_aws

    from shop.platform.aws import client, reset_clients

    patches.install()  # what the local stack and the test fixtures call
    reset_clients()
    with mock_aws():
        idp = client("cognito-idp")
        pool_id, client_id = provisioning.create_user_pool(idp)
        yield idp, pool_id, client_id
    reset_clients()


def refresh_token_of(idp: Any, pool_id: str, client_id: str) -> str:
    attributes = [{"Name": "email", "Value": EMAIL}, {"Name": "name", "Value": "Ada"}]
    idp.sign_up(ClientId=client_id, Username=EMAIL, Password=PASSWORD, UserAttributes=attributes)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=EMAIL)
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return str(result["RefreshToken"])


def refresh(idp: Any, client_id: str, token: str) -> dict[str, Any]:
    response: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token}
    )
    return response


def test_a_live_user_refreshes(cognito: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = cognito
    token = refresh_token_of(idp, pool_id, client_id)

    assert refresh(idp, client_id, token)["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize(
    ("action", "message"),
    [("admin_disable_user", "User is disabled."), ("admin_delete_user", "Refresh Token has been revoked")],
)
def test_a_disabled_or_deleted_user_cannot_refresh(
    cognito: tuple[Any, str, str], action: str, message: str
) -> None:
    idp, pool_id, client_id = cognito
    token = refresh_token_of(idp, pool_id, client_id)
    getattr(idp, action)(UserPoolId=pool_id, Username=EMAIL)

    with pytest.raises(ClientError) as refused:
        refresh(idp, client_id, token)

    assert refused.value.response["Error"] == {"Code": "NotAuthorizedException", "Message": message}


def test_a_global_sign_out_by_the_user_id_revokes_the_tokens_of_a_login_by_email(
    cognito: tuple[Any, str, str],
) -> None:
    """Cognito takes any alias of the user (here the sub); moto matched tokens to the name typed at login."""
    idp, pool_id, client_id = cognito
    token = refresh_token_of(idp, pool_id, client_id)
    user = idp.admin_get_user(UserPoolId=pool_id, Username=EMAIL)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username=sub)

    with pytest.raises(ClientError) as refused:
        refresh(idp, client_id, token)

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
