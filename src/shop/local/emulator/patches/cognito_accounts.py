"""What moto 5.2.5's Cognito lacks for accounts a customer manages, emulated as Cognito
documents it, with every code mailed to the local mailbox:

- RevokeToken, GetUserAttributeVerificationCode and VerifyUserAttribute are not
  implemented (NotImplementedError); the emulated RevokeToken also revokes the access tokens
  of the refresh token's session (those carrying its origin_jti), as Cognito's does;
- ForgotPassword sends a code to a user without a verified address (Cognito, recovering by
  verified e-mail, sends nothing: InvalidParameterException) and its codes are not 6 digits;
- ConfirmForgotPassword accepts any code that lacks moto's own prefix, and never expires one;
- a wrong password can be tried forever (Cognito: after 5 failures in a row, each further
  attempt waits 1 s, then 2 s, 4 s … up to about 15 minutes: NotAuthorizedException
  "Password attempts exceeded").

Codes: 6 digits; the last one sent is the only one that counts; an attribute verification
code lives 24 hours, a reset code 1 hour.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from shop.local.emulator import mailbox
from shop.local.emulator.patches.once import applied_once
from shop.users.ports import FREE_LOGIN_FAILURES

EMAIL_CODE_SECONDS = 24 * 3600
RESET_CODE_SECONDS = 3600
MAX_LOCKOUT_SECONDS = 15 * 60

_lock = threading.Lock()
_codes: dict[tuple[str, str, str], tuple[str, float]] = {}  # (pool, user, purpose) -> (code, expiry)
_failures: dict[tuple[str, str], tuple[int, float]] = {}  # (pool, user) -> (failures, locked until)


@applied_once
def install() -> None:
    """Patch moto's Cognito in this process."""
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.cognitoidp.responses import CognitoIdpResponse

    CognitoIdpResponse.revoke_token = _revoke_token  # type: ignore[attr-defined]
    CognitoIdpResponse.get_user_attribute_verification_code = _send_attribute_code  # type: ignore[attr-defined]
    CognitoIdpResponse.verify_user_attribute = _verify_attribute  # type: ignore[attr-defined]
    CognitoIdpBackend.forgot_password = _forgot_password  # type: ignore[method-assign,assignment]
    CognitoIdpBackend.confirm_forgot_password = _confirm_forgot_password  # type: ignore[method-assign,assignment]
    CognitoIdpBackend.initiate_auth = _locking_out(CognitoIdpBackend.initiate_auth)  # type: ignore[method-assign]


def _new_code(pool_id: str, user: Any, purpose: str, lifetime: float) -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    _codes[(pool_id, user.username, purpose)] = (code, time.time() + lifetime)
    return code


def _take_code(pool_id: str, user: Any, purpose: str, code: str) -> None:
    from moto.cognitoidp.exceptions import CodeMismatchException, ExpiredCodeException

    expected, expires = _codes.get((pool_id, user.username, purpose), ("", 0.0))
    if not expected or not secrets.compare_digest(expected, code):
        raise CodeMismatchException("Invalid verification code provided, please try again.")
    if time.time() > expires:
        raise ExpiredCodeException("Invalid code provided, please request a code again.")
    del _codes[(pool_id, user.username, purpose)]


def _caller(response: Any) -> tuple[Any, Any]:
    """The pool and user of the request's access token, as Cognito's self-service APIs find them."""
    from moto.cognitoidp.exceptions import NotAuthorizedError

    token = response._get_param("AccessToken")
    for pool in response.backend.user_pools.values():
        if token in pool.access_tokens:
            return pool, pool._get_user(pool.access_tokens[token][1])
    raise NotAuthorizedError("Invalid Access Token")


def _revoke_token(response: Any) -> Any:
    from moto.core.responses import EmptyResult

    token = response._get_param("Token")
    for pool in response.backend.user_pools.values():
        if pool.refresh_tokens.get(token):
            origin_jti = pool.refresh_tokens[token][2]
            pool.refresh_tokens[token] = None
            for access_token in [t for t in pool.access_tokens if _claims(t).get("origin_jti") == origin_jti]:
                del pool.access_tokens[access_token]
    return EmptyResult()


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def _send_attribute_code(response: Any) -> Any:
    from moto.core.responses import ActionResult

    pool, user = _caller(response)
    address = user.attribute_lookup.get("email", "")
    code = _new_code(pool.id, user, "email", EMAIL_CODE_SECONDS)
    mailbox.deliver(address, "Your verification code", f"Your verification code is {code}.")
    return ActionResult(
        {
            "CodeDeliveryDetails": {
                "Destination": _masked(address),
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        }
    )


def _verify_attribute(response: Any) -> Any:
    from moto.core.responses import EmptyResult

    pool, user = _caller(response)
    _take_code(pool.id, user, "email", response._get_param("Code"))
    user.update_attributes([{"Name": "email_verified", "Value": "true"}])
    return EmptyResult()


def _forgot_password(backend: Any, client_id: str, username: str) -> tuple[str | None, dict[str, Any]]:
    from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError

    pool = next((pool for pool in backend.user_pools.values() if client_id in pool.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    user = pool._get_user(username)
    address = user.attribute_lookup.get("email", "") if user else username
    if user is not None:
        if user.attribute_lookup.get("email_verified") != "true":
            raise InvalidParameterException(
                "Cannot reset password for the user as there is no registered/verified email or phone_number"
            )
        code = _new_code(pool.id, user, "reset", RESET_CODE_SECONDS)
        mailbox.deliver(address, "Your password reset code", f"Your password reset code is {code}.")
    # an unknown user gets the same answer, as with PreventUserExistenceErrors
    details = {"Destination": _masked(address), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    return None, {"CodeDeliveryDetails": details}


def _confirm_forgot_password(
    backend: Any, client_id: str, username: str, password: str, confirmation_code: str
) -> None:
    from moto.cognitoidp.exceptions import CodeMismatchException, ResourceNotFoundError

    pool = next((pool for pool in backend.user_pools.values() if client_id in pool.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    user = pool._get_user(username)
    if user is None:
        raise CodeMismatchException("Invalid verification code provided, please try again.")
    backend._validate_password(pool.id, password)
    _take_code(pool.id, user, "reset", confirmation_code)
    user.password = password
    _failures.pop((pool.id, user.username), None)


def _locking_out(initiate_auth: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(initiate_auth)
    def locked_initiate_auth(
        backend: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> Any:
        from moto.cognitoidp.exceptions import NotAuthorizedError

        if auth_flow != "USER_PASSWORD_AUTH":
            return initiate_auth(backend, client_id, auth_flow, auth_parameters)
        pool = next((pool for pool in backend.user_pools.values() if client_id in pool.clients), None)
        user = pool._get_user(auth_parameters.get("USERNAME", "")) if pool else None
        if pool is None or user is None:
            return initiate_auth(backend, client_id, auth_flow, auth_parameters)
        key = (pool.id, user.username)
        failures, locked_until = _failures.get(key, (0, 0.0))
        if time.time() < locked_until:
            raise NotAuthorizedError("Password attempts exceeded")
        try:
            result = initiate_auth(backend, client_id, auth_flow, auth_parameters)
        except NotAuthorizedError as error:
            if "Incorrect" in str(error.message):
                failures += 1
                delay = (
                    0.0
                    if failures <= FREE_LOGIN_FAILURES
                    else min(2.0 ** (failures - FREE_LOGIN_FAILURES - 1), MAX_LOCKOUT_SECONDS)
                )
                _failures[key] = (failures, time.time() + delay)
            raise
        _failures.pop(key, None)
        return result

    return locked_initiate_auth


def _masked(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain[:1]}***"
