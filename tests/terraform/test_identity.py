"""The user pool as docs/security.md describes it: one password policy (the users model,
the OpenAPI document, the local pool and Terraform agree), e-mail verification, optional
TOTP, short-lived access tokens, accounts made by the users service only, and the least a
user's own token may write."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shop.local.emulator import provisioning
from shop.users.domain.model import MIN_PASSWORD_LENGTH
from tests.terraform.hcl import MODULES, REPO, blocks, one, resources

pytestmark = pytest.mark.terraform


def variable(module: str, name: str) -> dict[str, Any]:
    return next(block.body for block in blocks("variable", MODULES / module) if block.name == name)


def test_the_password_policy_is_stated_once() -> None:
    """The pool's policy from the variable, with digits: terraform/modules/identity/tests."""
    assert variable("identity", "password_minimum_length")["default"] == MIN_PASSWORD_LENGTH
    document = json.loads((REPO / "src/shop/meta/openapi.json").read_text())
    password = document["components"]["schemas"]["NewAccount"]["properties"]["password"]
    assert password["minLength"] == MIN_PASSWORD_LENGTH
    for model in ("PasswordReset", "PasswordChange"):
        assert document["components"]["schemas"][model]["properties"]["new_password"]["minLength"] == (
            MIN_PASSWORD_LENGTH
        )


class RecordingCognito:
    """What provisioning asks of Cognito, without moto."""

    def __init__(self) -> None:
        self.pool: dict[str, Any] = {}

    def create_user_pool(self, **pool: Any) -> dict[str, Any]:
        self.pool = pool
        return {"UserPool": {"Id": "pool"}}

    def create_user_pool_client(self, **client: Any) -> dict[str, Any]:
        return {"UserPoolClient": {"ClientId": "client"}}

    def create_group(self, **group: Any) -> None: ...


def test_the_local_pool_takes_the_minimum_length_from_the_users_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cognito = RecordingCognito()
    monkeypatch.setattr(provisioning, "MIN_PASSWORD_LENGTH", MIN_PASSWORD_LENGTH + 4)
    provisioning.create_user_pool(cognito)
    assert cognito.pool["Policies"]["PasswordPolicy"]["MinimumLength"] == MIN_PASSWORD_LENGTH + 4


def test_access_tokens_live_fifteen_minutes_unless_a_deployment_says_otherwise() -> None:
    """The pool's own default: terraform/modules/identity/tests."""
    assert variable("shop", "access_token_validity_minutes")["default"] == 15


def identity_resource(type_: str) -> dict[str, Any]:
    (resource,) = resources(type_, MODULES / "identity")
    return resource.body


def test_only_the_users_service_creates_accounts() -> None:
    """Cognito's SignUp takes the public client id alone: the pool refuses it, so every account
    is made by the users service (AdminCreateUser)."""
    pool = identity_resource("aws_cognito_user_pool")
    assert one(pool, "admin_create_user_config")["allow_admin_create_user_only"] is True
    adapter = (REPO / "src/shop/users/adapters/cognito.py").read_text()
    assert "admin_create_user(" in adapter
    assert "sign_up(" not in adapter


def test_a_users_token_writes_only_what_cognito_requires_and_only_once_verified() -> None:
    """Unset (or empty) write_attributes lets an access token rewrite every standard attribute,
    e-mail included: a stolen token would move the account to the thief's address. The users
    service writes none with a user's token, so the client may write only what Cognito insists
    on, the required attributes, and a changed address counts only once verified."""
    pool = identity_resource("aws_cognito_user_pool")
    client = identity_resource("aws_cognito_user_pool_client")
    required = sorted(schema["name"] for schema in pool["schema"] if schema.get("required"))
    assert required == ["email"]
    assert client["write_attributes"] == required
    assert client["read_attributes"] == ["email", "email_verified", "name"]
    update = one(pool, "user_attribute_update_settings")
    assert update["attributes_require_verification_before_update"] == ["email"]
    adapter = (REPO / "src/shop/users/adapters/cognito.py").read_text()
    assert "update_user_attributes(" not in adapter
