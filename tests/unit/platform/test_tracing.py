"""X-Ray tracing, when switched on, patches the clients the services use (botocore's),
without bringing boto3 onto a function's import path."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_PROBE = """
import inspect, sys
import botocore.client, wrapt
from shop.platform.aws import client
from shop.platform.observability import enable_tracing
assert enable_tracing() is {active}
client("dynamodb")
call = inspect.getattr_static(botocore.client.BaseClient, "_make_api_call")
wrapped = isinstance(call, wrapt.FunctionWrapper)
print(wrapped, "boto3" in sys.modules)
"""


@pytest.mark.parametrize(("tracing", "traced"), [("active", True), ("", False)])
def test_active_tracing_patches_botocore_clients_without_importing_boto3(tracing: str, traced: bool) -> None:
    environment = dict(os.environ, SHOP_TRACING=tracing, AWS_DEFAULT_REGION="us-east-1")
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(active=traced)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    calls_wrapped, boto3_imported = out.stdout.split()
    assert calls_wrapped == str(traced)  # X-Ray's wrapper around every API call
    assert boto3_imported == "False"
