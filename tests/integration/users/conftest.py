"""The users service's AWS on moto: its table, the Cognito pool the local stack provisions,
the notifications topic with a queue to read what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from shop.local.emulator import provisioning
from tests.conftest import create_table
from tests.support.dynamodb import DynamoCalls, dynamodb_calls, table_items


@dataclass(frozen=True)
class UsersAws:
    table: str
    pool_id: str
    client_id: str
    topic_arn: str
    inbox_url: str

    def client(self, name: str) -> Any:
        from shop.platform.aws import client

        return client(name)

    def items(self) -> list[dict[str, Any]]:
        return table_items(self.table)

    def notifications(self) -> list[dict[str, Any]]:
        import json

        sqs = self.client("sqs")
        messages = sqs.receive_message(QueueUrl=self.inbox_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]


@pytest.fixture
def users_aws(aws: None, monkeypatch: pytest.MonkeyPatch) -> UsersAws:
    from shop.platform.aws import client

    table = create_table("shop-users")
    pool_id, client_id = provisioning.create_user_pool(client("cognito-idp"))
    topic_arn = client("sns").create_topic(Name="shop-notifications")["TopicArn"]
    sqs = client("sqs")
    inbox_url = sqs.create_queue(QueueName="notifications-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    client("sns").subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=inbox_arn, Attributes={"RawMessageDelivery": "true"}
    )
    for name, value in {
        "USERS_TABLE_NAME": table,
        "USER_POOL_ID": pool_id,
        "USER_POOL_CLIENT_ID": client_id,
        "SHOP_NOTIFICATIONS_TOPIC_ARN": topic_arn,
    }.items():
        monkeypatch.setenv(name, value)
    return UsersAws(table, pool_id, client_id, topic_arn, inbox_url)


@pytest.fixture
def dynamodb_requests(users_aws: UsersAws) -> Iterator[DynamoCalls]:
    with dynamodb_calls() as calls:
        yield calls
