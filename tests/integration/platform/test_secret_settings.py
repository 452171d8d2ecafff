"""Secrets from Secrets Manager (moto): the cursor key of a deployment is read through
SHOP_CURSOR_SECRET_ARN once per execution environment, and wins over a stray
SHOP_CURSOR_SECRET; without an ARN (the local stack, tests) the variable itself is the key."""

from typing import Any

import pytest

from shop.platform.aws import client
from shop.platform.pagination import InvalidCursor, decode_cursor, encode_cursor
from shop.platform.settings import secret_setting

pytestmark = pytest.mark.integration


@pytest.fixture
def cursor_secret_arn(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    arn: str = client("secretsmanager").create_secret(Name="shop-test-cursor", SecretString="k" * 64)["ARN"]
    monkeypatch.delenv("SHOP_CURSOR_SECRET")
    monkeypatch.setenv("SHOP_CURSOR_SECRET_ARN", arn)  # a new ARN each time: nothing cached for it
    return arn


def count_reads() -> list[Any]:
    calls: list[Any] = []
    client("secretsmanager").meta.events.register(
        "before-call.secrets-manager.GetSecretValue", lambda **kwargs: calls.append(kwargs)
    )
    return calls


def test_cursors_are_signed_with_the_secret_read_once(cursor_secret_arn: str) -> None:
    reads = count_reads()
    cursors = [encode_cursor({"pk": f"PRODUCT#{i}"}, scope="products:all") for i in range(3)]
    assert [decode_cursor(c, scope="products:all") for c in cursors] == [
        {"pk": f"PRODUCT#{i}"} for i in range(3)
    ]
    assert len(reads) == 1, "the secret is read once per execution environment, not per request"
    assert secret_setting("SHOP_CURSOR_SECRET") == "k" * 64


def test_a_cursor_signed_with_another_key_is_refused(
    cursor_secret_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOP_CURSOR_SECRET_ARN")
    monkeypatch.setenv("SHOP_CURSOR_SECRET", "the-local-stack-key")
    foreign = encode_cursor({"pk": "PRODUCT#1"}, scope="products:all")
    monkeypatch.setenv("SHOP_CURSOR_SECRET_ARN", cursor_secret_arn)
    with pytest.raises(InvalidCursor):
        decode_cursor(foreign, scope="products:all")


def test_the_deployed_secret_wins_over_a_stray_variable(
    cursor_secret_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_CURSOR_SECRET", "local")
    assert secret_setting("SHOP_CURSOR_SECRET") == "k" * 64


def test_without_an_arn_the_variable_is_the_secret(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_CURSOR_SECRET", "local")
    monkeypatch.delenv("SHOP_CURSOR_SECRET_ARN", raising=False)
    reads = count_reads()
    assert secret_setting("SHOP_CURSOR_SECRET") == "local"
    assert reads == []


def test_neither_variable_is_a_clear_error(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_CURSOR_SECRET")
    with pytest.raises(RuntimeError, match="neither SHOP_CURSOR_SECRET_ARN nor SHOP_CURSOR_SECRET is set"):
        secret_setting("SHOP_CURSOR_SECRET")


def test_a_secret_without_a_value_is_a_clear_error(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = client("secretsmanager").create_secret(Name="shop-test-empty")["ARN"]
    monkeypatch.delenv("SHOP_CURSOR_SECRET")
    monkeypatch.setenv("SHOP_CURSOR_SECRET_ARN", arn)
    with pytest.raises(Exception, match=r"ResourceNotFound|no string value"):
        secret_setting("SHOP_CURSOR_SECRET")
