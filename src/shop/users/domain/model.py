"""Accounts and profiles: what a valid e-mail, password, name and address are, and how a
profile comes to be and changes."""

from __future__ import annotations

import re
import string
import unicodedata
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shop.users.domain.countries import COUNTRY_CODES
from shop.users.domain.events import UserRegistered

MAX_ADDRESSES = 10
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256  # Cognito's limit
_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}(?<!\.)"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def normalize_email(value: str) -> str:
    """The canonical form of an e-mail address: trimmed and lower-cased (one account per address)."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise PydanticCustomError("invalid_email", "Not a valid e-mail address.")
    return email


def check_password_strength(value: SecretStr) -> SecretStr:
    password = value.get_secret_value()
    strong = (
        MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH
        and any(char.isalpha() for char in password)
        and any(char in string.digits for char in password)
    )
    if not strong:
        raise PydanticCustomError(
            "weak_password", "The password needs at least 8 characters, with letters and digits."
        )
    if password != password.strip():
        raise PydanticCustomError("weak_password", "The password may not start or end with a space.")
    return value


def _printable(value: str) -> str:
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in value):
        raise PydanticCustomError("control_characters", "Control characters are not allowed.")
    return value


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise PydanticCustomError("country", "Not an ISO 3166-1 alpha-2 country code.")
    return code


EmailAddress = Annotated[
    str,
    Field(max_length=320, json_schema_extra={"format": "email"}, examples=["ada@example.com"]),
    AfterValidator(normalize_email),
]
Password = Annotated[
    SecretStr,
    Field(description="At least 8 characters, with letters and digits."),
    AfterValidator(check_password_strength),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_printable)]
PersonName = Annotated[Text, StringConstraints(min_length=1, max_length=100)]
CountryCode = Annotated[
    str,
    Field(max_length=2, description="ISO 3166-1 alpha-2", examples=["DE"]),
    AfterValidator(_country_code),
]


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    line1: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    line2: Annotated[Text, StringConstraints(max_length=200)] | None = None
    city: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    postal_code: Annotated[
        Text, StringConstraints(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$")
    ]
    country: CountryCode

    @field_validator("line2")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class NewAccount(BaseModel):
    """What someone signs up with; valid before the identity provider is ever asked."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    email: EmailAddress
    password: Password
    name: PersonName


class Credentials(BaseModel):
    """A login attempt: not validated beyond size, so a bad address is a 401 like any other."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=320)]
    password: Annotated[SecretStr, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class Tokens(BaseModel):
    model_config = ConfigDict(frozen=True)

    access_token: str
    id_token: str
    refresh_token: str | None = None
    expires_in: int


class ProfileChanges(BaseModel):
    """A partial update of a profile: each given field replaces the old value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: PersonName | None = None
    addresses: Annotated[tuple[Address, ...], Field(max_length=MAX_ADDRESSES)] | None = None

    @field_validator("name", "addresses", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", "May be left out, but not null.")
        return value

    @model_validator(mode="after")
    def _something_to_change(self) -> ProfileChanges:
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

    @classmethod
    def register(cls, user_id: str, account: NewAccount, now: datetime) -> tuple[UserProfile, UserRegistered]:
        profile = cls(user_id=user_id, email=account.email, name=account.name, created_at=now, updated_at=now)
        return profile, UserRegistered(user_id=user_id, email=account.email, name=account.name)

    def change(self, changes: ProfileChanges, now: datetime) -> UserProfile:
        update: dict[str, Any] = {"updated_at": now, "version": self.version + 1}
        if changes.name is not None:
            update["name"] = changes.name
        if changes.addresses is not None:
            update["addresses"] = changes.addresses
        return self.model_copy(update=update)
