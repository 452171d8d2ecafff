"""Provisioning creates exactly what the packaged resources.json describes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from shop.local.orchestration.stack import EmbeddedStack
from shop.resources import load_resources

pytestmark = pytest.mark.integration

DESCRIPTION: dict[str, Any] = json.loads(resources.files("shop").joinpath("resources.json").read_text())


@pytest.fixture(scope="module")
def real_stack() -> Iterator[EmbeddedStack]:
    with EmbeddedStack(port=0, pollers=False, relay=False) as running:
        yield running


def _services_with_tables() -> dict[str, Any]:
    return {name: spec for name, spec in DESCRIPTION["services"].items() if spec.get("table") is not None}


def test_one_table_per_service_with_the_shared_key_schema(real_stack: EmbeddedStack) -> None:
    dynamodb = real_stack.client("dynamodb")
    expected = {f"shop-{name}" for name in _services_with_tables()}
    assert set(dynamodb.list_tables()["TableNames"]) == expected
    defaults = DESCRIPTION["table_defaults"]
    for name, spec in _services_with_tables().items():
        table = dynamodb.describe_table(TableName=f"shop-{name}")["Table"]
        assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {
            defaults["hash_key"]: "HASH",
            defaults["range_key"]: "RANGE",
        }
        indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
        for index in defaults["indexes"]:
            assert indexes[index["name"]]["Projection"]["ProjectionType"] == "ALL"
            assert [k["AttributeName"] for k in indexes[index["name"]]["KeySchema"]] == [
                index["hash_key"],
                index["range_key"],
            ]
        stream = table.get("StreamSpecification", {})
        assert bool(stream.get("StreamEnabled")) is bool(spec["table"].get("stream"))
        if spec["table"].get("stream"):
            assert stream["StreamViewType"] == "NEW_IMAGE"
        ttl = dynamodb.describe_time_to_live(TableName=f"shop-{name}")["TimeToLiveDescription"]
        assert ttl["AttributeName"] == defaults["ttl_attribute"]
        assert ttl["TimeToLiveStatus"] == "ENABLED"


def test_queues_with_dlqs_subscribed_with_filter_policies(real_stack: EmbeddedStack) -> None:
    sqs, sns = real_stack.client("sqs"), real_stack.client("sns")
    defaults = DESCRIPTION["queue_defaults"]
    consumers = {name: spec for name, spec in DESCRIPTION["services"].items() if spec.get("consumes")}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=real_stack.provisioned.events_topic_arn)[
        "Subscriptions"
    ]
    assert len(subscriptions) == len(consumers)
    for name, spec in consumers.items():
        url = sqs.get_queue_url(QueueName=f"shop-{name}-events")["QueueUrl"]
        dlq_url = sqs.get_queue_url(QueueName=f"shop-{name}-events-dlq")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
        dlq_arn = dlq["QueueArn"]
        # a DLQ counts a message's age from its first enqueue: it keeps it twice as long at least
        assert int(attributes["MessageRetentionPeriod"]) == defaults["message_retention_seconds"]
        assert int(dlq["MessageRetentionPeriod"]) >= 2 * defaults["message_retention_seconds"]
        assert attributes["VisibilityTimeout"] == str(defaults["visibility_timeout_seconds"])
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq_arn
        assert int(redrive["maxReceiveCount"]) == defaults["max_receive_count"]
        subscription = next(s for s in subscriptions if s["Endpoint"] == attributes["QueueArn"])
        sub_attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])[
            "Attributes"
        ]
        assert sub_attributes["RawMessageDelivery"] == "true"
        assert json.loads(sub_attributes["FilterPolicy"]) == {"event_type": spec["consumes"]}
        assert json.loads(sub_attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dlq_arn}
        assert json.loads(dlq["Policy"])["Statement"][0]["Condition"]["ArnEquals"] == {
            "aws:SourceArn": real_stack.provisioned.events_topic_arn
        }


def test_topics_and_user_pool(real_stack: EmbeddedStack) -> None:
    topics = {t["TopicArn"] for t in real_stack.client("sns").list_topics()["Topics"]}
    assert real_stack.provisioned.events_topic_arn in topics
    assert real_stack.provisioned.notifications_topic_arn in topics
    cognito = real_stack.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=real_stack.pool_id)["UserPool"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 8
    assert policy["RequireNumbers"] is True
    client = cognito.describe_user_pool_client(UserPoolId=real_stack.pool_id, ClientId=real_stack.client_id)[
        "UserPoolClient"
    ]
    assert "ClientSecret" not in client
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    groups = cognito.list_groups(UserPoolId=real_stack.pool_id)["Groups"]
    assert [g["GroupName"] for g in groups] == ["admin"]


def test_environment_follows_the_conventions(real_stack: EmbeddedStack) -> None:
    for name in _services_with_tables():
        assert os.environ[f"{name.upper()}_TABLE_NAME"] == f"shop-{name}"
    assert os.environ["SHOP_EVENTS_TOPIC_ARN"] == real_stack.provisioned.events_topic_arn
    assert os.environ["SHOP_NOTIFICATIONS_TOPIC_ARN"] == real_stack.provisioned.notifications_topic_arn
    assert os.environ["USER_POOL_ID"] == real_stack.pool_id
    assert os.environ["USER_POOL_CLIENT_ID"] == real_stack.client_id
    assert os.environ["SHOP_API_URL"] == real_stack.url
    assert os.environ["AWS_ENDPOINT_URL"] == real_stack.aws_endpoint
    assert real_stack.aws_endpoint.startswith("http://127.0.0.1:")
    assert len(os.environ["SHOP_CURSOR_SECRET"]) >= 32
    assert os.environ["POWERTOOLS_METRICS_DISABLED"] == "true"


def test_every_route_is_known_to_the_gateway() -> None:
    routes = {(r.method, r.path) for r in load_resources().routes}
    described = {
        (route["method"], route["path"])
        for spec in DESCRIPTION["services"].values()
        for route in spec["routes"]
    }
    assert routes == described


def test_the_environment_is_restored_after_stop() -> None:
    before = os.environ.get("USER_POOL_ID")
    with EmbeddedStack(port=0, pollers=False, relay=False):
        pass
    assert os.environ.get("USER_POOL_ID") == before
