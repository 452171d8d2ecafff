"""`/_local/`: what only the embedded stack answers, the gateway itself, never a function.

Nothing here is API Gateway's or the shop's: no route in resources.json, the OpenAPI
document or Terraform names it (tests/test_local_only_routes.py). Today it is the mailbox:
`GET /_local/mailbox?to=<address>` answers the messages the shop sent (JSON, newest last),
or a page of them when the client asks for HTML (a browser does).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from urllib.parse import parse_qsl

from shop.local.edge.gateway import LOCAL_PREFIX, HttpResponse, problem_response
from shop.local.emulator.mailbox import Message
from shop.local.emulator.server import EmulatorFailed

MAILBOX_PATH = f"{LOCAL_PREFIX}mailbox"
_NOT_STORED = ("Cache-Control", "no-store")


class LocalPages:
    def __init__(self, read_mailbox: Callable[[str | None], list[Message]]) -> None:
        self._read_mailbox = read_mailbox

    def handle(self, method: str, raw_path: str, raw_query: str, headers: dict[str, str]) -> HttpResponse:
        if raw_path != MAILBOX_PATH:
            return problem_response(404, f"No local page {raw_path}; the mailbox is {MAILBOX_PATH}.")
        if method not in ("GET", "HEAD"):
            return problem_response(405, f"{method} is not allowed on {raw_path}.", [("Allow", "GET, HEAD")])
        to = dict(parse_qsl(raw_query)).get("to") or None
        try:
            messages = self._read_mailbox(to)
        except EmulatorFailed:
            return problem_response(503, "The emulator, which keeps the mailbox, is not answering.")
        if "text/html" in headers.get("accept", ""):
            page = mailbox_page(messages, to)
            return HttpResponse(200, [("Content-Type", "text/html; charset=utf-8"), _NOT_STORED], page)
        body = json.dumps(messages).encode("utf-8")
        return HttpResponse(200, [("Content-Type", "application/json"), _NOT_STORED], body)


def mailbox_page(messages: list[Message], to: str | None) -> bytes:
    """The messages for a person: escaped, newest first, no external assets."""
    heading = f"Mailbox of {to}" if to else "Mailbox"
    entries = "".join(
        "<article>"
        f"<h2>{html.escape(message['subject'])}</h2>"
        f"<p class=meta>to {html.escape(message['to'])} at {html.escape(message['sent_at'])}</p>"
        f"<pre>{html.escape(message['body'])}</pre>"
        "</article>"
        for message in reversed(messages)
    )
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(heading)}</title>"
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto}"
        "article{border-top:1px solid #ccc}.meta{color:#555}pre{white-space:pre-wrap}</style></head>"
        f"<body><h1>{html.escape(heading)}</h1>"
        "<p>Every e-mail the local shop would have sent, newest first; nothing leaves this machine.</p>"
        f'<form><input name=to type=email placeholder="an address" value="{html.escape(to or "")}">'
        " <button>Show</button></form>"
        f"{entries or '<p>No messages yet.</p>'}</body></html>"
    )
    return page.encode("utf-8")
