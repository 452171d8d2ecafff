"""AWS clients: botocore imported at init, each client created once per process when
first used.

They come from botocore, the library boto3 is built on: boto3's `client()` only wraps
botocore's, and importing boto3 adds its resources and s3transfer (about 12 ms of every
cold start) for nothing a function uses. All clients share one botocore session, so the
endpoint and partition data are loaded once however many services a function calls.

botocore is imported with this module, at init, as AWS advises (init work is done once,
and SnapStart snapshots it). Deferred to the first call, the import landed some twenty
frames deep in a queue consumer's first invocation and cost it 25 ms more, with 5,000
more page faults (CPython allocates its frame stack in chunks): `make bench` measured the
consumers at 1.29x eager against 1.42x deferred, the HTTP functions alike either way.

The endpoint comes from botocore's own `AWS_ENDPOINT_URL`, so the same code talks to
AWS, moto or LocalStack.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any

import botocore.session

_creating = threading.Lock()  # a botocore session is not safe to create clients from concurrently
_clients: dict[str, Any] = {}


def client(service_name: str) -> Any:
    with _creating:
        if service_name not in _clients:
            _clients[service_name] = _session().create_client(service_name, region_name=_region(service_name))
        return _clients[service_name]


@cache
def _session() -> Any:
    return botocore.session.get_session()  # as boto3 makes its sessions (the chaos suite hooks it)


def _region(service_name: str) -> str:
    # SHOP_REGION_<SERVICE> (e.g. SHOP_REGION_COGNITO_IDP): a service kept in another region,
    # as a secondary region's users service calls the primary's user pool (multi-region).
    return (
        os.environ.get("SHOP_REGION_" + service_name.upper().replace("-", "_"))
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )


def reset_clients() -> None:
    """Forget cached clients and their session, e.g. after the local stack changed the endpoint."""
    with _creating:
        _clients.clear()
        _session.cache_clear()
