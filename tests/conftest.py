"""Test-wide settings: fake AWS credentials (nothing may reach AWS), a cursor secret,
and moto fixtures for adapter tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "SHOP_CURSOR_SECRET": "test-cursor-secret",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Shop",
        # The suites sign up and log in many users at once against one local stack: its rate
        # limits, scaled up (tests/unit/local/test_throttling.py checks the real ones).
        "SHOP_THROTTLE_SCALE": "1000",
        # The payments functions refuse the sandbox provider unless allowed (it takes no money)
        "SHOP_ALLOW_SANDBOX_PAYMENTS": "true",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def aws() -> Iterator[None]:
    """In-process moto, with the local stack's fixes for its thread-unsafe transactions;
    cached boto3 clients are dropped so they bind to the mock."""
    from moto import mock_aws

    from shop.local.emulator import patches
    from shop.platform.aws import reset_clients

    patches.install()
    reset_clients()
    with mock_aws():
        yield
    reset_clients()


def create_table(name: str, *, stream: bool = False) -> str:
    """A table with the key schema every service shares, made as the local stack makes it."""
    from shop.local.emulator.provisioning import table_spec
    from shop.platform.aws import client
    from shop.resources import load_resources

    client("dynamodb").create_table(**table_spec(load_resources(), name, stream=stream))
    return name
