"""Profiles and e-mail claims in the users table.

Keys: profile `USER#<id>`/`PROFILE`; e-mail claim `EMAIL#<email>`/`EMAIL` (one account
per address). The claim names the outbox records of the registration (`registered_events`):
they hold the e-mail, so a deletion erases them with the profile instead of waiting a week for
their TTL."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.clock import parse_rfc3339, rfc3339
from shop.platform.dynamo import from_item, to_item
from shop.platform.outbox import outbox_key
from shop.platform.transaction import Transaction
from shop.users.domain.errors import EmailTaken, ProfileChanged, ProfileNotFound
from shop.users.domain.model import UserProfile

_NEW = "attribute_not_exists(pk)"


def profile_key(user_id: str) -> dict[str, str]:
    return {"pk": f"USER#{user_id}", "sk": "PROFILE"}


def email_key(email: str) -> dict[str, str]:
    return {"pk": f"EMAIL#{email}", "sk": "EMAIL"}


def _profile_item(profile: UserProfile) -> dict[str, Any]:
    return {
        **profile_key(profile.user_id),
        "user_id": profile.user_id,
        "email": profile.email,
        "name": profile.name,
        "addresses": [address.model_dump(exclude_none=True) for address in profile.addresses],
        "created_at": rfc3339(profile.created_at),
        "updated_at": rfc3339(profile.updated_at),
        "version": profile.version,
        "email_verified": profile.email_verified,
    }


def _profile(item: dict[str, Any]) -> UserProfile:
    return UserProfile(
        user_id=item["user_id"],
        email=item["email"],
        name=item["name"],
        addresses=tuple(Address.model_validate(address) for address in item.get("addresses", [])),
        created_at=parse_rfc3339(item["created_at"]),
        updated_at=parse_rfc3339(item.get("updated_at", item["created_at"])),
        version=item.get("version", 1),
        email_verified=item.get("email_verified", False),
    )


class DynamoProfiles:
    """Implements ports.Profiles."""

    def __init__(self, client: Any, table: str) -> None:
        self._dynamodb = client
        self._table = table

    def add(self, change: Change[UserProfile]) -> None:
        profile = change.after
        transaction = Transaction(self._dynamodb, self._table)
        transaction.put(_profile_item(profile), _NEW)
        events = transaction.publish(change.events, occurred_at=profile.created_at)
        claim = transaction.put(
            {**email_key(profile.email), "user_id": profile.user_id, "registered_events": events}, _NEW
        )
        transaction.commit({claim: lambda _: EmailTaken()})

    def get(self, user_id: str) -> UserProfile:
        response = self._dynamodb.get_item(
            TableName=self._table, Key=to_item(profile_key(user_id)), ConsistentRead=True
        )
        if "Item" not in response:
            raise ProfileNotFound
        return _profile(from_item(response["Item"]))

    def save(self, change: Change[UserProfile]) -> None:
        if change.before is None:
            raise ValueError("save() replaces a stored profile; add() stores a new one")
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=to_item(_profile_item(change.after)),
                ConditionExpression="attribute_exists(pk) AND version = :expected",
                ExpressionAttributeValues=to_item({":expected": change.before.version}),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ProfileChanged from error
            raise

    def remove(self, change: Change[UserProfile | None]) -> None:
        gone = change.before
        if gone is None:
            raise ValueError("remove() takes a stored profile away; there is none before")
        claim = self._dynamodb.get_item(
            TableName=self._table, Key=to_item(email_key(gone.email)), ConsistentRead=True
        ).get("Item")
        transaction = Transaction(self._dynamodb, self._table)
        profile = transaction.delete(
            profile_key(gone.user_id),
            "#version = :version",
            names={"#version": "version"},
            values={":version": gone.version},
        )
        transaction.delete(email_key(gone.email))
        for event_id in from_item(claim).get("registered_events", []) if claim else []:
            transaction.delete(outbox_key(event_id))
        transaction.publish(change.events)
        transaction.commit({profile: lambda _: ProfileChanged()})
