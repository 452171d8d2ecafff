"""The users service's use cases: load, decide, save, tell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import Literal

from shop.kernel.clock import Clock
from shop.kernel.errors import Unavailable
from shop.users.domain.errors import AnotherAddressVerified, OrdersInProgress, WrongCredentials, WrongPassword
from shop.users.domain.events import UserDeleted
from shop.users.domain.model import (
    AccountDeletion,
    Credentials,
    NewAccount,
    PasswordChange,
    PasswordReset,
    ProfileChanges,
    Tokens,
    UserProfile,
)
from shop.users.domain.notifications import Notification, OrderOutcome
from shop.users.domain.records import DataExport, OrderRecord
from shop.users.ports import CodeAllowance, CustomerRecords, IdentityProvider, Notices, Notifier, Profiles

_LONGEST_PAGE = 100  # the most orders one GET /orders answers
NoticeResult = Literal["sent", "already_sent", "no_profile", "unverified"]


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


def log_out(refresh_token: str, *, identity: IdentityProvider) -> None:
    identity.revoke(refresh_token)


def resend_email_code(
    user_id: str,
    access_token: str,
    *,
    identity: IdentityProvider,
    profiles: Profiles,
    allowance: CodeAllowance,
    clock: Clock,
) -> None:
    """Nothing to send for a verified address; past the hourly cap nothing is sent either."""
    profile = profiles.get(user_id)
    if not profile.email_verified and allowance.take(profile.email, clock.now()):
        identity.send_email_code(access_token)


def verify_email(
    user_id: str,
    access_token: str,
    code: str,
    *,
    identity: IdentityProvider,
    profiles: Profiles,
    clock: Clock,
) -> None:
    """The profile's address is verified only if it is the one the provider verified (a
    customer can change the provider's address directly, with the access token)."""
    verified = identity.verify_email(access_token, code)
    profile = profiles.get(user_id)
    if verified != profile.email:
        raise AnotherAddressVerified
    if not profile.email_verified:
        profiles.save(profile.verified(clock.now()))


def forgot_password(
    email: str, *, identity: IdentityProvider, allowance: CodeAllowance, clock: Clock
) -> None:
    """The same for every address, known or not: the caller learns nothing."""
    if allowance.take(email, clock.now()):
        identity.send_password_code(email)


def reset_password(reset: PasswordReset, *, identity: IdentityProvider) -> None:
    identity.reset_password(reset)


def change_password(access_token: str, change: PasswordChange, *, identity: IdentityProvider) -> None:
    identity.change_password(access_token, change)


def set_account_enabled(user_id: str, enabled: bool, *, identity: IdentityProvider) -> None:
    identity.set_enabled(user_id, enabled)


def my_profile(user_id: str, *, profiles: Profiles) -> UserProfile:
    return profiles.get(user_id)


def change_my_profile(
    user_id: str, changes: ProfileChanges, *, profiles: Profiles, clock: Clock
) -> UserProfile:
    change = profiles.get(user_id).change(changes, clock.now())
    profiles.save(change)
    return change.after


def notify_customer(
    outcome: OrderOutcome, *, notices: Notices, notifier: Notifier, verified_only: bool = False
) -> NoticeResult:
    """`verified_only`: send nothing to an address the customer has not verified."""
    recipient = notices.recipient(outcome.customer_id, outcome.notice_id)
    if recipient is None:
        return "no_profile"
    if recipient.already_notified:
        return "already_sent"
    if verified_only and not recipient.email_verified:
        return "unverified"
    notification = Notification.about(outcome, recipient)
    notifier.send(notification)
    notices.record(notification)
    return "sent"


def delete_my_account(
    user_id: str,
    deletion: AccountDeletion,
    *,
    authorization: str,
    identity: IdentityProvider,
    profiles: Profiles,
    records: CustomerRecords,
) -> None:
    """Right to erasure: the profile and the identity go; UserDeleted tells every service to
    erase what it holds. Refused while an order still moves, whose saga needs its customer."""
    profile = profiles.get(user_id)
    try:
        identity.log_in(Credentials(email=profile.email, password=deletion.password))
    except WrongCredentials:
        raise WrongPassword from None
    if not all(order.settled for order in _every_order(authorization, records)):
        raise OrdersInProgress
    profiles.remove(profile.delete())
    with suppress(Unavailable):  # the account is deleted; UserDeleted's consumer closes it then
        identity.close(user_id)


def close_identity(event: UserDeleted, *, identity: IdentityProvider) -> None:
    """The deletion's second half, from the users' own queue: the identity goes even when the
    provider could not be reached during the request (closing it twice is no error)."""
    identity.close(event.user_id)


def _every_order(authorization: str, records: CustomerRecords) -> Iterator[OrderRecord]:
    cursor: str | None = None
    while True:
        page = records.orders(authorization, cursor=cursor, limit=_LONGEST_PAGE)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def export_my_data(
    user_id: str,
    *,
    authorization: str,
    cursor: str | None,
    limit: int,
    profiles: Profiles,
    records: CustomerRecords,
) -> DataExport:
    """Right of access: the profile, the cart, and a page of orders with their payments."""
    profile = profiles.get(user_id)
    orders = records.orders(authorization, cursor=cursor, limit=limit)
    payments = tuple(
        payment for order in orders.items for payment in records.payments(authorization, order.order_id)
    )
    return DataExport(profile=profile, cart=records.cart(authorization), orders=orders, payments=payments)
