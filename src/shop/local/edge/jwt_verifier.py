"""Verify access tokens the way API Gateway's JWT authorizer does, against the pool's JWKS."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import jwt
import requests
from jwt.algorithms import RSAAlgorithm


class InvalidToken(Exception):
    """The request carries no usable bearer token; the gateway answers 401."""


class JwtVerifier:
    """Checks signature (RS256, key by `kid` from the JWKS), `iss`, `exp`/`nbf`/`iat`,
    `token_use == "access"` and `client_id` (access tokens carry no `aud`).

    The JWKS is fetched once and cached; an unknown `kid` triggers one refetch at most
    every `refresh_interval` seconds, as key rotation would need.
    """

    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        client_ids: tuple[str, ...],
        leeway: float = 0.0,
        refresh_interval: float = 30.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.client_ids = client_ids
        self.leeway = leeway
        self._refresh_interval = refresh_interval
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def for_cognito(cls, cognito_endpoint: str, pool_id: str, client_id: str) -> JwtVerifier:
        """A verifier for a moto/Cognito pool; the issuer is whatever its discovery document says
        (moto issues `https://cognito-idp.<region>.amazonaws.com/<pool_id>`, not its own URL)."""
        base = f"{cognito_endpoint.rstrip('/')}/{pool_id}"
        region = pool_id.split("_", 1)[0]
        issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        try:
            discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=5)
            if discovery.ok:
                issuer = str(discovery.json().get("issuer") or issuer)
        except (requests.RequestException, ValueError):
            pass
        return cls(jwks_url=f"{base}/.well-known/jwks.json", issuer=issuer, client_ids=(client_id,))

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The claims of the `Authorization: Bearer <token>` header value, or InvalidToken."""
        if not authorization:
            raise InvalidToken("missing bearer token")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise InvalidToken("the Authorization header is not a bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        if header.get("alg") != "RS256":
            raise InvalidToken("unsupported signing algorithm")
        key = self._key(str(header.get("kid", "")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "sub"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("the token was issued by another issuer") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from None
        if claims.get("token_use") != "access":
            raise InvalidToken("not an access token")
        if claims.get("client_id") not in self.client_ids:
            raise InvalidToken("the token was issued to another client")
        return claims

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at > self._refresh_interval:
                self._keys = self._fetch()
                self._fetched_at = time.monotonic()
            key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return key

    def _fetch(self) -> dict[str, Any]:
        try:
            response = requests.get(self.jwks_url, timeout=5)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError):
            raise InvalidToken("signing keys unavailable") from None
        return {
            str(jwk.get("kid", "")): RSAAlgorithm.from_jwk(json.dumps(jwk))
            for jwk in document.get("keys", [])
            if jwk.get("kty") == "RSA"
        }


def stringify_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway hands them to Lambda: every value a string, arrays as `[a b]`."""
    return {name: _as_claim_string(value) for name, value in claims.items()}


def _as_claim_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + " ".join(_as_claim_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
