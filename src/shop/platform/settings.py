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
    """A secret, by one rule for every secret of the shop: where `<name>_ARN` is set (a
    deployment), the Secrets Manager secret it names, read once per execution environment; the
    value stays out of the environment and of Terraform state, and no stray variable can shadow
    it. Elsewhere (the local stack, tests), the variable `name` itself."""
    arn = os.environ.get(f"{name}_ARN")
    if arn:
        return _secret_value(arn)
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"neither {name}_ARN nor {name} is set")
    return value


@cache
def _secret_value(arn: str) -> str:
    from shop.platform.aws import client

    value = client("secretsmanager").get_secret_value(SecretId=arn).get("SecretString")
    if not value:
        raise RuntimeError(f"the secret {arn} has no string value")
    return str(value)
