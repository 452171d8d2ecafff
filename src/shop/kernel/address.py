"""A postal address, as customers give it for their profile and for an order's shipping."""

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from shop.kernel.countries import COUNTRY_CODES

# What free text may not hold, as a class both Python and the document's ECMA-262 patterns
# read alike: the control characters (Unicode Cc) and the Basic Multilingual Plane's invisible
# format characters (Cf: soft hyphen, zero-width and bidirectional controls, byte order mark).
REFUSED_CHARACTERS = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_REFUSED = re.compile(f"[{REFUSED_CHARACTERS}]")


def _printable(value: str) -> str:
    if _REFUSED.search(value):
        raise PydanticCustomError(
            "control_characters", "Control and invisible formatting characters are not allowed."
        )
    return value


def _country_code(value: str) -> str:
    if value not in COUNTRY_CODES:  # as the document's enum: upper case, no blanks
        raise PydanticCustomError("country", "Not an ISO 3166-1 alpha-2 country code (upper case).")
    return value


printable_text = AfterValidator(_printable)


def trimmed(
    *, min_length: int | None = None, max_length: int, pattern: str | None = None
) -> tuple[StringConstraints, BeforeValidator]:
    """Text stored without its surrounding blanks, whose length and pattern hold as sent too:
    the document states them of the text as sent, and a request it forbids is a 400."""
    as_sent = re.compile(pattern) if pattern else None

    def check_as_sent(value: Any) -> Any:
        if isinstance(value, str) and len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters",
                {"max_length": max_length},
            )
        if isinstance(value, str) and as_sent and not as_sent.search(value):
            raise PydanticCustomError(
                "string_pattern_mismatch", "String should match pattern '{pattern}'", {"pattern": pattern}
            )
        return value

    return (
        StringConstraints(
            strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=pattern
        ),
        BeforeValidator(check_as_sent),
    )


CountryCode = Annotated[
    str,
    Field(
        max_length=2,
        description="ISO 3166-1 alpha-2",
        examples=["DE"],
        json_schema_extra={"enum": sorted(COUNTRY_CODES)},  # what the validator below accepts
    ),
    AfterValidator(_country_code),
]
# What the document says of free text, which the validators check with clearer messages:
# something but blanks, none of the refused characters.
PRINTABLE = {"pattern": rf"^[^{REFUSED_CHARACTERS}]*$"}
SOMETHING_PRINTABLE = {
    "pattern": rf"^[^{REFUSED_CHARACTERS}]*[^\s{REFUSED_CHARACTERS}][^{REFUSED_CHARACTERS}]*$"
}


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Each field's constraints sit in one StringConstraints before the printable check: stacked
    # on Text they would make pydantic describe requests and responses with two different schemas.
    line1: Annotated[
        str,
        *trimmed(min_length=1, max_length=200),
        printable_text,
        Field(examples=["1 Rue de la Paix"], json_schema_extra=SOMETHING_PRINTABLE),
    ]
    line2: (
        Annotated[
            str,
            *trimmed(max_length=200),
            printable_text,
            Field(examples=["Floor 2"], json_schema_extra=PRINTABLE),
        ]
        | None
    ) = None
    city: Annotated[
        str,
        *trimmed(min_length=1, max_length=100),
        printable_text,
        Field(examples=["Paris"], json_schema_extra=SOMETHING_PRINTABLE),
    ]
    postal_code: Annotated[
        str,
        *trimmed(min_length=1, max_length=16, pattern=r"^ *[A-Za-z0-9][A-Za-z0-9 -]*$"),
        printable_text,
        Field(examples=["75002"]),
    ]
    country: CountryCode

    @field_validator("line2")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
