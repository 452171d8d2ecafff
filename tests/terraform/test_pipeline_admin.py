"""scripts/pipeline_admin.py against moto's Cognito: the pipeline's acceptance admin is created
with a generated password, can sign in, is an admin, and is deleted afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shop.platform.aws import client
from shop_tools import pipeline_admin

pytestmark = pytest.mark.integration


@pytest.fixture
def pool(aws: None) -> dict[str, str]:
    idp = client("cognito-idp")
    pool_id = idp.create_user_pool(PoolName="shop", UsernameAttributes=["email"])["UserPool"]["Id"]
    idp.create_group(UserPoolId=pool_id, GroupName="admin")
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="api", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return {"pool_id": pool_id, "client_id": client_id}


def printed(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines() if "=" in line)


def test_creates_a_confirmed_admin_that_can_sign_in_and_deletes_it(
    pool: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ENV", raising=False)
    assert pipeline_admin.main(["create", "--user-pool-id", pool["pool_id"]]) == 0
    credentials = printed(capsys)
    email, password = credentials["SHOP_ADMIN_EMAIL"], credentials["SHOP_ADMIN_PASSWORD"]
    idp: Any = client("cognito-idp")
    groups = idp.admin_list_groups_for_user(UserPoolId=pool["pool_id"], Username=email)["Groups"]
    assert [g["GroupName"] for g in groups] == ["admin"]
    assert idp.admin_get_user(UserPoolId=pool["pool_id"], Username=email)["UserStatus"] == "CONFIRMED"
    tokens = idp.initiate_auth(
        ClientId=pool["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    assert tokens["AuthenticationResult"]["AccessToken"]

    delete = ["delete", "--user-pool-id", pool["pool_id"], "--email", email]
    assert pipeline_admin.main(delete) == 0
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool["pool_id"], Username=email)
    assert pipeline_admin.main(delete) == 0  # idempotent


def test_under_github_actions_the_password_is_masked_and_never_printed(
    pool: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    github_env = tmp_path / "github_env"
    monkeypatch.setenv("GITHUB_ENV", str(github_env))
    pipeline_admin.main(["create", "--user-pool-id", pool["pool_id"]])
    handed_on = dict(line.split("=", 1) for line in github_env.read_text().splitlines())
    out = capsys.readouterr().out
    password = handed_on["SHOP_ADMIN_PASSWORD"]
    assert out.splitlines()[0] == f"::add-mask::{password}"
    assert f"SHOP_ADMIN_PASSWORD={password}" not in out
    assert handed_on["SHOP_ADMIN_EMAIL"] in out


def test_generated_passwords_are_long_mixed_and_distinct() -> None:
    passwords = {pipeline_admin.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 32
        assert any(c.isdigit() for c in password)
        assert any(c.islower() for c in password)
        assert any(c.isupper() for c in password)
