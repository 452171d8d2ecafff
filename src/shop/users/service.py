"""The users service's use cases: load, decide, save, tell."""

from __future__ import annotations

from typing import Literal

from shop.kernel.clock import Clock
from shop.users.domain.model import Credentials, NewAccount, ProfileChanges, Tokens, UserProfile
from shop.users.domain.notifications import Notification, OrderOutcome
from shop.users.ports import IdentityProvider, Notices, Notifier, Profiles

NoticeResult = Literal["sent", "already_sent", "no_profile"]


def register(
    account: NewAccount, *, identity: IdentityProvider, profiles: Profiles, clock: Clock
) -> UserProfile:
    user_id = identity.create(account)
    registered = UserProfile.register(user_id, account, clock.now())
    try:
        profiles.add(registered)
    except Exception:
        identity.delete(account.email)  # no identity without a profile
        raise
    return registered.after


def log_in(credentials: Credentials, *, identity: IdentityProvider) -> Tokens:
    return identity.log_in(credentials)


def refresh(refresh_token: str, *, identity: IdentityProvider) -> Tokens:
    return identity.refresh(refresh_token)


def my_profile(user_id: str, *, profiles: Profiles) -> UserProfile:
    return profiles.get(user_id)


def change_my_profile(
    user_id: str, changes: ProfileChanges, *, profiles: Profiles, clock: Clock
) -> UserProfile:
    profile = profiles.get(user_id).change(changes, clock.now())
    profiles.save(profile)
    return profile


def notify_customer(outcome: OrderOutcome, *, notices: Notices, notifier: Notifier) -> NoticeResult:
    recipient = notices.recipient(outcome.customer_id, outcome.notice_id)
    if recipient is None:
        return "no_profile"
    if recipient.already_notified:
        return "already_sent"
    notification = Notification.about(outcome, recipient)
    notifier.send(notification)
    notices.record(notification)
    return "sent"
