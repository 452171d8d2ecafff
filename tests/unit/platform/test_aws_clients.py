"""A client's region: the function's own, unless SHOP_REGION_<SERVICE> names another (a
secondary region's users service calls the primary region's Cognito user pool)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shop.platform.aws import client, reset_clients


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    reset_clients()
    yield
    reset_clients()


def test_clients_use_the_functions_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert client("cognito-idp").meta.region_name == "eu-central-1"


def test_a_service_may_be_kept_in_another_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("SHOP_REGION_COGNITO_IDP", "eu-west-1")
    assert client("cognito-idp").meta.region_name == "eu-west-1"
    assert client("dynamodb").meta.region_name == "eu-central-1"
