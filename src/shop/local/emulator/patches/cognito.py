"""A flaw of moto's Cognito that the local stack must not inherit (moto 5.x): a refresh
token keeps working after its user was disabled (real Cognito answers
NotAuthorizedException "User is disabled.") and fails with an internal error once its user
was deleted (real Cognito refuses the token). The fix: look the user up before a refresh
token is exchanged, and refuse as Cognito does.

A global sign-out (AdminUserGlobalSignOut) signs out only the tokens of logins made with the
very name it is given: moto keeps the name typed at login (the e-mail) with each token, so a
sign-out by the user id (the sub, as the shop's admin routes name a user) revoked nothing.
Cognito takes any alias of the user. The fix: sign out every name the user's tokens carry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from shop.local.emulator.patches.once import applied_once


@applied_once
def install() -> None:
    """Patch moto's user pools in this process."""
    from moto.cognitoidp.models import CognitoIdpUserPool

    CognitoIdpUserPool.create_tokens_from_refresh_token = _refusing_gone_users(  # type: ignore[method-assign]
        CognitoIdpUserPool.create_tokens_from_refresh_token
    )
    CognitoIdpUserPool.sign_out = _signing_out_every_alias(CognitoIdpUserPool.sign_out)  # type: ignore[method-assign]


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


def _signing_out_every_alias(sign_out: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(sign_out)
    def sign_out_user(pool: Any, username: str) -> None:
        user = pool._get_user(username)
        logins = {issued[1] for issued in pool.refresh_tokens.values() if issued}
        logins |= {issued[1] for issued in pool.access_tokens.values()}
        for name in {username} | {login for login in logins if user and pool._get_user(login) is user}:
            sign_out(pool, name)

    return sign_out_user
