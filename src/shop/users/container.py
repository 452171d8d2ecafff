"""Wiring of the users service's ports to adapters; settings come from the environment
when a provider is first called, never at import."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.platform import aws
from shop.platform.settings import setting
from shop.users.adapters.cognito import CognitoIdentity
from shop.users.adapters.dynamo import DynamoNotices, DynamoProfiles
from shop.users.adapters.sns import SnsNotifier


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
    notifier = providers.Factory(SnsNotifier, client=sns, topic_arn=notifications_topic_arn)
