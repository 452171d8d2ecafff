"""Free text people type (names, address lines, labels): what it may not hold, and how it is
trimmed. The document's patterns say the same as the validators, which give clearer messages."""

import re
from functools import partial
from typing import Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

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


printable_text = AfterValidator(_printable)


def trimmed(
    *, min_length: int | None = None, max_length: int, pattern: str | None = None
) -> tuple[StringConstraints, BeforeValidator]:
    """Text stored without its surrounding blanks, whose length and pattern hold as sent too:
    the document states them of the text as sent, and a request it forbids is a 400."""
    return (
        StringConstraints(
            strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=pattern
        ),
        BeforeValidator(partial(_as_sent, max_length=max_length, pattern=pattern)),
    )


def _as_sent(value: Any, *, max_length: int, pattern: str | None) -> Any:
    if not isinstance(value, str):
        return value  # the string type that follows says what is wrong
    if len(value) > max_length:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": max_length},
        )
    if pattern and not re.search(pattern, value):
        raise PydanticCustomError(
            "string_pattern_mismatch", "String should match pattern '{pattern}'", {"pattern": pattern}
        )
    return value


# The document's patterns: none of the refused characters, and (SOMETHING_) not only blanks.
# `\s` differs between Python and ECMA-262 only on characters the class refuses anyway.
PRINTABLE: JsonDict = {"pattern": rf"^[^{REFUSED_CHARACTERS}]*$"}
SOMETHING_PRINTABLE: JsonDict = {
    "pattern": rf"^[^{REFUSED_CHARACTERS}]*[^\s{REFUSED_CHARACTERS}][^{REFUSED_CHARACTERS}]*$"
}
