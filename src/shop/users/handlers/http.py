"""POST /users, POST /auth/login, /auth/refresh and /auth/logout, the password routes
(/auth/password/*, /users/me/password), e-mail verification (/users/me/email/*), GET and
PATCH /users/me, and the admin's /admin/users/{user_id}/disable and /enable."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.address import Address
from shop.kernel.clock import rfc3339
from shop.kernel.errors import NotAuthenticated
from shop.platform.http import (
    Cursor,
    authorization,
    build_http_app,
    caller,
    documented,
    json_response,
    lambda_handler,
    no_content,
    require_admin,
)
from shop.platform.observability import logger
from shop.platform.routing import Body, Query, Response
from shop.users import service
from shop.users.container import Container
from shop.users.domain.model import (
    AccountDeletion,
    Credentials,
    EmailAddress,
    NewAccount,
    PasswordChange,
    PasswordReset,
    ProfileChanges,
    Tokens,
    UserProfile,
    VerificationCode,
)
from shop.users.domain.records import DataExport

app = build_http_app("users")
container = Container()
_log = logger("users")

_PROBLEMS = {
    400: "Wrong or expired code",
    404: "No profile",
    409: "A concurrent change",
}


# Bodies and answers of one route each are built on its first call (defer_build); the
# profile's view, read by GET /users/me, at import.
class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, defer_build=True)

    refresh_token: Annotated[str, Field(min_length=1, max_length=8192)]


class EmailCode(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    code: VerificationCode


class ForgottenPassword(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, defer_build=True)

    email: EmailAddress


class Accepted(BaseModel):
    """One answer whether or not a code was sent: it tells nobody which addresses exist."""

    detail: str


_CODE_ON_ITS_WAY = Accepted(detail="If the address may receive a code, one is on its way.")


class RegisteredUser(BaseModel):
    model_config = ConfigDict(defer_build=True)

    user_id: str
    email: str
    name: str


class TokenResponse(BaseModel):
    model_config = ConfigDict(defer_build=True)

    access_token: str
    id_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class RefreshedTokens(BaseModel):
    model_config = ConfigDict(defer_build=True)

    access_token: str
    id_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class ProfileView(BaseModel):
    user_id: str
    email: str
    name: str
    addresses: list[Address]
    created_at: str = Field(description="RFC 3339 UTC")
    email_verified: bool = Field(description="Whether the customer proved the address with a mailed code.")

    @classmethod
    def of(cls, profile: UserProfile) -> "ProfileView":
        return cls(
            user_id=profile.user_id,
            email=profile.email,
            name=profile.name,
            addresses=list(profile.addresses),
            created_at=rfc3339(profile.created_at),
            email_verified=profile.email_verified,
        )


@app.post(
    "/users",
    operation_id="registerUser",
    summary="Register a customer account",
    status_code=201,
    responses=documented(201, "Registered", {**_PROBLEMS, 409: "The e-mail is taken"}, 409),
)
def register_user(account: Annotated[NewAccount, Body()]) -> RegisteredUser:
    profile = service.register(
        account, identity=container.identity(), profiles=container.profiles(), clock=container.clock()
    )
    _log.info("user registered", extra={"user_id": profile.user_id})
    return RegisteredUser(user_id=profile.user_id, email=profile.email, name=profile.name)


@app.post(
    "/auth/login",
    operation_id="logIn",
    summary="Log in with e-mail and password",
    responses=documented(200, "Tokens", {**_PROBLEMS, 401: "Wrong e-mail or password"}, 401),
)
def log_in(credentials: Annotated[Credentials, Body()]) -> TokenResponse:
    tokens = service.log_in(credentials, identity=container.identity())
    return TokenResponse(**_token_fields(tokens), refresh_token=tokens.refresh_token or "")


@app.post(
    "/auth/refresh",
    operation_id="refreshTokens",
    summary="Trade a refresh token for new access and id tokens",
    responses=documented(200, "New tokens", {**_PROBLEMS, 401: "Invalid or expired refresh token"}, 401),
)
def refresh(request: Annotated[RefreshRequest, Body()]) -> RefreshedTokens:
    tokens = service.refresh(request.refresh_token, identity=container.identity())
    return RefreshedTokens(**_token_fields(tokens))


@app.post(
    "/auth/logout",
    operation_id="logOut",
    summary="Sign out: revoke a refresh token",
    status_code=204,
    responses=documented(204, "Signed out (also for a token that was not valid)", _PROBLEMS),
)
def log_out(request: Annotated[RefreshRequest, Body()]) -> Response[Any]:
    service.log_out(request.refresh_token, identity=container.identity())
    return no_content()


@app.post(
    "/auth/password/forgot",
    operation_id="forgotPassword",
    summary="Mail a password reset code to a verified address",
    status_code=202,
    responses=documented(202, "The same answer for every address", _PROBLEMS),
)
def forgot_password(request: Annotated[ForgottenPassword, Body()]) -> Response[Accepted]:
    service.forgot_password(
        request.email,
        identity=container.identity(),
        allowance=container.code_allowance(),
        clock=container.clock(),
    )
    return json_response(202, _CODE_ON_ITS_WAY)


@app.post(
    "/auth/password/reset",
    operation_id="resetPassword",
    summary="Set a new password with the mailed code",
    status_code=204,
    responses=documented(
        204,
        "Password replaced; every session signed out",
        {**_PROBLEMS, 400: "Wrong or expired code, or a weak password"},
        400,
    ),
)
def reset_password(reset: Annotated[PasswordReset, Body()]) -> Response[Any]:
    service.reset_password(reset, identity=container.identity())
    return no_content()


@app.post(
    "/users/me/password",
    operation_id="changeMyPassword",
    summary="Change the caller's password",
    status_code=204,
    responses=documented(
        204, "Password changed", {**_PROBLEMS, 400: "Wrong current password, or a weak new one"}, 400
    ),
)
def change_password(change: Annotated[PasswordChange, Body()]) -> Response[Any]:
    caller(app)
    service.change_password(_access_token(), change, identity=container.identity())
    return no_content()


@app.post(
    "/users/me/email/verification",
    operation_id="sendEmailCode",
    summary="Mail a new code that verifies the caller's address",
    status_code=202,
    responses=documented(
        202, "Sent, unless the address is verified or had enough codes this hour", _PROBLEMS, 404
    ),
)
def send_email_code() -> Response[Accepted]:
    service.resend_email_code(
        caller(app).user_id,
        _access_token(),
        identity=container.identity(),
        profiles=container.profiles(),
        allowance=container.code_allowance(),
        clock=container.clock(),
    )
    return json_response(202, _CODE_ON_ITS_WAY)


@app.post(
    "/users/me/email/verify",
    operation_id="verifyMyEmail",
    summary="Verify the caller's address with the mailed code",
    status_code=204,
    responses=documented(
        204,
        "Verified",
        {**_PROBLEMS, 409: "The code verified an address other than the profile's, or a concurrent change"},
        400,
        404,
        409,
    ),
)
def verify_email(request: Annotated[EmailCode, Body()]) -> Response[Any]:
    service.verify_email(
        caller(app).user_id,
        _access_token(),
        request.code,
        identity=container.identity(),
        profiles=container.profiles(),
        clock=container.clock(),
    )
    return no_content()


@app.post(
    "/admin/users/<user_id>/disable",
    operation_id="disableUser",
    summary="Disable an account: it can no longer log in or refresh",
    status_code=204,
    responses=documented(204, "Disabled", {**_PROBLEMS, 404: "No such account"}, 404),
)
def disable_user(user_id: str) -> Response[Any]:
    require_admin(app)
    service.set_account_enabled(user_id, False, identity=container.identity())
    _log.info("account disabled", extra={"user_id": user_id})
    return no_content()


@app.post(
    "/admin/users/<user_id>/enable",
    operation_id="enableUser",
    summary="Enable a disabled account again",
    status_code=204,
    responses=documented(204, "Enabled", {**_PROBLEMS, 404: "No such account"}, 404),
)
def enable_user(user_id: str) -> Response[Any]:
    require_admin(app)
    service.set_account_enabled(user_id, True, identity=container.identity())
    _log.info("account enabled", extra={"user_id": user_id})
    return no_content()


@app.get(
    "/users/me",
    operation_id="getMyProfile",
    summary="The caller's profile",
    responses=documented(200, "The profile", _PROBLEMS, 404),
)
def get_me() -> ProfileView:
    profile = service.my_profile(caller(app).user_id, profiles=container.profiles())
    return ProfileView.of(profile)


@app.patch(
    "/users/me",
    operation_id="updateMyProfile",
    summary="Change the caller's name or addresses",
    responses=documented(200, "The changed profile", _PROBLEMS, 404, 409),
)
def patch_me(changes: Annotated[ProfileChanges, Body()]) -> ProfileView:
    profile = service.change_my_profile(
        caller(app).user_id, changes, profiles=container.profiles(), clock=container.clock()
    )
    return ProfileView.of(profile)


def _access_token() -> str:
    """The caller's own access token (the gateway verified it), for Cognito's self-service calls."""
    scheme, _, token = authorization(app).partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("A valid bearer token is required.")
    return token


# Each order on a page is read with its payments, one GET /payments after the other: a page
# of 100 would make a hundred calls.
ExportLimit = Annotated[int, Query(ge=1, le=20, description="Orders per page, each with its payments")]


class ExportedPage(BaseModel):
    model_config = ConfigDict(defer_build=True)

    items: list[dict[str, Any]] = Field(description="As the owning service answers them")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page of the export")


class DataExportView(BaseModel):
    """Everything the shop holds about the caller. `orders` is a page (newest first);
    `payments` are those of the orders on the page, so both share one cursor."""

    model_config = ConfigDict(defer_build=True)

    profile: ProfileView
    addresses: list[Address]
    cart: dict[str, Any] = Field(description="As GET /cart answers it")
    orders: ExportedPage = Field(description="As GET /orders answers them, with lines and status history")
    payments: ExportedPage = Field(
        description="As GET /payments answers them: the shop never holds card data"
    )

    @classmethod
    def of(cls, export: DataExport) -> "DataExportView":
        cursor = export.orders.next_cursor
        return cls(
            profile=ProfileView.of(export.profile),
            addresses=list(export.profile.addresses),
            cart=export.cart,
            orders=ExportedPage(
                items=[order.model_dump() for order in export.orders.items], next_cursor=cursor
            ),
            payments=ExportedPage(items=list(export.payments), next_cursor=cursor),
        )


@app.delete(
    "/users/me",
    operation_id="deleteMyAccount",
    summary="Delete the caller's account; orders and payments stay for the books, without personal data",
    status_code=204,
    responses=documented(
        204,
        "Deleted",
        {
            **_PROBLEMS,
            400: "Wrong password (`errors[].field` is `password`)",
            409: "An order of the caller is still in progress",
            503: "The orders service or the identity provider did not answer",
        },
        400,
        404,
        409,
        503,
    ),
)
def delete_me(deletion: Annotated[AccountDeletion, Body()]) -> Response[None]:
    user_id = caller(app).user_id
    service.delete_my_account(
        user_id,
        deletion,
        authorization=authorization(app),
        identity=container.identity(),
        profiles=container.profiles(),
        records=container.records(),
    )
    _log.info("user deleted", extra={"user_id": user_id})
    return no_content()


@app.get(
    "/users/me/export",
    operation_id="exportMyData",
    summary="Everything the shop holds about the caller: profile, addresses, cart, orders, payments",
    responses=documented(
        200,
        "The export; follow `orders.next_cursor` for more orders and their payments",
        {**_PROBLEMS, 503: "The cart, orders or payments service did not answer"},
        404,
        503,
    ),
)
def export_me(limit: ExportLimit = 20, cursor: Cursor = None) -> DataExportView:
    export = service.export_my_data(
        caller(app).user_id,
        authorization=authorization(app),
        cursor=cursor,
        limit=limit,
        profiles=container.profiles(),
        records=container.records(),
    )
    return DataExportView.of(export)


def _token_fields(tokens: Tokens) -> dict[str, Any]:
    return {"access_token": tokens.access_token, "id_token": tokens.id_token, "expires_in": tokens.expires_in}


handler = lambda_handler(app, "users")
