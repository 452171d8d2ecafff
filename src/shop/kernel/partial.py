"""A field of a partial update (PATCH): left out, it keeps the stored value; given, it replaces
it. `Omissible[T]` is such a field whose value cannot be empty, so it cannot be null either: it
is validated (and documented) as T alone, with a message naming the field for a null; its
default, None, means "left out". A field whose value may be cleared is `T | None`, and null
clears it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


def _not_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("not_null", "May be left out, but not null.")
    return value


if TYPE_CHECKING:
    Omissible: TypeAlias = T | None  # None: the field was left out
else:

    class Omissible:
        def __class_getitem__(cls, validated: Any) -> Any:
            return Annotated[validated, BeforeValidator(_not_null)]
