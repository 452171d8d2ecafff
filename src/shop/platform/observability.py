"""Structured logging, EMF metrics and X-Ray tracing, configured the same way everywhere."""

from __future__ import annotations

import os
from functools import cache

from aws_lambda_powertools import Logger, Metrics


@cache
def logger(service: str) -> Logger:
    return Logger(service=service)


@cache
def metrics(service: str) -> Metrics:
    return Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Shop"), service=service)


@cache
def enable_tracing() -> bool:
    """Patch the AWS clients (botocore) for X-Ray when `SHOP_TRACING=active` (Lambda with Active tracing).

    Off by default: importing and patching the SDK costs cold-start time, and without a
    daemon there is nowhere to send segments.
    """
    if os.environ.get("SHOP_TRACING") != "active":
        return False
    from aws_xray_sdk.core import patch, xray_recorder

    xray_recorder.configure(context_missing="LOG_ERROR")
    patch(["botocore"])  # the clients are botocore's (shop.platform.aws): boto3 is never imported
    return True
