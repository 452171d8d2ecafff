"""What the users service needs from outside, named in its own words."""

from __future__ import annotations

from typing import Protocol

from shop.kernel.change import Change
from shop.users.domain.model import Credentials, NewAccount, Tokens, UserProfile
from shop.users.domain.notifications import Notification, Recipient


class IdentityProvider(Protocol):
    def create(self, account: NewAccount) -> str:
        """A confirmed identity that can log in at once; returns its user id.
        Raises EmailTaken, WeakPassword or UnacceptableAccount."""
        ...

    def delete(self, email: str) -> None:
        """Best effort undo of `create` (logs instead of raising): nothing half-made stays."""
        ...

    def log_in(self, credentials: Credentials) -> Tokens:
        """Raises WrongCredentials, the same for an unknown e-mail and a wrong password."""
        ...

    def refresh(self, refresh_token: str) -> Tokens:
        """New access and id tokens; raises InvalidRefreshToken."""
        ...


class Profiles(Protocol):
    def add(self, change: Change[UserProfile]) -> None:
        """The new profile, its e-mail claim and its events, all or nothing; raises EmailTaken."""
        ...

    def get(self, user_id: str) -> UserProfile:
        """Raises ProfileNotFound."""
        ...

    def save(self, profile: UserProfile) -> None:
        """Replace the stored profile if it is still at `profile.version - 1`; raises ProfileChanged."""
        ...


class Notices(Protocol):
    def recipient(self, user_id: str, notice_id: str) -> Recipient | None:
        """Who gets the notice and whether they already had it; None if there is no profile."""
        ...

    def record(self, notification: Notification) -> None:
        """Remember the notice was sent, so a redelivered event does not send it again."""
        ...


class Notifier(Protocol):
    def send(self, notification: Notification) -> None: ...
