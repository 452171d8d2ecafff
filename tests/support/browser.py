"""Debian's Chromium, headless, driven by Playwright: the one way the browser tests start it.

Playwright's own browser download is not possible offline; `make slow` installs Debian's
package when it is missing. The flags keep Chromium from reaching for Google's services,
which this machine's closed network refuses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@contextmanager
def chromium(extra_flags: Sequence[str] = ()) -> Iterator[Any]:
    """A launched browser; the test fails in one line (no skip) when Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*FLAGS, *extra_flags]
        )
        try:
            yield browser
        finally:
            browser.close()
