"""Which `Host` the local stack's listeners answer: this machine's loopback names only. A page
a developer visits may rebind its own name to 127.0.0.1 (DNS rebinding) and so reach a listener
here as its own origin; its requests still name its host, so they are refused."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

# A host (a bracketed IPv6 literal or a name without colons) and an optional port.
_HOST = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::[0-9]*)?")


def is_loopback_host(host: str) -> bool:
    """`localhost`, an address of 127.0.0.0/8 or `[::1]`, with any port or none."""
    found = _HOST.fullmatch(host)
    if found is None:
        return False
    name = found.group(1).lower()
    if name == "localhost":
        return True
    try:
        if name.startswith("["):
            return ipaddress.IPv6Address(name[1:-1]).is_loopback
        return ipaddress.IPv4Address(name).is_loopback
    except ValueError:
        return False


def for_local_tools_only(app: WSGIApplication) -> WSGIApplication:
    """`app` (the AWS emulator) answering SDKs and tools on this machine, never a web page:
    a request naming another host, or sent by a page (it has an `Origin`), is refused."""

    def guarded(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not is_loopback_host(environ.get("HTTP_HOST", "")):
            status, reason = "421 Misdirected Request", "This endpoint answers requests for localhost only."
        elif "HTTP_ORIGIN" in environ:
            status, reason = "403 Forbidden", "This endpoint answers SDKs and tools, not web pages."
        else:
            return app(environ, start_response)
        body = reason.encode()
        start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return guarded
