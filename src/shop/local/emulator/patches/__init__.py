"""moto's gaps that the embedded stack must not inherit, patched in one place.

Each module says what moto does, what AWS does instead, and how to tell when upstream has
fixed it (its tests in tests/integration/local/ fail on an unpatched moto). The patches
reach into moto's private internals, so they are written for one moto version: `install()`
refuses any other, and pyproject.toml pins moto to it. On a moto upgrade, run those tests
without the patches, drop what upstream fixed, then move `MOTO_VERSION`.
"""

from __future__ import annotations

from importlib.metadata import version

from shop.local.emulator.patches import (
    cognito,
    cognito_accounts,
    dynamodb,
    dynamodb_replicas,
    secret_replicas,
    signing_key,
    terraform,
)
from shop.local.emulator.patches.dynamodb import backend_lock

MOTO_VERSION = "5.2.5"

__all__ = ["MOTO_VERSION", "backend_lock", "install"]


class UnsupportedMoto(RuntimeError):
    """moto is not the version the patches were written for."""


def install() -> None:
    """Patch moto in this process (idempotent): DynamoDB's isolation and global tables,
    secret replicas' keys, Cognito's gaps, the gaps that stall `terraform apply`, and a
    signing key of this run's own."""
    installed = version("moto")
    if installed != MOTO_VERSION:
        raise UnsupportedMoto(
            f"the moto patches in shop.local.emulator.patches are written for moto {MOTO_VERSION}, "
            f"this is moto {installed}: check each patch against it (see this package's docstring)"
        )
    dynamodb.install()
    dynamodb_replicas.install()
    secret_replicas.install()
    cognito.install()
    cognito_accounts.install()
    terraform.install()
    signing_key.install()
