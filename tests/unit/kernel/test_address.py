import re
import unicodedata

import pytest
from pydantic import ValidationError

from shop.kernel.address import REFUSED_CHARACTERS, Address

VALID = {"line1": " 1 Main St ", "city": "Berlin", "postal_code": "10115", "country": "de"}


def test_normalises_what_people_type() -> None:
    address = Address.model_validate({**VALID, "line2": ""})
    assert address.line1 == "1 Main St"
    assert address.country == "DE"
    assert address.line2 is None


@pytest.mark.parametrize(
    "change",
    [
        {"country": "ZZ"},
        {"country": "DEU"},
        {"city": "Ber\x00lin"},
        {"postal_code": "-10115"},
        {"line1": "   "},
        {"city": " "},
        {"postal_code": "!!"},
        {"planet": "Earth"},
    ],
)
def test_refuses_what_no_post_office_would_take(change: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Address.model_validate({**VALID, **change})


def test_the_refused_characters_are_the_controls_and_the_basic_planes_format_characters() -> None:
    refused = re.compile(f"[{REFUSED_CHARACTERS}]")
    for code in range(0x10000):
        character = chr(code)
        expected = unicodedata.category(character) in {"Cc", "Cf"}
        assert bool(refused.match(character)) == expected, f"U+{code:04X}"
