"""In-memory stand-ins for the users service's ports."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from shop.kernel.change import Change
from shop.kernel.errors import NotAuthenticated
from shop.kernel.events import EventData
from shop.kernel.ids import new_id
from shop.users.domain.errors import (
    AccountNotFound,
    EmailTaken,
    InvalidRefreshToken,
    ProfileChanged,
    ProfileNotFound,
    SignedOutToken,
    WrongCode,
    WrongCredentials,
    WrongCurrentPassword,
)
from shop.users.domain.events import UserRegistered
from shop.users.domain.model import (
    MAX_CODES_PER_HOUR,
    Credentials,
    NewAccount,
    PasswordChange,
    PasswordReset,
    Tokens,
    UserProfile,
)
from shop.users.domain.notifications import Notification, Recipient
from shop.users.domain.records import CartRecord, OrderRecord, OrdersPage, PaymentRecord
from shop.users.ports import FREE_LOGIN_FAILURES


@dataclass
class _Identity:
    user_id: str
    password: str
    name: str
    email_verified: bool = False
    enabled: bool = True
    failures: int = 0  # wrong passwords in a row


def _code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class FakeIdentity:
    def __init__(self) -> None:
        self.accounts: dict[str, _Identity] = {}  # by address, the sign-in name
        self.refresh_tokens: dict[str, str] = {}  # -> user id
        # each access token the provider still takes -> the user id and its session's refresh token
        self.access_tokens: dict[str, tuple[str, str]] = {}
        self.deleted: list[str] = []
        # the last code mailed to each address, as the mailbox would show it
        self.email_codes: dict[str, str] = {}
        self.password_codes: dict[str, str] = {}

    def create(self, account: NewAccount) -> str:
        if account.email in self.accounts:
            raise EmailTaken
        user_id = new_id()
        self.accounts[account.email] = _Identity(user_id, account.password.get_secret_value(), account.name)
        self.email_codes[account.email] = _code()
        return user_id

    def delete(self, email: str) -> None:
        self.deleted.append(email)
        self.accounts.pop(email, None)

    def close(self, user_id: str) -> None:
        self.accounts.pop(self._address(user_id) or "", None)

    def log_in(self, credentials: Credentials) -> Tokens:
        account = self.accounts.get(credentials.email)
        if account is None or not account.enabled:
            raise WrongCredentials
        if account.password != credentials.password.get_secret_value():
            account.failures += 1
            raise WrongCredentials
        if account.failures > FREE_LOGIN_FAILURES:  # locked out: no clock here, so until a reset
            raise WrongCredentials
        account.failures = 0
        refresh_token = new_id()
        self.refresh_tokens[refresh_token] = account.user_id
        return Tokens(
            access_token=self._access(account.user_id, refresh_token),
            id_token=f"id-{account.user_id}",
            refresh_token=refresh_token,
            expires_in=3600,
        )

    def refresh(self, refresh_token: str) -> Tokens:
        user_id = self.refresh_tokens.get(refresh_token, "")
        address = self._address(user_id)
        if address is None or not self.accounts[address].enabled:
            raise InvalidRefreshToken
        return Tokens(
            access_token=self._access(user_id, refresh_token), id_token=f"id-{user_id}-2", expires_in=3600
        )

    def send_email_code(self, access_token: str) -> None:
        self.email_codes[self._caller(access_token)] = _code()

    def verify_email(self, access_token: str, code: str) -> str | None:
        address = self._caller(access_token)
        if self.email_codes.get(address) != code:
            raise WrongCode
        del self.email_codes[address]
        self.accounts[address].email_verified = True
        return address

    def change_email(self, user_id: str, email: str) -> None:
        """The address changed in the provider itself (a customer may, with the access token),
        not in the profile: the new sign-in name, unverified."""
        account = self.accounts.pop(self._address(user_id) or "")
        account.email_verified = False
        self.accounts[email] = account

    def revoke(self, refresh_token: str) -> None:
        self.refresh_tokens.pop(refresh_token, None)
        self.access_tokens = {
            token: session for token, session in self.access_tokens.items() if session[1] != refresh_token
        }

    def send_password_code(self, email: str) -> None:
        account = self.accounts.get(email)
        if account is not None and account.email_verified:
            self.password_codes[email] = _code()

    def reset_password(self, reset: PasswordReset) -> None:
        if reset.email not in self.accounts or self.password_codes.get(reset.email) != reset.code:
            raise WrongCode
        del self.password_codes[reset.email]
        account = self.accounts[reset.email]
        account.password = reset.new_password.get_secret_value()
        account.failures = 0
        self._sign_out(account.user_id)

    def change_password(self, access_token: str, change: PasswordChange) -> None:
        account = self.accounts[self._caller(access_token)]
        if account.password != change.current_password.get_secret_value():
            raise WrongCurrentPassword
        account.password = change.new_password.get_secret_value()

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        address = self._address(user_id)
        if address is None:
            raise AccountNotFound
        self.accounts[address].enabled = enabled
        if not enabled:
            self._sign_out(user_id)

    def _address(self, user_id: str) -> str | None:
        return next((email for email, account in self.accounts.items() if account.user_id == user_id), None)

    def _access(self, user_id: str, refresh_token: str) -> str:
        access_token = f"access-{new_id()}"
        self.access_tokens[access_token] = (user_id, refresh_token)
        return access_token

    def _caller(self, access_token: str) -> str:
        """The caller's address. The gateway checks only a token's signature and expiry: a
        signed-out one gets this far, and the provider refuses it."""
        session = self.access_tokens.get(access_token)
        address = None if session is None else self._address(session[0])
        if address is None:
            raise SignedOutToken
        return address

    def _sign_out(self, user_id: str) -> None:
        self.refresh_tokens = {
            token: owner for token, owner in self.refresh_tokens.items() if owner != user_id
        }
        self.access_tokens = {
            token: session for token, session in self.access_tokens.items() if session[0] != user_id
        }


@dataclass
class FakeCodeAllowance:
    taken: dict[tuple[str, str], int] = field(default_factory=dict)

    def take(self, email: str, now: datetime) -> bool:
        hour = (email, now.strftime("%Y-%m-%dT%H"))
        self.taken[hour] = self.taken.get(hour, 0) + 1
        return self.taken[hour] <= MAX_CODES_PER_HOUR


@dataclass
class FakeProfiles:
    profiles: dict[str, UserProfile] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    events: list[EventData] = field(default_factory=list)
    fail_next_add: Exception | None = None
    writes: int = 0

    def add(self, change: Change[UserProfile]) -> None:
        profile = change.after
        if self.fail_next_add is not None:
            error, self.fail_next_add = self.fail_next_add, None
            raise error
        if profile.email in self.emails:
            raise EmailTaken
        self.writes += 1
        self.profiles[profile.user_id] = profile
        self.emails[profile.email] = profile.user_id
        self.events.extend(change.events)

    def get(self, user_id: str) -> UserProfile:
        if user_id not in self.profiles:
            raise ProfileNotFound
        return self.profiles[user_id]

    def save(self, change: Change[UserProfile]) -> None:
        if change.before is None or self.profiles.get(change.before.user_id) != change.before:
            raise ProfileChanged
        self.writes += 1
        self.profiles[change.after.user_id] = change.after

    def remove(self, change: Change[UserProfile | None]) -> None:
        gone = change.before
        if gone is None:
            raise ValueError("remove() takes a stored profile away; there is none before")
        current = self.profiles.get(gone.user_id)
        if current is None or current.version != gone.version:
            raise ProfileChanged
        self.writes += 1
        del self.profiles[gone.user_id]
        del self.emails[gone.email]
        # `events` stands for the outbox: the registration's record (it holds the e-mail) goes
        self.events[:] = [
            event
            for event in self.events
            if not (isinstance(event, UserRegistered) and event.user_id == gone.user_id)
        ]
        self.events.extend(change.events)


@dataclass
class FakeNotices:
    """Reads the recipient from the stored profile, as the table's notices sit next to it."""

    profiles: FakeProfiles
    sent: set[str] = field(default_factory=set)

    def recipient(self, user_id: str, notice_id: str) -> Recipient | None:
        found = self.profiles.profiles.get(user_id)
        if found is None:
            return None
        return Recipient(
            user_id=found.user_id,
            email=found.email,
            name=found.name,
            email_verified=found.email_verified,
            already_notified=notice_id in self.sent,
        )

    def record(self, notification: Notification) -> None:
        self.sent.add(notification.notice_id)


@dataclass
class FakeNotifier:
    sent: list[Notification] = field(default_factory=list)

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


@dataclass
class FakeCustomerRecords:
    """The other services' answers for one customer, whose token is `authorization`."""

    authorization: str = "Bearer token"
    cart_record: CartRecord = field(default_factory=lambda: {"items": [], "total": None})
    orders_held: list[OrderRecord] = field(default_factory=list)
    payments_held: dict[str, list[PaymentRecord]] = field(default_factory=dict)

    def cart(self, authorization: str) -> CartRecord:
        self._check(authorization)
        return self.cart_record

    def orders(self, authorization: str, *, cursor: str | None, limit: int) -> OrdersPage:
        self._check(authorization)
        start = int(cursor or 0)
        end = start + limit
        more = end < len(self.orders_held)
        return OrdersPage(items=tuple(self.orders_held[start:end]), next_cursor=str(end) if more else None)

    def payments(self, authorization: str, order_id: str) -> list[PaymentRecord]:
        self._check(authorization)
        return self.payments_held.get(order_id, [])

    def _check(self, authorization: str) -> None:
        if authorization != self.authorization:
            raise NotAuthenticated("A valid bearer token is required.")
