"""The identity provider on Amazon Cognito (user pool + public app client).

Accounts are confirmed right after sign-up, so a new user can log in at once. Cognito's
refusals become domain errors here; nothing above this module sees botocore."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shop.kernel.errors import DomainError, NotAuthenticated, Unavailable
from shop.platform.observability import logger
from shop.users.domain.errors import (
    EmailTaken,
    InvalidRefreshToken,
    UnacceptableAccount,
    WeakPassword,
    WrongCredentials,
)
from shop.users.domain.model import Credentials, NewAccount, Tokens

_log = logger("users")
_TRANSIENT = frozenset({"TooManyRequestsException", "LimitExceededException", "InternalErrorException"})
_LOGIN_REFUSED = frozenset(
    {
        "NotAuthorizedException",
        "UserNotFoundException",
        "UserNotConfirmedException",
        "PasswordResetRequiredException",
        "InvalidParameterException",
    }
)
_REFRESH_REFUSED = frozenset(
    {
        "NotAuthorizedException",
        "UserNotFoundException",
        "InvalidParameterException",
        "ResourceNotFoundException",
    }
)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(error: ClientError) -> DomainError | None:
    if _code(error) in _TRANSIENT:
        return Unavailable("The identity provider is busy; retry shortly.")
    return None


def _unexpected(error: ClientError) -> DomainError:
    """Any other refusal: a 503 the caller may retry, never a 500; logged, since it may be
    a misconfiguration (unknown pool or client) rather than a passing fault."""
    busy = _unavailable(error)
    if busy is not None:
        return busy
    _log.error("unexpected identity provider error", extra={"error_code": _code(error)})
    return Unavailable("The identity provider could not answer; retry shortly.")


class CognitoIdentity:
    def __init__(self, client: Any, pool_id: str, client_id: str) -> None:
        self._cognito = client
        self._pool_id = pool_id
        self._client_id = client_id

    def create(self, account: NewAccount) -> str:
        try:
            created = self._cognito.sign_up(
                ClientId=self._client_id,
                Username=account.email,
                Password=account.password.get_secret_value(),
                UserAttributes=[
                    {"Name": "email", "Value": account.email},
                    {"Name": "name", "Value": account.name},
                ],
            )
        except ClientError as error:
            raise _sign_up_refusal(error) from error
        try:
            self._cognito.admin_confirm_sign_up(UserPoolId=self._pool_id, Username=account.email)
        except ClientError as error:
            self.delete(account.email)
            raise _unexpected(error) from error
        return str(created["UserSub"])

    def delete(self, email: str) -> None:
        try:
            self._cognito.admin_delete_user(UserPoolId=self._pool_id, Username=email)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                _log.error("could not delete a half-made identity", extra={"error_code": _code(error)})

    def log_in(self, credentials: Credentials) -> Tokens:
        if not credentials.email:
            raise WrongCredentials
        try:
            response = self._cognito.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={
                    "USERNAME": credentials.email,
                    "PASSWORD": credentials.password.get_secret_value(),
                },
            )
        except ClientError as error:
            if _code(error) in _LOGIN_REFUSED:
                _log.info("login refused", extra={"error_code": _code(error)})
                raise WrongCredentials from None  # the cause may say which of e-mail or password was wrong
            raise _unexpected(error) from error
        result = response.get("AuthenticationResult")
        if not result:
            raise NotAuthenticated("This account has to set a new password before it can log in.")
        return _tokens(result)

    def refresh(self, refresh_token: str) -> Tokens:
        try:
            response = self._cognito.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except ClientError as error:
            if _code(error) in _REFRESH_REFUSED:
                raise InvalidRefreshToken from None
            raise _unexpected(error) from error
        result = response.get("AuthenticationResult")
        if not result:
            raise InvalidRefreshToken
        return _tokens(result)


def _sign_up_refusal(error: ClientError) -> Exception:
    code = _code(error)
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    if code in {"UsernameExistsException", "AliasExistsException"}:
        return EmailTaken()
    if code == "InvalidPasswordException" or (code == "InvalidParameterException" and "password" in message):
        return WeakPassword()
    if code == "InvalidParameterException":
        return UnacceptableAccount("The e-mail address or the name is not accepted.", field="email")
    return _unexpected(error)


def _tokens(result: dict[str, Any]) -> Tokens:
    return Tokens(
        access_token=result["AccessToken"],
        id_token=result["IdToken"],
        refresh_token=result.get("RefreshToken"),
        expires_in=int(result.get("ExpiresIn", 3600)),
    )
