"""An integer as JSON Schema counts one: JSON has a single number type, so `2.0` is the
integer 2 to the document and to a generated client; `2.5`, `"2"` and `true` are not."""

from __future__ import annotations

from typing import Any

from pydantic import BeforeValidator


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# After a StrictInt's constraints (`Annotated[StrictInt, Field(ge=0), integral]`): placed
# before them, it would hide them from the JSON schema.
integral = BeforeValidator(_integral)
