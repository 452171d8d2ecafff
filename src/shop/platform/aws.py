"""boto3 clients, created once per process and only when first used (cold start).

The endpoint comes from boto3's own `AWS_ENDPOINT_URL`, so the same code talks to AWS,
moto or LocalStack.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any


@cache
def client(service_name: str) -> Any:
    import boto3  # deferred: most of a cold start is this import

    # SHOP_REGION_<SERVICE> (e.g. SHOP_REGION_COGNITO_IDP): a service kept in another region,
    # as a secondary region's users service calls the primary's user pool (multi-region).
    region = (
        os.environ.get("SHOP_REGION_" + service_name.upper().replace("-", "_"))
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    return boto3.session.Session().client(service_name, region_name=region)  # type: ignore[call-overload]


def reset_clients() -> None:
    """Forget cached clients, e.g. after the local stack changed the endpoint."""
    client.cache_clear()
