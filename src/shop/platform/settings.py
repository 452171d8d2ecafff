"""Settings of a function, from its environment: read when used, never at import, so the
same module serves AWS, LocalStack and the local stack, and tests can set them late."""

from __future__ import annotations

import os
from functools import cache


def setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"the environment variable {name} is not set")
    return value


def secret_setting(name: str) -> str:
    """A secret: the variable `name` itself (the local stack and tests set it), else the
    Secrets Manager secret whose ARN is in `<name>_ARN` (deployments: the value stays out
    of the environment and of Terraform state). Read once per execution environment."""
    value = os.environ.get(name)
    if value:
        return value
    return _secret_value(setting(f"{name}_ARN"))


@cache
def _secret_value(arn: str) -> str:
    from shop.platform.aws import client

    value = client("secretsmanager").get_secret_value(SecretId=arn).get("SecretString")
    if not value:
        raise RuntimeError(f"the secret {arn} has no string value")
    return str(value)


def forget_secrets() -> None:
    """Drop cached secret values (tests; a rotated secret is picked up by new environments)."""
    _secret_value.cache_clear()
