"""Sent-notice records in the users table: `NOTICE#<order_id>#<status>`/`NOTICE`, kept 30 days,
read in one request with the profile of the customer to notify."""

from __future__ import annotations

import time
from typing import Any

from shop.platform.dynamo import from_item, to_item
from shop.users.adapters.dynamo_profiles import profile_key
from shop.users.domain.notifications import Notification, Recipient

_NOTICE_KEEP_SECONDS = 30 * 24 * 3600


def notice_key(notice_id: str) -> dict[str, str]:
    return {"pk": f"NOTICE#{notice_id}", "sk": "NOTICE"}


class DynamoNotices:
    """Implements ports.Notices."""

    def __init__(self, client: Any, table: str) -> None:
        self._dynamodb = client
        self._table = table

    def recipient(self, user_id: str, notice_id: str) -> Recipient | None:
        keys = [profile_key(user_id), notice_key(notice_id)]
        response = self._dynamodb.batch_get_item(
            RequestItems={self._table: {"Keys": [to_item(key) for key in keys], "ConsistentRead": True}}
        )
        if response.get("UnprocessedKeys"):
            raise RuntimeError("the users table is throttling reads; the event will be retried")
        items = [from_item(item) for item in response.get("Responses", {}).get(self._table, [])]
        profile = next((item for item in items if item["sk"] == "PROFILE"), None)
        if profile is None:
            return None
        return Recipient(
            user_id=profile["user_id"],
            email=profile["email"],
            name=profile["name"],
            email_verified=profile.get("email_verified", False),
            already_notified=any(item["sk"] == "NOTICE" for item in items),
        )

    def record(self, notification: Notification) -> None:
        item = {
            **notice_key(notification.notice_id),
            "user_id": notification.user_id,
            "expires_at": int(time.time()) + _NOTICE_KEEP_SECONDS,
        }
        self._dynamodb.put_item(TableName=self._table, Item=to_item(item))
