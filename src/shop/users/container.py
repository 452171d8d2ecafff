"""Wiring of the users service's ports to adapters; settings come from the environment
when a provider is first called, never at import."""

from __future__ import annotations

import os

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.platform import aws
from shop.platform.settings import setting
from shop.users.adapters.cognito import CognitoIdentity
from shop.users.adapters.dynamo_code_allowance import DynamoCodeAllowance
from shop.users.adapters.dynamo_notices import DynamoNotices
from shop.users.adapters.dynamo_profiles import DynamoProfiles
from shop.users.adapters.shop_api import HttpCustomerRecords
from shop.users.adapters.sns import SnsNotifier


def _notify_verified_only() -> bool:
    """SHOP_NOTIFY_VERIFIED_ONLY=true: order notifications go only to verified addresses (off by default)."""
    return os.environ.get("SHOP_NOTIFY_VERIFIED_ONLY", "false").lower() == "true"


class Container(containers.DeclarativeContainer):
    table_name = providers.Callable(setting, "USERS_TABLE_NAME")
    pool_id = providers.Callable(setting, "USER_POOL_ID")
    pool_client_id = providers.Callable(setting, "USER_POOL_CLIENT_ID")
    notifications_topic_arn = providers.Callable(setting, "SHOP_NOTIFICATIONS_TOPIC_ARN")

    dynamodb = providers.Callable(aws.client, "dynamodb")
    cognito = providers.Callable(aws.client, "cognito-idp")
    sns = providers.Callable(aws.client, "sns")

    clock = providers.Singleton(SystemClock)
    identity = providers.Factory(CognitoIdentity, client=cognito, pool_id=pool_id, client_id=pool_client_id)
    profiles = providers.Factory(DynamoProfiles, client=dynamodb, table=table_name)
    notices = providers.Factory(DynamoNotices, client=dynamodb, table=table_name)
    code_allowance = providers.Factory(DynamoCodeAllowance, client=dynamodb, table=table_name)
    notify_verified_only = providers.Callable(_notify_verified_only)
    notifier = providers.Factory(SnsNotifier, client=sns, topic_arn=notifications_topic_arn)
    records = providers.Factory(HttpCustomerRecords)
