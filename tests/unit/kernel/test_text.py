import re
import unicodedata

from shop.kernel.text import REFUSED_CHARACTERS


def test_the_refused_characters_are_the_controls_and_the_basic_planes_format_characters() -> None:
    refused = re.compile(f"[{REFUSED_CHARACTERS}]")
    for code in range(0x10000):
        character = chr(code)
        expected = unicodedata.category(character) in {"Cc", "Cf"}
        assert bool(refused.match(character)) == expected, f"U+{code:04X}"
