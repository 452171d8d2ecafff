"""What the users service needs from outside, named in its own words."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shop.kernel.change import Change
from shop.users.domain.model import (
    Credentials,
    NewAccount,
    PasswordChange,
    PasswordReset,
    Tokens,
    UserProfile,
)
from shop.users.domain.notifications import Notification, Recipient
from shop.users.domain.records import CartRecord, OrdersPage, PaymentRecord

FREE_LOGIN_FAILURES = 5
"""Wrong passwords in a row an identity provider lets pass before it locks the account for a
growing while (Cognito's own lockout: 5, then 1 s, 2 s, ... up to 15 minutes)."""


class IdentityProvider(Protocol):
    def create(self, account: NewAccount) -> str:
        """A confirmed identity that can log in at once, and a code sent to verify its e-mail
        address; returns its user id. Raises EmailTaken, WeakPassword or UnacceptableAccount."""
        ...

    def delete(self, email: str) -> None:
        """Best effort undo of `create` (logs instead of raising): nothing half-made stays."""
        ...

    def close(self, user_id: str) -> None:
        """The identity goes for good, so the address can register again; one already gone is
        no error. Raises Unavailable when the provider cannot do it now."""
        ...

    def log_in(self, credentials: Credentials) -> Tokens:
        """Raises WrongCredentials, the same for an unknown e-mail and a wrong password, and
        for the right one while the account is locked out (after FREE_LOGIN_FAILURES)."""
        ...

    def refresh(self, refresh_token: str) -> Tokens:
        """New access and id tokens; raises InvalidRefreshToken."""
        ...

    # Accounts a customer manages (issue 19): verification, sign-out, passwords, admin.
    # The calls with the caller's access token raise SignedOutToken for one the provider
    # refuses: signed out (revoke, reset_password, set_enabled) though not yet expired.

    def send_email_code(self, access_token: str) -> None:
        """A new 6-digit code to the caller's address; the last one sent is the one that counts."""
        ...

    def verify_email(self, access_token: str, code: str) -> str | None:
        """Marks the caller's address verified and returns the address the provider holds
        verified now (None if none); raises WrongCode (wrong, used or expired)."""
        ...

    def revoke(self, refresh_token: str) -> None:
        """The refresh token and the access tokens of its session stop working; an unknown or
        already revoked one is no error."""
        ...

    def send_password_code(self, email: str) -> None:
        """A reset code to a verified address; for an unknown or unverified one nothing is
        sent and nothing is raised, so no caller can tell them apart."""
        ...

    def reset_password(self, reset: PasswordReset) -> None:
        """The new password replaces the old and every token is revoked; raises WrongCode or
        WeakPassword."""
        ...

    def change_password(self, access_token: str, change: PasswordChange) -> None:
        """Raises WrongCurrentPassword or WeakPassword."""
        ...

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        """A disabled account can neither log in nor refresh, and its tokens are revoked;
        raises AccountNotFound."""
        ...


class CodeAllowance(Protocol):
    def take(self, email: str, now: datetime) -> bool:
        """Counts one more code for the address and says whether it may still be sent:
        at most MAX_CODES_PER_HOUR in each clock hour."""
        ...


class Profiles(Protocol):
    def add(self, change: Change[UserProfile]) -> None:
        """The new profile, its e-mail claim and its events, all or nothing; raises EmailTaken."""
        ...

    def get(self, user_id: str) -> UserProfile:
        """Raises ProfileNotFound."""
        ...

    def save(self, change: Change[UserProfile]) -> None:
        """Store `change.after` if the stored profile is still `change.before` (its version);
        raises ProfileChanged, also for a profile that is gone."""
        ...

    def remove(self, change: Change[UserProfile | None]) -> None:
        """The profile (if still at `change.before`'s version), its e-mail claim and the outbox
        record of its registration (it holds the e-mail) go, and `change.events` are published,
        all or nothing; raises ProfileChanged."""
        ...


class CustomerRecords(Protocol):
    """What the other services hold about the caller, read through their APIs with the
    caller's own token. Raises NotAuthenticated, InvalidInput (`cursor`) or Unavailable."""

    def cart(self, authorization: str) -> CartRecord: ...

    def orders(self, authorization: str, *, cursor: str | None, limit: int) -> OrdersPage:
        """A page of the caller's orders, newest first."""
        ...

    def payments(self, authorization: str, order_id: str) -> list[PaymentRecord]: ...


class Notices(Protocol):
    def recipient(self, user_id: str, notice_id: str) -> Recipient | None:
        """Who gets the notice and whether they already had it; None if there is no profile."""
        ...

    def record(self, notification: Notification) -> None:
        """Remember the notice was sent, so a redelivered event does not send it again."""
        ...


class Notifier(Protocol):
    def send(self, notification: Notification) -> None: ...
