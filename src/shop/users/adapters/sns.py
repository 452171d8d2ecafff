"""Customer notifications on the SNS notifications topic (a mailer subscribes to it)."""

from __future__ import annotations

from typing import Any

from shop.platform.context import correlation_id
from shop.users.domain.notifications import Notification


class SnsNotifier:
    def __init__(self, client: Any, topic_arn: str) -> None:
        self._sns = client
        self._topic_arn = topic_arn

    def send(self, notification: Notification) -> None:
        self._sns.publish(
            TopicArn=self._topic_arn,
            Subject=notification.subject,
            Message=notification.model_dump_json(),
            MessageAttributes={
                "notification_type": {
                    "DataType": "String",
                    "StringValue": f"Order{notification.status.title()}",
                },
                "correlation_id": {"DataType": "String", "StringValue": correlation_id()},
            },
        )
