"""The whole stack with the real services: seeding through the API, and an external emulator."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from shop.local.__main__ import banner
from shop.local.orchestration.seed import SeedReport, seed
from shop.local.orchestration.stack import EmbeddedStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seeded() -> Iterator[EmbeddedStack]:
    with EmbeddedStack(port=0, seed=True) as running:
        yield running


def test_seeds_the_admin_and_the_demo_catalog(seeded: EmbeddedStack) -> None:
    report = seeded.seed_report
    assert report is not None
    assert report.ok, report.summary()
    products = requests.get(f"{seeded.url}/products", params={"limit": 100}, timeout=10).json()["items"]
    assert len(products) >= 20
    assert len({p["category"] for p in products}) >= 4


def test_seeding_again_finds_everything_there(seeded: EmbeddedStack) -> None:
    again = seeded.seed()
    assert again.created == 0
    assert again.failed == 0
    assert again.existing >= 20
    assert again.admin_logged_in


def test_the_admin_token_carries_the_admin_group(seeded: EmbeddedStack) -> None:
    login = requests.post(
        f"{seeded.url}/auth/login",
        json={"email": seeded.admin_email, "password": seeded.admin_password},
        timeout=10,
    )
    token = login.json()["access_token"]
    stats = requests.get(
        f"{seeded.url}/admin/stats", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert stats.status_code == 200, stats.text


@pytest.mark.parametrize("their_password", ["Someone1234", "Admin12345"])
def test_the_seed_never_promotes_an_account_someone_else_registered(
    seeded: EmbeddedStack, their_password: str
) -> None:
    """Even with the very password configured: the seed promotes only an account it created."""
    email = f"early-{their_password.lower()}@example.com"
    registered = requests.post(
        f"{seeded.url}/users", json={"email": email, "password": their_password, "name": "Early"}, timeout=30
    )
    assert registered.status_code == 201, registered.text
    report = seed(seeded.url, email, "Admin12345", promote=seeded.promote_to_admin, products=[])
    assert not report.ok
    assert not report.admin_promoted
    assert not report.admin_logged_in
    assert "not promoting" in report.summary()
    groups = seeded.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=seeded.pool_id, Username=email
    )
    assert groups["Groups"] == []
    assert "Admin:" not in "\n".join(banner(_with_report(seeded, report), seeded=True))


def _with_report(stack: EmbeddedStack, report: SeedReport) -> Any:
    """The stack as the banner sees it, after a seed that produced `report`."""
    return SimpleNamespace(
        url=stack.url,
        startup_seconds=1.0,
        aws_endpoint=stack.aws_endpoint,
        pool_id=stack.pool_id,
        runtime=stack.runtime,
        seed_report=report,
        admin_email=stack.admin_email,
        admin_password=stack.admin_password,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def external_emulator() -> Iterator[str]:
    """Another emulator in its own process, as LocalStack on :4566 would be."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, timeout=1)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "moto server did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def test_an_external_aws_endpoint_holds_the_data(seeded: EmbeddedStack, external_emulator: str) -> None:
    seeded.stop()  # one stack per process: this one takes the place of the module's
    with EmbeddedStack(port=0, seed=True, aws_endpoint=external_emulator) as stack:
        assert stack.aws_endpoint == external_emulator
        assert stack.seed_report is not None
        assert stack.seed_report.ok, stack.seed_report.summary()
        tables = stack.client("dynamodb").list_tables()["TableNames"]
        assert "shop-catalog" in tables
        items = requests.get(f"{stack.url}/products", params={"limit": 100}, timeout=10).json()["items"]
        assert len(items) >= 20
        assert stack.emulator.cognito_endpoint != external_emulator  # Cognito stays embedded
