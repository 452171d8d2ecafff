import pytest
from pydantic import BaseModel, ValidationError

from shop.kernel.partial import Omissible


class NamePatch(BaseModel):
    name: Omissible[str] = None


def test_a_field_left_out_keeps_the_stored_value_and_one_given_replaces_it() -> None:
    assert NamePatch.model_validate({}).name is None
    assert NamePatch.model_validate({"name": "Ada"}).name == "Ada"


def test_a_null_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        NamePatch.model_validate({"name": None})
    error = refused.value.errors()[0]
    assert (error["loc"], error["type"], error["msg"]) == (
        ("name",),
        "not_null",
        "May be left out, but not null.",
    )
