"""The sandbox provider approves test tokens without charging anyone: a payments function refuses to
start with it (its cold start fails, with the reason) unless SHOP_ALLOW_SANDBOX_PAYMENTS is `true`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shop.payments.container import payment_provider


def cold_start(module: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """Import the function's module in a fresh interpreter, as Lambda's init does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")} | settings
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("module", ["shop.payments.handlers.http", "shop.payments.handlers.events"])
@pytest.mark.parametrize(
    "settings",
    [{}, {"SHOP_PAYMENT_PROVIDER": "sandbox"}, {"SHOP_ALLOW_SANDBOX_PAYMENTS": "false"}],
    ids=["default", "sandbox", "not-allowed"],
)
def test_a_function_on_a_sandbox_it_may_not_use_fails_its_cold_start(
    module: str, settings: dict[str, str]
) -> None:
    started = cold_start(module, **settings)

    assert started.returncode != 0
    assert "SHOP_ALLOW_SANDBOX_PAYMENTS" in started.stderr


@pytest.mark.parametrize(
    "settings",
    [{"SHOP_ALLOW_SANDBOX_PAYMENTS": "true"}, {"SHOP_PAYMENT_PROVIDER": "stripe"}],
    ids=["sandbox-allowed", "stripe"],
)
def test_a_function_on_an_allowed_provider_starts(settings: dict[str, str]) -> None:
    started = cold_start("shop.payments.handlers.http", **settings)

    assert started.returncode == 0, started.stderr


def test_the_choice_is_read_again_on_each_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_PAYMENT_PROVIDER", "sandbox")
    monkeypatch.setenv("SHOP_ALLOW_SANDBOX_PAYMENTS", "true")
    assert payment_provider() == "sandbox"
    monkeypatch.delenv("SHOP_ALLOW_SANDBOX_PAYMENTS")
    with pytest.raises(RuntimeError, match="takes no money"):
        payment_provider()
