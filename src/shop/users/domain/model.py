"""Accounts and profiles: what a valid e-mail, password, name and address are, and how a
profile comes to be and changes."""

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.partial import Omissible
from shop.kernel.text import SOMETHING_PRINTABLE, printable_text, trimmed
from shop.users.domain.events import UserDeleted, UserRegistered

MAX_ADDRESSES = 10
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256  # Cognito's limit
MAX_CODES_PER_HOUR = 5  # e-mailed codes (verification, reset) per address: a mailbox is not a target

# The password rule as the document publishes it and the server checks it, a search that
# ECMA-262 and Python's `re` read alike: an ASCII letter and a digit somewhere, and no white
# space (what either engine calls white space) at the start or the end.
_SPACE = r"\t-\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
PASSWORD_PATTERN = rf"^(?=[\s\S]*[A-Za-z])(?=[\s\S]*[0-9])(?![{_SPACE}])(?![\s\S]*[{_SPACE}]$)"
_PASSWORD = re.compile(PASSWORD_PATTERN)


# The e-mail rule, published as the schema's pattern and checked by the server with it: an
# address the identity provider takes (Cognito: ASCII, a dot-atom local part starting with a
# letter, digit or "_") at a dotted domain of ASCII labels, none of them special-use (RFC 6761,
# 6762, 7686: no mailbox there), and no line break anywhere (a Python `$` would let one end it).
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")
_LOCAL = r"[A-Za-z0-9_][A-Za-z0-9_%+-]*(?:\.[A-Za-z0-9_%+-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ANY_CASE_SPECIAL = "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in _SPECIAL_USE)
EMAIL_PATTERN = (
    rf"^(?![\s\S]*\n)(?=[^@]{{1,64}}@){_LOCAL}@"
    rf"(?!(?:{_LABEL}\.)*(?:{_ANY_CASE_SPECIAL})$)(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
)
_EMAIL = re.compile(EMAIL_PATTERN)
MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit, less the angle brackets


def normalize_email(value: str) -> str:
    """The canonical form of an e-mail address: valid and lower-cased (one account per
    address). Syntax only: whether the mailbox exists is the identity provider's business."""
    if not _EMAIL.search(value):
        raise PydanticCustomError("invalid_email", "Not a valid e-mail address.")
    return value.lower()


def check_password_strength(value: SecretStr) -> SecretStr:
    password = value.get_secret_value()
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH or not _PASSWORD.search(password):
        raise PydanticCustomError(
            "weak_password",
            "The password needs at least 8 characters, with an ASCII letter and a digit,"
            " and may not start or end with a space.",
        )
    return value


EmailAddress = Annotated[
    str,
    Field(
        max_length=MAX_EMAIL_LENGTH,
        description=(
            "ASCII: a dot-atom local part of letters, digits and . _ % + - (starting with a letter,"
            " digit or _), at a dotted domain that is not special-use (.test, .invalid, .local,"
            " .localhost, .onion, .arpa)."
        ),
        json_schema_extra={"format": "email", "pattern": EMAIL_PATTERN},
        examples=["ada@example.com"],
    ),
    AfterValidator(normalize_email),
]
Password = Annotated[
    SecretStr,
    Field(
        description=(
            "At least 8 characters, with an ASCII letter (A-Z, a-z) and a digit (0-9), not starting"
            " or ending with white space."
        ),
        # what check_password_strength enforces, for the schema (its own message stays the error)
        json_schema_extra={
            "minLength": MIN_PASSWORD_LENGTH,
            "maxLength": MAX_PASSWORD_LENGTH,
            "pattern": PASSWORD_PATTERN,
        },
    ),
    AfterValidator(check_password_strength),
]
PersonName = Annotated[
    str,
    *trimmed(min_length=1, max_length=100),
    printable_text,
    Field(json_schema_extra=SOMETHING_PRINTABLE),
]
VerificationCode = Annotated[
    str, Field(pattern=r"^[0-9]{6}$", description="The 6-digit code from the e-mail.", examples=["123456"])
]
CurrentPassword = Annotated[SecretStr, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


# The requests' models (and the tokens a login answers) are built on their route's first call
# (defer_build): a cold start serves one route, most often GET /users/me, which reads the profile.
class NewAccount(BaseModel):
    """What someone signs up with; valid before the identity provider is ever asked."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, defer_build=True)

    email: EmailAddress
    password: Password
    name: PersonName


class Credentials(BaseModel):
    """A login attempt: not validated beyond size, so a bad address is a 401 like any other."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, defer_build=True)

    email: Annotated[str, *trimmed(max_length=320), AfterValidator(str.lower)]
    password: CurrentPassword


class PasswordReset(BaseModel):
    """A forgotten password replaced with the code the address received."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, defer_build=True)

    email: EmailAddress
    code: VerificationCode
    new_password: Password


class PasswordChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, defer_build=True)

    current_password: CurrentPassword
    new_password: Password


class Tokens(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    access_token: str
    id_token: str
    refresh_token: str | None = None
    expires_in: int


class ProfileChanges(BaseModel):
    """A partial update of a profile: each given field replaces the old value."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_extra={"minProperties": 1}, defer_build=True
    )

    name: Omissible[PersonName] = None
    addresses: Omissible[Annotated[tuple[Address, ...], Field(max_length=MAX_ADDRESSES)]] = None

    @model_validator(mode="after")
    def _something_to_change(self) -> "ProfileChanges":
        if not self.model_fields_set:
            raise PydanticCustomError("empty_update", "Give at least one of name, addresses.")
        return self


class UserProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    email: str
    name: str
    addresses: tuple[Address, ...] = ()
    created_at: datetime
    updated_at: datetime
    version: int = 1
    email_verified: bool = False

    @classmethod
    def register(cls, user_id: str, account: NewAccount, now: datetime) -> Change["UserProfile"]:
        profile = cls(user_id=user_id, email=account.email, name=account.name, created_at=now, updated_at=now)
        return Change(
            None, profile, (UserRegistered(user_id=user_id, email=account.email, name=account.name),)
        )

    def change(self, changes: ProfileChanges, now: datetime) -> Change["UserProfile"]:
        update: dict[str, Any] = {"updated_at": now, "version": self.version + 1}
        if changes.name is not None:
            update["name"] = changes.name
        if changes.addresses is not None:
            update["addresses"] = changes.addresses
        return Change(self, self.model_copy(update=update), ())

    def verified(self, now: datetime) -> Change["UserProfile"]:
        """The e-mail address proved to be the customer's (the identity provider checked the code)."""
        update = {"email_verified": True, "updated_at": now, "version": self.version + 1}
        return Change(self, self.model_copy(update=update), ())

    def delete(self) -> "Change[UserProfile | None]":
        """The account goes: nothing stays after, and every service is told to forget it."""
        return Change(self, None, (UserDeleted(user_id=self.user_id),))


class AccountDeletion(BaseModel):
    """The account's own password confirms its deletion."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, defer_build=True)

    password: CurrentPassword
