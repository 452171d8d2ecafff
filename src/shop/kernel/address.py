"""A postal address, as customers give it for their profile and for an order's shipping."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shop.kernel.countries import COUNTRY_CODES
from shop.kernel.text import PRINTABLE, SOMETHING_PRINTABLE, printable_text, trimmed


def _country_code(value: str) -> str:
    if value not in COUNTRY_CODES:  # as the document's enum: upper case, no blanks
        raise PydanticCustomError("country", "Not an ISO 3166-1 alpha-2 country code (upper case).")
    return value


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
