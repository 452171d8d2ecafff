"""The saga's queues as SQS reports them: every queue whose name starts with the shop's
prefix (consumer queues and their DLQs, the outbox relay's failure queue), listed at each
call, so a new consumer shows up without configuration."""

from __future__ import annotations

from typing import Any

from shop.analytics.domain.saga import QueueDepth

_ATTRIBUTES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]


class SqsQueues:
    """Implements ports.Queues."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self.prefix = prefix

    def depths(self) -> list[QueueDepth]:
        return [self._depth(url) for url in self._urls()]

    def _urls(self) -> list[str]:
        params: dict[str, Any] = {"QueueNamePrefix": self.prefix, "MaxResults": 1000}
        urls: list[str] = []
        while True:
            page = self._client.list_queues(**params)
            urls += page.get("QueueUrls", [])
            if not page.get("NextToken"):
                return urls
            params["NextToken"] = page["NextToken"]

    def _depth(self, url: str) -> QueueDepth:
        attributes = self._client.get_queue_attributes(QueueUrl=url, AttributeNames=_ATTRIBUTES)["Attributes"]
        return QueueDepth(
            name=url.rstrip("/").rsplit("/", 1)[-1],
            visible=int(attributes.get("ApproximateNumberOfMessages", 0)),
            in_flight=int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
        )
