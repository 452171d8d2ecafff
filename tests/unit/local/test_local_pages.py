"""The embedded stack's own pages under /_local/: the mailbox as JSON for programs and as a
page for a person, answered by the gateway itself, before any route."""

from __future__ import annotations

import json

from shop.local.edge.gateway import Gateway
from shop.local.edge.local_pages import MAILBOX_PATH, LocalPages
from shop.local.emulator.mailbox import Message
from shop.local.emulator.server import EmulatorFailed

ADA = Message(to="ada@example.com", subject="Your code", body="Your code is 123456.", sent_at="t1")
BOB = Message(to="bob@example.com", subject="<b>Order</b>", body="Hello <script>x</script>", sent_at="t2")


def read(to: str | None) -> list[Message]:
    return [message for message in (ADA, BOB) if to is None or message["to"] == to]


def gateway(reader: LocalPages | None = None) -> Gateway:
    return Gateway((), local_pages=(reader or LocalPages(read)).handle)


def test_the_mailbox_answers_json_newest_last_and_filters_by_address() -> None:
    answer = gateway().handle("GET", MAILBOX_PATH, [], b"")
    assert answer.status == 200
    assert answer.header("Content-Type") == "application/json"
    assert json.loads(answer.body) == [ADA, BOB]
    only_ada = gateway().handle("GET", f"{MAILBOX_PATH}?to=ada%40example.com", [], b"")
    assert json.loads(only_ada.body) == [ADA]
    assert only_ada.header("X-Request-Id")


def test_a_browser_gets_a_page_with_everything_escaped() -> None:
    answer = gateway().handle("GET", MAILBOX_PATH, [("Accept", "text/html,*/*;q=0.8")], b"")
    assert answer.status == 200
    assert answer.header("Content-Type") == "text/html; charset=utf-8"
    page = answer.body.decode()
    assert "&lt;b&gt;Order&lt;/b&gt;" in page
    assert "<script>" not in page
    assert page.index("bob@example.com") < page.index("ada@example.com")  # newest first for a person
    assert "http" not in page  # no external assets


def test_other_methods_and_paths_are_problems() -> None:
    posted = gateway().handle("POST", MAILBOX_PATH, [], b"{}")
    assert (posted.status, posted.header("Allow")) == (405, "GET, HEAD")
    assert gateway().handle("GET", "/_local/secrets", [], b"").status == 404


def test_a_silent_emulator_is_a_503() -> None:
    def gone(to: str | None) -> list[Message]:
        raise EmulatorFailed("the emulator is not running")

    answer = gateway(LocalPages(gone)).handle("GET", MAILBOX_PATH, [], b"")
    assert answer.status == 503
    assert answer.header("Content-Type") == "application/problem+json"


def test_without_local_pages_the_gateway_knows_no_such_path() -> None:
    assert Gateway(()).handle("GET", MAILBOX_PATH, [], b"").status == 404
