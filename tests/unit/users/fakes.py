"""In-memory stand-ins for the users service's ports."""

from __future__ import annotations

from dataclasses import dataclass, field

from shop.kernel.change import Change
from shop.kernel.events import EventData
from shop.kernel.ids import new_id
from shop.users.domain.errors import (
    EmailTaken,
    InvalidRefreshToken,
    ProfileChanged,
    ProfileNotFound,
    WrongCredentials,
)
from shop.users.domain.model import Credentials, NewAccount, Tokens, UserProfile
from shop.users.domain.notifications import Notification, Recipient


@dataclass
class _Identity:
    user_id: str
    password: str
    name: str


class FakeIdentity:
    def __init__(self) -> None:
        self.accounts: dict[str, _Identity] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.deleted: list[str] = []

    def create(self, account: NewAccount) -> str:
        if account.email in self.accounts:
            raise EmailTaken
        user_id = new_id()
        self.accounts[account.email] = _Identity(user_id, account.password.get_secret_value(), account.name)
        return user_id

    def delete(self, email: str) -> None:
        self.deleted.append(email)
        self.accounts.pop(email, None)

    def log_in(self, credentials: Credentials) -> Tokens:
        account = self.accounts.get(credentials.email)
        if account is None or account.password != credentials.password.get_secret_value():
            raise WrongCredentials
        refresh_token = new_id()
        self.refresh_tokens[refresh_token] = credentials.email
        return Tokens(
            access_token=f"access-{account.user_id}",
            id_token=f"id-{account.user_id}",
            refresh_token=refresh_token,
            expires_in=3600,
        )

    def refresh(self, refresh_token: str) -> Tokens:
        email = self.refresh_tokens.get(refresh_token)
        if email is None or email not in self.accounts:
            raise InvalidRefreshToken
        user_id = self.accounts[email].user_id
        return Tokens(access_token=f"access-{user_id}-2", id_token=f"id-{user_id}-2", expires_in=3600)


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

    def save(self, profile: UserProfile) -> None:
        current = self.profiles.get(profile.user_id)
        if current is None or current.version != profile.version - 1:
            raise ProfileChanged
        self.writes += 1
        self.profiles[profile.user_id] = profile


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
            already_notified=notice_id in self.sent,
        )

    def record(self, notification: Notification) -> None:
        self.sent.add(notification.notice_id)


@dataclass
class FakeNotifier:
    sent: list[Notification] = field(default_factory=list)

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)
