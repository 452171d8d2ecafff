"""The acceptance harness: the API under test is SHOP_API_URL if set, else one embedded local
stack for the whole run (seeded with the demo catalog and the admin). No feature module starts
or attaches to a stack of its own. Admin credentials come from SHOP_ADMIN_EMAIL /
SHOP_ADMIN_PASSWORD. Shared steps: steps.py."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .steps import *  # noqa: F403 - the shared step definitions are fixtures pytest must see here
from .steps import admin_credentials_from_environment, login

FEATURES_DIR = Path(__file__).parent
# Scenarios sign up many users within seconds: the embedded stack's rate limits, scaled up.
os.environ.setdefault("SHOP_THROTTLE_SCALE", "1000")
_embedded: dict[str, Any] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if FEATURES_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.acceptance)


@pytest.fixture(scope="session")
def admin_credentials() -> tuple[str, str]:
    return admin_credentials_from_environment()


@pytest.fixture(scope="session", autouse=True)
def shop_url(admin_credentials: tuple[str, str]) -> Iterator[str]:
    """Base URL of the API under test, without a trailing slash."""
    external = _external_url()
    if external:
        yield external.rstrip("/")
        return
    from shop.local.orchestration.stack import EmbeddedStack

    email, password = admin_credentials
    stack = EmbeddedStack(port=0, seed=True, admin_email=email, admin_password=password)
    stack.start()
    _embedded["stack"] = stack
    report = stack.seed_report
    if report is not None and not report.ok:
        print(f"\nlocal stack seeding incomplete:\n{report.summary()}")
    try:
        yield stack.url
    finally:
        _stop_embedded()


# Read when pytest loads this file, before any test runs: every embedded stack (this one, or a
# test module's own) sets SHOP_API_URL for its services, which must never be taken for a deployment.
_DEPLOYMENT_URL = os.environ.get("SHOP_API_URL")


def _external_url() -> str | None:
    return _DEPLOYMENT_URL


@pytest.fixture(scope="session")
def shop_stack(shop_url: str) -> Any:
    """The embedded stack, or None against an external deployment."""
    return _embedded.get("stack")


@pytest.fixture(scope="session")
def admin_token(shop_url: str, admin_credentials: tuple[str, str]) -> Callable[[], str]:
    """The admin's access token, fetched once (lazily) per run."""
    cache: dict[str, str] = {}
    lock = threading.Lock()

    def token() -> str:
        with lock:
            if "token" not in cache:
                cache["token"] = login(shop_url, *admin_credentials)
            return cache["token"]

    return token


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """Stop the embedded stack as soon as the features are done, before other tests (which may
    use in-process moto, sharing moto's global state) run in the same process."""
    yield
    if nextitem is None or FEATURES_DIR not in Path(str(nextitem.path)).parents:
        _stop_embedded()


def _stop_embedded() -> None:
    stack = _embedded.pop("stack", None)
    if stack is not None:
        stack.stop()
