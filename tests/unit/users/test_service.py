from __future__ import annotations

import pytest
from pydantic import SecretStr

from shop.kernel.clock import FixedClock
from shop.users import service
from shop.users.domain.errors import (
    EmailTaken,
    InvalidRefreshToken,
    ProfileChanged,
    ProfileNotFound,
    WrongCredentials,
)
from shop.users.domain.model import Credentials, NewAccount, ProfileChanges, UserProfile
from shop.users.domain.notifications import OrderOutcome
from tests.unit.users.fakes import FakeIdentity, FakeNotices, FakeNotifier, FakeProfiles

PASSWORD = "secret123"


def new_account(email: str = "ada@example.com") -> NewAccount:
    return NewAccount(email=email, password=SecretStr(PASSWORD), name="Ada")


def register(identity: FakeIdentity, profiles: FakeProfiles, email: str = "ada@example.com") -> str:
    profile = service.register(new_account(email), identity=identity, profiles=profiles, clock=FixedClock())
    return profile.user_id


def test_register_creates_identity_profile_and_event(identity: FakeIdentity, profiles: FakeProfiles) -> None:
    user_id = register(identity, profiles)
    assert identity.accounts["ada@example.com"].user_id == user_id
    assert profiles.profiles[user_id].email == "ada@example.com"
    assert [event.event_type for event in profiles.events] == ["UserRegistered"]
    assert PASSWORD not in repr(profiles.events) + repr(profiles.profiles)


def test_a_taken_email_is_a_conflict_and_changes_nothing(
    identity: FakeIdentity, profiles: FakeProfiles
) -> None:
    first = register(identity, profiles)
    with pytest.raises(EmailTaken):
        register(identity, profiles)
    assert list(profiles.profiles) == [first]
    assert identity.deleted == []  # the first account's identity is untouched


def test_a_failed_profile_write_removes_the_new_identity(
    identity: FakeIdentity, profiles: FakeProfiles
) -> None:
    profiles.fail_next_add = RuntimeError("table unavailable")
    with pytest.raises(RuntimeError):
        register(identity, profiles)
    assert identity.deleted == ["ada@example.com"]
    assert identity.accounts == {}
    assert profiles.profiles == {}


def test_a_stale_email_claim_also_removes_the_new_identity(
    identity: FakeIdentity, profiles: FakeProfiles
) -> None:
    profiles.emails["ada@example.com"] = "someone-before"
    with pytest.raises(EmailTaken):
        register(identity, profiles)
    assert identity.accounts == {}


def test_log_in_and_refresh(identity: FakeIdentity, profiles: FakeProfiles) -> None:
    user_id = register(identity, profiles)
    tokens = service.log_in(
        Credentials(email="ada@example.com", password=SecretStr(PASSWORD)), identity=identity
    )
    assert tokens.refresh_token is not None
    refreshed = service.refresh(tokens.refresh_token, identity=identity)
    session = (user_id, tokens.refresh_token)
    assert (
        identity.access_tokens[tokens.access_token]
        == identity.access_tokens[refreshed.access_token]
        == session
    )
    assert refreshed.access_token != tokens.access_token
    with pytest.raises(InvalidRefreshToken):
        service.refresh("not-a-token", identity=identity)


@pytest.mark.parametrize(
    ("email", "password"), [("ada@example.com", "wrong1234"), ("bob@example.com", PASSWORD)]
)
def test_wrong_email_or_password_look_the_same(
    identity: FakeIdentity, profiles: FakeProfiles, email: str, password: str
) -> None:
    register(identity, profiles)
    with pytest.raises(WrongCredentials) as caught:
        service.log_in(Credentials(email=email, password=SecretStr(password)), identity=identity)
    assert caught.value.detail == "Wrong e-mail or password."


def test_my_profile(identity: FakeIdentity, profiles: FakeProfiles) -> None:
    user_id = register(identity, profiles)
    assert service.my_profile(user_id, profiles=profiles).name == "Ada"
    with pytest.raises(ProfileNotFound):
        service.my_profile("nobody", profiles=profiles)


def test_change_my_profile(identity: FakeIdentity, profiles: FakeProfiles) -> None:
    user_id = register(identity, profiles)
    changes = ProfileChanges.model_validate(
        {
            "name": "Ada L.",
            "addresses": [{"line1": "1 Main St", "city": "Oslo", "postal_code": "0150", "country": "NO"}],
        }
    )
    changed = service.change_my_profile(user_id, changes, profiles=profiles, clock=FixedClock())
    assert profiles.profiles[user_id] == changed
    assert (changed.name, changed.addresses[0].city, changed.version) == ("Ada L.", "Oslo", 2)
    with pytest.raises(ProfileNotFound):
        service.change_my_profile("nobody", changes, profiles=profiles, clock=FixedClock())


def test_a_concurrent_change_is_refused(profiles: FakeProfiles, identity: FakeIdentity) -> None:
    user_id = register(identity, profiles)
    stale = profiles.get(user_id)
    service.change_my_profile(user_id, ProfileChanges(name="One"), profiles=profiles, clock=FixedClock())
    with pytest.raises(ProfileChanged):
        profiles.save(stale.change(ProfileChanges(name="Two"), FixedClock().now()))
    assert profiles.profiles[user_id].name == "One"


def test_notify_customer_once_per_outcome(profiles: FakeProfiles) -> None:
    profiles.add(UserProfile.register("u1", new_account(), FixedClock().now()))
    notices = FakeNotices(profiles)
    notifier = FakeNotifier()
    outcome = OrderOutcome(order_id="o1", customer_id="u1", status="CANCELLED", reason="OUT_OF_STOCK")
    assert service.notify_customer(outcome, notices=notices, notifier=notifier) == "sent"
    assert service.notify_customer(outcome, notices=notices, notifier=notifier) == "already_sent"
    assert [(n.email, n.order_id, n.status, n.reason) for n in notifier.sent] == [
        ("ada@example.com", "o1", "CANCELLED", "OUT_OF_STOCK")
    ]
    confirmed = OrderOutcome(order_id="o2", customer_id="u1", status="CONFIRMED")
    assert service.notify_customer(confirmed, notices=notices, notifier=notifier) == "sent"
    assert len(notifier.sent) == 2


def test_notify_without_profile_sends_nothing() -> None:
    notifier = FakeNotifier()
    outcome = OrderOutcome(order_id="o1", customer_id="ghost", status="CONFIRMED")
    assert (
        service.notify_customer(outcome, notices=FakeNotices(FakeProfiles()), notifier=notifier)
        == "no_profile"
    )
    assert notifier.sent == []
