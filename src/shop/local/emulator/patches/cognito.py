"""A flaw of moto's Cognito that the local stack must not inherit (moto 5.x): a refresh
token keeps working after its user was disabled (real Cognito answers
NotAuthorizedException "User is disabled.") and fails with an internal error once its user
was deleted (real Cognito refuses the token). The fix: look the user up before a refresh
token is exchanged, and refuse as Cognito does.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Patch moto's user pools in this process; idempotent."""
    global _installed  # noqa: PLW0603 - a process-wide patch is applied once
    with _lock:
        if _installed:
            return
        from moto.cognitoidp.models import CognitoIdpUserPool

        CognitoIdpUserPool.create_tokens_from_refresh_token = _refusing_gone_users(  # type: ignore[method-assign]
            CognitoIdpUserPool.create_tokens_from_refresh_token
        )
        _installed = True


def _refusing_gone_users(exchange: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(exchange)
    def create_tokens_from_refresh_token(pool: Any, refresh_token: str) -> Any:
        from moto.cognitoidp.exceptions import NotAuthorizedError

        issued = pool.refresh_tokens.get(refresh_token)
        if issued:
            user = pool._get_user(issued[1])
            if user is None:
                raise NotAuthorizedError("Refresh Token has been revoked")
            if not user.enabled:
                raise NotAuthorizedError("User is disabled.")
        return exchange(pool, refresh_token)

    return create_tokens_from_refresh_token
