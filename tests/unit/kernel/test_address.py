import pytest
from pydantic import ValidationError

from shop.kernel.address import Address

VALID = {"line1": " 1 Main St ", "city": "Berlin", "postal_code": "10115", "country": "DE"}


def test_normalises_what_people_type() -> None:
    address = Address.model_validate({**VALID, "line2": ""})
    assert address.line1 == "1 Main St"
    assert address.line2 is None


@pytest.mark.parametrize(
    "change",
    [
        {"country": "ZZ"},
        {"country": "DEU"},
        {"country": "de"},  # the document's enum is in capitals
        {"country": " DE"},
        {"postal_code": "\t10115"},
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


@pytest.mark.parametrize(
    ("field", "longest"), [("line1", 200), ("line2", 200), ("city", 100), ("postal_code", 16)]
)
def test_each_field_takes_its_documented_length_and_not_one_more(field: str, longest: int) -> None:
    assert getattr(Address.model_validate({**VALID, field: "1" * longest}), field) == "1" * longest
    with pytest.raises(ValidationError) as refused:
        Address.model_validate({**VALID, field: "1" * (longest + 1)})
    assert refused.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(("field", "longest"), [("line1", 200), ("city", 100), ("postal_code", 16)])
def test_a_length_holds_for_the_text_as_sent_before_it_is_trimmed(field: str, longest: int) -> None:
    with pytest.raises(ValidationError) as refused:
        Address.model_validate({**VALID, field: "1" * longest + " "})
    error = refused.value.errors()[0]
    assert (error["loc"], error["type"], error["msg"]) == (
        (field,),
        "string_too_long",
        f"String should have at most {longest} characters",
    )


def test_a_pattern_holds_for_the_text_as_sent() -> None:
    with pytest.raises(ValidationError) as refused:
        Address.model_validate({**VALID, "postal_code": "\t10115"})
    error = refused.value.errors()[0]
    assert (error["loc"], error["type"], error["msg"]) == (
        ("postal_code",),
        "string_pattern_mismatch",
        "String should match pattern '^ *[A-Za-z0-9][A-Za-z0-9 -]*$'",
    )
    assert Address.model_validate({**VALID, "postal_code": "  10115"}).postal_code == "10115"


def test_every_field_is_trimmed() -> None:
    address = Address.model_validate(
        {
            "line1": " 1 Main St ",
            "line2": " Floor 2 ",
            "city": " Berlin ",
            "postal_code": " 10115 ",
            "country": "DE",
        }
    )
    assert (address.line1, address.line2, address.city, address.postal_code) == (
        "1 Main St",
        "Floor 2",
        "Berlin",
        "10115",
    )


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        (
            {"city": "Ber\u200blin"},
            "control_characters",
            "Control and invisible formatting characters are not allowed.",
        ),
        ({"country": "ZZ"}, "country", "Not an ISO 3166-1 alpha-2 country code (upper case)."),
    ],
)
def test_a_refusal_says_what_is_wrong(change: dict[str, str], kind: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Address.model_validate({**VALID, **change})
    error = refused.value.errors()[0]
    assert (error["type"], error["msg"]) == (kind, message)
