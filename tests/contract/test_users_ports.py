"""One contract for the users' Profiles and Notices ports, run on the in-memory fakes and on
the DynamoDB adapters: a profile claims its e-mail with its event, a save on a stale version
is refused, a notice's recipient is read from the profile and remembered once sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from shop.kernel.change import Change
from shop.platform.aws import client
from shop.users.adapters.dynamo_notices import DynamoNotices
from shop.users.adapters.dynamo_profiles import DynamoProfiles
from shop.users.domain.errors import EmailTaken, ProfileChanged, ProfileNotFound
from shop.users.domain.model import NewAccount, ProfileChanges, UserProfile
from shop.users.domain.notifications import Notification, OrderOutcome
from shop.users.ports import Notices, Profiles
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, Store, dynamo_store, fake_store, on_moto
from tests.unit.users.fakes import FakeNotices, FakeProfiles

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Users:
    profiles: Store[Profiles]
    notices: Notices


@pytest.fixture(params=BACKENDS)
def users(request: pytest.FixtureRequest) -> Users:
    if on_moto(request):
        table = create_table("users")
        dynamodb = client("dynamodb")
        return Users(dynamo_store(DynamoProfiles(dynamodb, table), table), DynamoNotices(dynamodb, table))
    profiles = FakeProfiles()
    return Users(fake_store(profiles, profiles.events), FakeNotices(profiles))


def registered(user_id: str = "u1", email: str = "ada@example.com") -> Change[UserProfile]:
    account = NewAccount(email=email, password=SecretStr("secret123"), name="Ada")
    return UserProfile.register(user_id, account, NOW)


def test_a_profile_reads_back_and_its_email_is_claimed_once(users: Users) -> None:
    change = registered()
    users.profiles.port.add(change)
    assert users.profiles.port.get("u1") == change.after
    with pytest.raises(EmailTaken):
        users.profiles.port.add(registered("u2"))
    with pytest.raises(ProfileNotFound):
        users.profiles.port.get("u2")
    assert users.profiles.published() == ["UserRegistered"]


def test_a_save_on_a_stale_version_is_refused(users: Users) -> None:
    profile = registered().after
    users.profiles.port.add(registered())
    users.profiles.port.save(profile.change(ProfileChanges(name="One"), NOW))
    with pytest.raises(ProfileChanged):
        users.profiles.port.save(profile.change(ProfileChanges(name="Two"), NOW))
    assert users.profiles.port.get("u1").name == "One"
    ghost = registered("ghost", "ghost@example.com").after
    with pytest.raises(ProfileChanged):
        users.profiles.port.save(ghost.change(ProfileChanges(name="Boo"), NOW))


def test_a_notice_goes_to_the_profile_as_it_is_now_and_is_remembered(users: Users) -> None:
    profile = registered().after
    users.profiles.port.add(registered())
    users.profiles.port.save(profile.change(ProfileChanges(name="Ada L."), NOW + timedelta(hours=1)))
    outcome = OrderOutcome(order_id="o1", customer_id="u1", status="CONFIRMED")
    recipient = users.notices.recipient("u1", outcome.notice_id)
    assert recipient is not None
    assert (recipient.email, recipient.name, recipient.already_notified) == (
        "ada@example.com",
        "Ada L.",
        False,
    )
    users.notices.record(Notification.about(outcome, recipient))
    again = users.notices.recipient("u1", outcome.notice_id)
    assert again is not None
    assert again.already_notified
    other = users.notices.recipient("u1", "o1#CANCELLED")
    assert other is not None
    assert not other.already_notified
    assert users.notices.recipient("nobody", outcome.notice_id) is None


def test_a_removed_profile_frees_its_email_and_leaves_only_its_deletion(users: Users) -> None:
    users.profiles.port.add(registered())
    users.profiles.port.add(registered("u2", "grace@example.com"))
    profile = users.profiles.port.get("u1")
    users.profiles.port.save(profile.change(ProfileChanges(name="Ada L."), NOW))
    with pytest.raises(ProfileChanged):
        users.profiles.port.remove(profile.delete())  # decided on a version since changed
    users.profiles.port.remove(users.profiles.port.get("u1").delete())
    with pytest.raises(ProfileNotFound):
        users.profiles.port.get("u1")
    # the registration's outbox record held the e-mail: it went with the profile
    assert users.profiles.published() == ["UserDeleted", "UserRegistered"]
    users.profiles.port.add(registered("u3"))  # the address registers again
    assert users.profiles.port.get("u3").email == "ada@example.com"
