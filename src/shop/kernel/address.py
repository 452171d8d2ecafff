"""A postal address, as customers give it for their profile and for an order's shipping."""

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator
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
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise PydanticCustomError("country", "Not an ISO 3166-1 alpha-2 country code.")
    return code


printable_text = AfterValidator(_printable)


def _trimmed(*, min_length: int = 0, max_length: int, pattern: str | None = None) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=pattern
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
        _trimmed(min_length=1, max_length=200),
        printable_text,
        Field(examples=["1 Rue de la Paix"], json_schema_extra=SOMETHING_PRINTABLE),
    ]
    line2: (
        Annotated[
            str,
            _trimmed(max_length=200),
            printable_text,
            Field(examples=["Floor 2"], json_schema_extra=PRINTABLE),
        ]
        | None
    ) = None
    city: Annotated[
        str,
        _trimmed(min_length=1, max_length=100),
        printable_text,
        Field(examples=["Paris"], json_schema_extra=SOMETHING_PRINTABLE),
    ]
    postal_code: Annotated[
        str,
        _trimmed(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$"),
        printable_text,
        Field(examples=["75002"]),
    ]
    country: CountryCode

    @field_validator("line2")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
