"""Create the tables, topics, queues, subscriptions and the Cognito pool that resources.json describes."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from shop.resources import NAME_PREFIX, REGION, Resources, Service
from shop.users.domain.model import MIN_PASSWORD_LENGTH  # the one statement of the password policy

log = logging.getLogger(__name__)

ADMIN_GROUP = "admin"


def aws_client(service_name: str, endpoint: str) -> Any:
    """A boto3 client for `service_name` at `endpoint`, with dummy credentials."""
    import boto3  # deferred: heavy import

    return boto3.session.Session().client(  # type: ignore[call-overload]
        service_name,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass(frozen=True)
class QueueInfo:
    service: str
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str
    subscription_arn: str


@dataclass
class Provisioned:
    tables: dict[str, str] = field(default_factory=dict)  # service -> table name
    stream_arns: dict[str, str] = field(default_factory=dict)  # service -> latest stream ARN
    queues: dict[str, QueueInfo] = field(default_factory=dict)  # service -> its queue
    events_topic_arn: str = ""
    notifications_topic_arn: str = ""
    pool_id: str = ""
    client_id: str = ""

    def environment(self) -> dict[str, str]:
        """The variables (docs/conventions.md) that name these resources."""
        env = {f"{service.upper()}_TABLE_NAME": table for service, table in self.tables.items()}
        env["SHOP_EVENTS_TOPIC_ARN"] = self.events_topic_arn
        env["SHOP_NOTIFICATIONS_TOPIC_ARN"] = self.notifications_topic_arn
        env["USER_POOL_ID"] = self.pool_id
        env["USER_POOL_CLIENT_ID"] = self.client_id
        return env


def provision(resources: Resources, endpoint: str, cognito_endpoint: str | None = None) -> Provisioned:
    result = Provisioned()
    dynamodb = aws_client("dynamodb", endpoint)
    for service in resources.table_services:
        name, stream_arn = _create_table(dynamodb, resources, service)
        result.tables[service.name] = name
        if stream_arn:
            result.stream_arns[service.name] = stream_arn

    sns = aws_client("sns", endpoint)
    result.events_topic_arn = sns.create_topic(Name=resources.events_topic_name)["TopicArn"]
    result.notifications_topic_arn = sns.create_topic(Name=resources.notifications_topic_name)["TopicArn"]

    sqs = aws_client("sqs", endpoint)
    for service in resources.consumers:
        result.queues[service.name] = _create_queue(sqs, sns, resources, service, result.events_topic_arn)

    cognito = aws_client("cognito-idp", cognito_endpoint or endpoint)
    result.pool_id, result.client_id = create_user_pool(cognito)
    log.info(
        "provisioned %d tables, %d queues, user pool %s",
        len(result.tables),
        len(result.queues),
        result.pool_id,
    )
    return result


def table_spec(resources: Resources, table_name: str, *, stream: bool) -> dict[str, Any]:
    """CreateTable parameters for a service table: the key schema every table shares."""
    defaults = resources.table_defaults
    key_names = [defaults.hash_key, defaults.range_key]
    for index in defaults.indexes:
        key_names += [index.hash_key, index.range_key]
    spec: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in dict.fromkeys(key_names)
        ],
        "KeySchema": [
            {"AttributeName": defaults.hash_key, "KeyType": "HASH"},
            {"AttributeName": defaults.range_key, "KeyType": "RANGE"},
        ],
    }
    if defaults.indexes:
        spec["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.hash_key, "KeyType": "HASH"},
                    {"AttributeName": index.range_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in defaults.indexes
        ]
    if stream:
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    return spec


def _create_table(dynamodb: Any, resources: Resources, service: Service) -> tuple[str, str | None]:
    defaults = resources.table_defaults
    spec = table_spec(resources, service.table_name, stream=service.stream)
    try:
        description = dynamodb.create_table(**spec)["TableDescription"]
    except dynamodb.exceptions.ResourceInUseException:  # an external emulator that kept its state
        description = dynamodb.describe_table(TableName=service.table_name)["Table"]
    dynamodb.get_waiter("table_exists").wait(
        TableName=service.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    ttl = dynamodb.describe_time_to_live(TableName=service.table_name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        dynamodb.update_time_to_live(
            TableName=service.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": defaults.ttl_attribute},
        )
    return service.table_name, description.get("LatestStreamArn")


# SQS's maximum, as modules/queue's DLQs: a DLQ counts from a message's first enqueue.
DLQ_RETENTION_SECONDS = str(14 * 24 * 3600)


def _create_queue(sqs: Any, sns: Any, resources: Resources, service: Service, topic_arn: str) -> QueueInfo:
    defaults = resources.queue_defaults
    retention = str(defaults.message_retention_seconds)
    dlq_url = sqs.create_queue(
        QueueName=service.dlq_name, Attributes={"MessageRetentionPeriod": DLQ_RETENTION_SECONDS}
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    queue_url = sqs.create_queue(
        QueueName=service.queue_name,
        Attributes={
            "VisibilityTimeout": str(defaults.visibility_timeout_seconds),
            "MessageRetentionPeriod": retention,
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(defaults.max_receive_count)}
            ),
        },
    )["QueueUrl"]
    queue_arn = _queue_arn(sqs, queue_url)
    for url, arn in ((queue_url, queue_arn), (dlq_url, dlq_arn)):  # the DLQ takes what SNS cannot deliver
        sqs.set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(_allow_topic_policy(arn, topic_arn))}
        )
    subscription_arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={
            "RawMessageDelivery": "true",
            "FilterPolicyScope": "MessageAttributes",
            "FilterPolicy": json.dumps({"event_type": list(service.consumes)}),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn}),
        },
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return QueueInfo(
        service=service.name,
        url=queue_url,
        arn=queue_arn,
        dlq_url=dlq_url,
        dlq_arn=dlq_arn,
        subscription_arn=subscription_arn,
    )


def _queue_arn(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def _allow_topic_policy(queue_arn: str, topic_arn: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }


def create_user_pool(cognito: Any) -> tuple[str, str]:
    pool_id: str = cognito.create_user_pool(
        PoolName=f"{NAME_PREFIX}-users",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": MIN_PASSWORD_LENGTH,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
        Schema=[{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": False}],
        # As modules/identity sets them: accounts only through the shop, an address changed
        # through Cognito counts once verified
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )["UserPool"]["Id"]
    client_id: str = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{NAME_PREFIX}-api",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        ReadAttributes=["email", "email_verified", "name"],
        WriteAttributes=["email"],
    )["UserPoolClient"]["ClientId"]
    cognito.create_group(GroupName=ADMIN_GROUP, UserPoolId=pool_id, Description="Shop administrators")
    return pool_id, client_id
