"""The user pool as docs/security.md describes it: one password policy (the users model,
the OpenAPI document, the local pool and Terraform agree), e-mail verification, optional
TOTP, short-lived access tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shop.local.emulator import provisioning
from shop.users.domain.model import MIN_PASSWORD_LENGTH
from tests.terraform.hcl import MODULES, REPO, blocks

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
