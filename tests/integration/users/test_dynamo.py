from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from shop.kernel.change import Change
from shop.users.adapters.dynamo_notices import DynamoNotices
from shop.users.adapters.dynamo_profiles import DynamoProfiles
from shop.users.adapters.sns import SnsNotifier
from shop.users.domain.errors import EmailTaken, ProfileChanged, ProfileNotFound
from shop.users.domain.model import NewAccount, ProfileChanges, UserProfile
from shop.users.domain.notifications import Notification, OrderOutcome, Recipient
from tests.integration.users.conftest import UsersAws
from tests.support.dynamodb import DynamoCalls

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def profiles(users_aws: UsersAws) -> DynamoProfiles:
    return DynamoProfiles(users_aws.client("dynamodb"), users_aws.table)


def registered(user_id: str = "u1", email: str = "ada@example.com") -> Change[UserProfile]:
    account = NewAccount(email=email, password=SecretStr("secret123"), name="Ada")
    return UserProfile.register(user_id, account, NOW)


def test_add_writes_profile_email_claim_and_outbox_in_one_request(
    profiles: DynamoProfiles, users_aws: UsersAws, dynamodb_requests: DynamoCalls
) -> None:
    change = registered()
    profile = change.after
    dynamodb_requests.reset()
    profiles.add(change)
    assert dynamodb_requests.operations == ["TransactWriteItems"]

    items = {item["pk"].split("#")[0]: item for item in users_aws.items()}
    assert set(items) == {"USER", "EMAIL", "OUTBOX"}
    assert (items["USER"]["pk"], items["USER"]["sk"], items["USER"]["email"]) == (
        "USER#u1",
        "PROFILE",
        profile.email,
    )
    assert (items["EMAIL"]["pk"], items["EMAIL"]["user_id"]) == ("EMAIL#ada@example.com", "u1")
    event = json.loads(items["OUTBOX"]["event"])
    assert event["event_type"] == "UserRegistered"
    assert event["data"] == {"user_id": "u1", "email": "ada@example.com", "name": "Ada"}
    assert "secret123" not in json.dumps(users_aws.items())


def test_a_taken_email_writes_nothing(profiles: DynamoProfiles, users_aws: UsersAws) -> None:
    profiles.add(registered("u1"))
    before = users_aws.items()
    with pytest.raises(EmailTaken):
        profiles.add(registered("u2"))
    assert users_aws.items() == before


def test_get_and_save_round_trip(profiles: DynamoProfiles, dynamodb_requests: DynamoCalls) -> None:
    change = registered()
    profile = change.after
    profiles.add(change)
    assert profiles.get("u1") == profile
    changes = ProfileChanges.model_validate(
        {
            "name": "Ada L.",
            "addresses": [{"line1": "1 Main St", "city": "Oslo", "postal_code": "0150", "country": "NO"}],
        }
    )
    changed = profile.change(changes, NOW + timedelta(hours=1))
    dynamodb_requests.reset()
    profiles.save(changed)
    assert dynamodb_requests.operations == ["PutItem"]
    assert profiles.get("u1") == changed.after
    with pytest.raises(ProfileNotFound):
        profiles.get("nobody")


def test_save_refuses_a_stale_version(profiles: DynamoProfiles) -> None:
    change = registered()
    profile = change.after
    profiles.add(change)
    profiles.save(profile.change(ProfileChanges(name="One"), NOW))
    with pytest.raises(ProfileChanged):
        profiles.save(profile.change(ProfileChanges(name="Two"), NOW))
    assert profiles.get("u1").name == "One"
    ghost = registered("ghost", "ghost@example.com").after
    with pytest.raises(ProfileChanged):
        profiles.save(ghost.change(ProfileChanges(name="Boo"), NOW))


def test_notices_find_the_recipient_and_remember_what_was_sent(
    profiles: DynamoProfiles, users_aws: UsersAws, dynamodb_requests: DynamoCalls
) -> None:
    notices = DynamoNotices(users_aws.client("dynamodb"), users_aws.table)
    profiles.add(registered())
    outcome = OrderOutcome(order_id="o1", customer_id="u1", status="CONFIRMED")
    dynamodb_requests.reset()
    recipient = notices.recipient("u1", outcome.notice_id)
    assert recipient is not None
    assert (recipient.email, recipient.name, recipient.already_notified) == ("ada@example.com", "Ada", False)
    notices.record(Notification.about(outcome, recipient))
    assert dynamodb_requests.operations == ["BatchGetItem", "PutItem"]
    again = notices.recipient("u1", outcome.notice_id)
    assert again is not None
    assert again.already_notified
    other = notices.recipient("u1", "o1#CANCELLED")
    assert other is not None
    assert not other.already_notified
    assert notices.recipient("nobody", outcome.notice_id) is None


def test_sns_notifier_publishes_the_notification(users_aws: UsersAws) -> None:
    notifier = SnsNotifier(users_aws.client("sns"), users_aws.topic_arn)
    outcome = OrderOutcome(order_id="o1", customer_id="u1", status="CANCELLED", reason="PAYMENT_DECLINED")
    notification = Notification.about(outcome, Recipient(user_id="u1", email="ada@example.com", name="Ada"))
    notifier.send(notification)
    [message] = users_aws.notifications()
    assert message["email"] == "ada@example.com"
    assert (message["order_id"], message["status"], message["reason"]) == (
        "o1",
        "CANCELLED",
        "PAYMENT_DECLINED",
    )
    assert message["subject"] == "Your order o1 was cancelled"
    assert message["text"]
