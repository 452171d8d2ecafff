"""AWS clients, created once per process and only when first used (cold start).

They come from botocore, the library boto3 is built on: boto3's `client()` only wraps
botocore's, and importing boto3 adds its resources and s3transfer (about 12 ms of every
cold start) for nothing a function uses. All clients share one botocore session, so the
endpoint and partition data are loaded once however many services a function calls.

The endpoint comes from botocore's own `AWS_ENDPOINT_URL`, so the same code talks to
AWS, moto or LocalStack.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any

_creating = threading.Lock()  # a botocore session is not safe to create clients from concurrently


@cache
def _session() -> Any:
    import botocore.session  # deferred: most of a cold start is this import

    return botocore.session.Session()


@cache
def client(service_name: str) -> Any:
    # SHOP_REGION_<SERVICE> (e.g. SHOP_REGION_COGNITO_IDP): a service kept in another region,
    # as a secondary region's users service calls the primary's user pool (multi-region).
    region = (
        os.environ.get("SHOP_REGION_" + service_name.upper().replace("-", "_"))
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    with _creating:
        return _session().create_client(service_name, region_name=region)


def reset_clients() -> None:
    """Forget cached clients and their session, e.g. after the local stack changed the endpoint."""
    client.cache_clear()
    _session.cache_clear()
