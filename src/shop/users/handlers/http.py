"""POST /users, POST /auth/login, POST /auth/refresh, GET and PATCH /users/me."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.address import Address
from shop.kernel.clock import rfc3339
from shop.platform.http import build_http_app, caller, lambda_handler
from shop.platform.observability import logger
from shop.platform.routing import Body
from shop.users import service
from shop.users.container import Container
from shop.users.domain.model import Credentials, NewAccount, ProfileChanges, Tokens, UserProfile

app = build_http_app("users")
container = Container()
_log = logger("users")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    refresh_token: Annotated[str, Field(min_length=1, max_length=8192)]


class RegisteredUser(BaseModel):
    user_id: str
    email: str
    name: str


class TokenResponse(BaseModel):
    access_token: str
    id_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class RefreshedTokens(BaseModel):
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

    @classmethod
    def of(cls, profile: UserProfile) -> ProfileView:
        return cls(
            user_id=profile.user_id,
            email=profile.email,
            name=profile.name,
            addresses=list(profile.addresses),
            created_at=rfc3339(profile.created_at),
        )


@app.post(
    "/users",
    operation_id="registerUser",
    summary="Register a customer account",
    status_code=201,
    responses={201: {"description": "Registered"}, 409: {"description": "The e-mail is taken"}},
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
    responses={200: {"description": "Tokens"}, 401: {"description": "Wrong e-mail or password"}},
)
def log_in(credentials: Annotated[Credentials, Body()]) -> TokenResponse:
    tokens = service.log_in(credentials, identity=container.identity())
    return TokenResponse(**_token_fields(tokens), refresh_token=tokens.refresh_token or "")


@app.post(
    "/auth/refresh",
    operation_id="refreshTokens",
    summary="Trade a refresh token for new access and id tokens",
    responses={200: {"description": "New tokens"}, 401: {"description": "Invalid or expired refresh token"}},
)
def refresh(request: Annotated[RefreshRequest, Body()]) -> RefreshedTokens:
    tokens = service.refresh(request.refresh_token, identity=container.identity())
    return RefreshedTokens(**_token_fields(tokens))


@app.get(
    "/users/me",
    operation_id="getMyProfile",
    summary="The caller's profile",
    responses={200: {"description": "The profile"}, 404: {"description": "No profile"}},
)
def get_me() -> ProfileView:
    profile = service.my_profile(caller(app).user_id, profiles=container.profiles())
    return ProfileView.of(profile)


@app.patch(
    "/users/me",
    operation_id="updateMyProfile",
    summary="Change the caller's name or addresses",
    responses={
        200: {"description": "The changed profile"},
        404: {"description": "No profile"},
        409: {"description": "A concurrent change"},
    },
)
def patch_me(changes: Annotated[ProfileChanges, Body()]) -> ProfileView:
    profile = service.change_my_profile(
        caller(app).user_id, changes, profiles=container.profiles(), clock=container.clock()
    )
    return ProfileView.of(profile)


def _token_fields(tokens: Tokens) -> dict[str, Any]:
    return {"access_token": tokens.access_token, "id_token": tokens.id_token, "expires_in": tokens.expires_in}


handler = lambda_handler(app, "users")
