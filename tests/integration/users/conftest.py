"""The users service's AWS on moto: its table, a Cognito pool shaped like the real one,
the notifications topic with a queue to read what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import create_table


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
        from shop.platform.dynamo import from_item

        return [from_item(item) for item in self.client("dynamodb").scan(TableName=self.table)["Items"]]

    def notifications(self) -> list[dict[str, Any]]:
        import json

        sqs = self.client("sqs")
        messages = sqs.receive_message(QueueUrl=self.inbox_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]


def create_user_pool(cognito: Any, *, require_symbols: bool = False) -> tuple[str, str]:
    pool_id: str = cognito.create_user_pool(
        PoolName="shop-users",
        UsernameAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": True,
                "RequireSymbols": require_symbols,
            }
        },
        Schema=[{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": False}],
    )["UserPool"]["Id"]
    client_id: str = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="shop-api",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


@pytest.fixture
def users_aws(aws: None, monkeypatch: pytest.MonkeyPatch) -> UsersAws:
    from shop.platform.aws import client

    table = create_table("shop-users")
    pool_id, client_id = create_user_pool(client("cognito-idp"))
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


class RequestCounter:
    """Counts the DynamoDB requests made through the shared client (botocore before-call hook)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def reset(self) -> None:
        self.calls.clear()


@pytest.fixture
def dynamodb_requests(users_aws: UsersAws) -> Iterator[RequestCounter]:
    counter = RequestCounter()
    events = users_aws.client("dynamodb").meta.events
    events.register("before-call.dynamodb", counter)
    yield counter
    events.unregister("before-call.dynamodb", counter)
