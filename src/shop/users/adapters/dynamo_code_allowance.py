"""How many codes an address was mailed this hour: `CODES#<sha256 of the address>`/`HOUR#<hour>`
(the count holds no personal data), kept two hours."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shop.platform.dynamo import to_item
from shop.users.domain.model import MAX_CODES_PER_HOUR


class DynamoCodeAllowance:
    """Implements ports.CodeAllowance: one counter per address and clock hour."""

    def __init__(self, client: Any, table: str) -> None:
        self._dynamodb = client
        self._table = table

    def take(self, email: str, now: datetime) -> bool:
        digest = hashlib.sha256(email.encode()).hexdigest()
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=to_item({"pk": f"CODES#{digest}", "sk": f"HOUR#{now:%Y-%m-%dT%H}"}),
                UpdateExpression="ADD sent :one SET expires_at = if_not_exists(expires_at, :expires)",
                ConditionExpression="attribute_not_exists(sent) OR sent < :cap",
                ExpressionAttributeValues=to_item(
                    {":one": 1, ":cap": MAX_CODES_PER_HOUR, ":expires": int(now.timestamp()) + 2 * 3600}
                ),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
