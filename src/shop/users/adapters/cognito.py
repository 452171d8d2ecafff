"""The identity provider on Amazon Cognito (user pool + public app client).

Accounts are made by the admin API with their password set (confirmed, so a new user can
log in at once, and no sign-up message is sent), then Cognito mails a code that verifies the
address. Cognito's refusals become domain errors here; nothing above this module sees botocore."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shop.kernel.errors import DomainError, NotAuthenticated, Unavailable
from shop.platform.observability import logger
from shop.users.domain.errors import (
    AccountNotFound,
    EmailTaken,
    InvalidRefreshToken,
    SignedOutToken,
    UnacceptableAccount,
    WeakPassword,
    WrongCode,
    WrongCredentials,
    WrongCurrentPassword,
)
from shop.users.domain.model import Credentials, NewAccount, PasswordChange, PasswordReset, Tokens

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
# Cognito's answer to an access token it refuses: revoked (sign-out, reset, disable) or invalid.
_TOKEN_REFUSED = "NotAuthorizedException"
_WRONG_CODE = frozenset({"CodeMismatchException", "ExpiredCodeException", "UserNotFoundException"})
# ForgotPassword for an unverified address (InvalidParameter) or an unknown one: nothing to send, and
# nothing the caller may learn. LimitExceeded is Cognito's own cap on codes per address.
_NO_RESET_CODE = frozenset({"InvalidParameterException", "UserNotFoundException", "NotAuthorizedException"})
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
            created = self._cognito.admin_create_user(
                UserPoolId=self._pool_id,
                Username=account.email,
                MessageAction="SUPPRESS",  # no invitation: the customer chose the password
                UserAttributes=[
                    {"Name": "email", "Value": account.email},
                    {"Name": "name", "Value": account.name},
                ],
            )
        except ClientError as error:
            raise _sign_up_refusal(error) from error
        try:
            self._cognito.admin_set_user_password(
                UserPoolId=self._pool_id,
                Username=account.email,
                Password=account.password.get_secret_value(),
                Permanent=True,
            )
        except ClientError as error:
            self.delete(account.email)
            raise _sign_up_refusal(error) from error
        attributes = {item["Name"]: item["Value"] for item in created["User"]["Attributes"]}
        self._send_first_code(Credentials(email=account.email, password=account.password))
        return str(attributes["sub"])

    def _send_first_code(self, credentials: Credentials) -> None:
        """Best effort: the account stands without it, and the customer can ask for another."""
        try:
            self.send_email_code(self.log_in(credentials).access_token)
        except DomainError as error:
            _log.warning("no verification code sent at sign-up", extra={"error": error.title})

    def delete(self, email: str) -> None:
        try:
            self._delete_user(email)
        except Unavailable:
            _log.error("could not delete a half-made identity")

    def close(self, user_id: str) -> None:
        self._delete_user(user_id)  # the pool's username is the sub

    def _delete_user(self, username: str) -> None:
        try:
            self._cognito.admin_delete_user(UserPoolId=self._pool_id, Username=username)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise _unexpected(error) from error

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

    # Accounts a customer manages (issue 19): verification, sign-out, passwords, admin.

    def send_email_code(self, access_token: str) -> None:
        try:
            self._cognito.get_user_attribute_verification_code(
                AccessToken=access_token, AttributeName="email"
            )
        except ClientError as error:
            if _code(error) == "LimitExceededException":  # Cognito's own cap: the last code still counts
                _log.info("verification code not sent: limit", extra={"error_code": _code(error)})
                return
            raise _token_refusal(error) from error

    def verify_email(self, access_token: str, code: str) -> str | None:
        try:
            self._cognito.verify_user_attribute(AccessToken=access_token, AttributeName="email", Code=code)
        except ClientError as error:
            if _code(error) in _WRONG_CODE | {"LimitExceededException"}:
                raise WrongCode from None
            raise _token_refusal(error) from error
        attributes = self._attributes(access_token)  # which address: the caller may change it in Cognito
        return attributes.get("email") if attributes.get("email_verified") == "true" else None

    def _attributes(self, access_token: str) -> dict[str, str]:
        """The caller's attributes as Cognito holds them now (GetUser: the token is its authority)."""
        try:
            user = self._cognito.get_user(AccessToken=access_token)
        except ClientError as error:
            raise _token_refusal(error) from error
        return {item["Name"]: item["Value"] for item in user["UserAttributes"]}

    def revoke(self, refresh_token: str) -> None:
        try:
            self._cognito.revoke_token(Token=refresh_token, ClientId=self._client_id)
        except ClientError as error:
            if _code(error) in _TRANSIENT:
                raise _unexpected(error) from error
            _log.info("revocation refused", extra={"error_code": _code(error)})  # unknown, revoked or forged

    def send_password_code(self, email: str) -> None:
        try:
            self._cognito.forgot_password(ClientId=self._client_id, Username=email)
        except ClientError as error:
            if _code(error) not in _NO_RESET_CODE | {"LimitExceededException"}:
                raise _unexpected(error) from error
            _log.info("no reset code sent", extra={"error_code": _code(error)})

    def reset_password(self, reset: PasswordReset) -> None:
        try:
            self._cognito.confirm_forgot_password(
                ClientId=self._client_id,
                Username=reset.email,
                ConfirmationCode=reset.code,
                Password=reset.new_password.get_secret_value(),
            )
        except ClientError as error:
            if _code(error) in _WRONG_CODE | {"NotAuthorizedException", "LimitExceededException"}:
                raise WrongCode from None
            refusal = _sign_up_refusal(error)
            raise (WeakPassword("new_password") if isinstance(refusal, WeakPassword) else refusal) from error
        self._sign_out_everywhere(reset.email)

    def change_password(self, access_token: str, change: PasswordChange) -> None:
        try:
            self._cognito.change_password(
                AccessToken=access_token,
                PreviousPassword=change.current_password.get_secret_value(),
                ProposedPassword=change.new_password.get_secret_value(),
            )
        except ClientError as error:
            if _code(error) == "InvalidPasswordException":
                raise WeakPassword("new_password") from None
            if _code(error) == _TOKEN_REFUSED:
                # the one exception for a wrong current password and a refused token; only AWS's
                # messages tell them apart (moto's hold the username or the token): GetUser does
                self._attributes(access_token)
            if _code(error) in {_TOKEN_REFUSED, "LimitExceededException"}:
                raise WrongCurrentPassword from None
            raise _unexpected(error) from error

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        try:
            if enabled:
                self._cognito.admin_enable_user(UserPoolId=self._pool_id, Username=user_id)
            else:
                self._cognito.admin_disable_user(UserPoolId=self._pool_id, Username=user_id)
        except ClientError as error:
            if _code(error) in {"UserNotFoundException", "InvalidParameterException"}:
                raise AccountNotFound from None
            raise _unexpected(error) from error
        if not enabled:
            self._sign_out_everywhere(user_id)

    def _sign_out_everywhere(self, username: str) -> None:
        """Revokes every token of the account: Cognito refuses its access tokens from now on,
        though the gateway, which checks only their signature and expiry, still lets them through."""
        try:
            self._cognito.admin_user_global_sign_out(UserPoolId=self._pool_id, Username=username)
        except ClientError as error:
            raise _unexpected(error) from error


def _token_refusal(error: ClientError) -> DomainError:
    return SignedOutToken() if _code(error) == _TOKEN_REFUSED else _unexpected(error)


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
