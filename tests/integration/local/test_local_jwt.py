"""The gateway's verifier accepts what moto's Cognito issues and rejects what API Gateway would.

Tokens with one wrong claim are forged with a test key served as a JWKS of its own; the
stack's pool signs with a key generated for its run, which no test (nobody) holds."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from moto.utilities.utils import load_resource

from shop.local.edge.jwt_verifier import InvalidToken, JwtVerifier, stringify_claims
from shop.local.orchestration.stack import EmbeddedStack
from tests.support.json_server import JsonServer

pytestmark = pytest.mark.integration

PASSWORD = "Passw0rd1"


TEST_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def stack_verifier(stack: EmbeddedStack) -> JwtVerifier:
    """The gateway's verifier: the pool's own JWKS."""
    return JwtVerifier.for_cognito(stack.emulator.cognito_endpoint, stack.pool_id, stack.client_id)


@pytest.fixture(scope="module")
def verifier(stack_verifier: JwtVerifier) -> Iterator[JwtVerifier]:
    """The same checks, with TEST_KEY (kid "test") as the only signing key."""
    public = json.loads(RSAAlgorithm.to_jwk(TEST_KEY.public_key()))
    jwks = {"keys": [{**public, "kid": "test", "alg": "RS256", "use": "sig"}]}
    with JsonServer(lambda path, headers: (200, jwks)) as server:
        yield JwtVerifier(
            jwks_url=f"{server.url}/jwks.json",
            issuer=stack_verifier.issuer,
            client_ids=stack_verifier.client_ids,
        )


@pytest.fixture(scope="module")
def tokens(stack: EmbeddedStack) -> dict[str, str]:
    cognito = stack.client("cognito-idp")
    cognito.sign_up(ClientId=stack.client_id, Username="dave@example.com", Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=stack.pool_id, Username="dave@example.com")
    result = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "dave@example.com", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {"access": result["AccessToken"], "id": result["IdToken"]}


def _motos_published_key() -> Any:
    """The private key moto ships in its package (and signs with, unless the stack stops it)."""
    return RSAAlgorithm.from_jwk(json.dumps(load_resource("cognitoidp/resources/jwks-private.json")))


def _claims(verifier: JwtVerifier, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": verifier.issuer,
        "sub": "user-1",
        "client_id": verifier.client_ids[0],
        "token_use": "access",
        "iat": now,
        "exp": now + 600,
        "scope": "aws.cognito.signin.user.admin",
    }
    claims.update(overrides)
    return claims


def _sign(claims: dict[str, Any], key: Any = None, kid: str = "test") -> str:
    return jwt.encode(claims, key or TEST_KEY, algorithm="RS256", headers={"kid": kid})


def test_issuer_is_the_one_moto_issues(stack_verifier: JwtVerifier, stack: EmbeddedStack) -> None:
    assert stack_verifier.issuer == f"https://cognito-idp.us-east-1.amazonaws.com/{stack.pool_id}"


def test_accepts_a_real_access_token(stack_verifier: JwtVerifier, tokens: dict[str, str]) -> None:
    claims = stack_verifier.verify(f"Bearer {tokens['access']}")
    assert claims["token_use"] == "access"
    assert claims["sub"]


def test_accepts_a_forged_token_signed_with_the_right_key(verifier: JwtVerifier) -> None:
    assert verifier.verify(f"Bearer {_sign(_claims(verifier))}")["sub"] == "user-1"


def test_rejects_an_id_token(stack_verifier: JwtVerifier, tokens: dict[str, str]) -> None:
    with pytest.raises(InvalidToken, match="access"):
        stack_verifier.verify(f"Bearer {tokens['id']}")


def test_rejects_a_bad_signature(verifier: JwtVerifier) -> None:
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidToken, match="invalid token"):
        verifier.verify(f"Bearer {_sign(_claims(verifier), own_key)}")


def test_rejects_a_tampered_payload(stack_verifier: JwtVerifier, tokens: dict[str, str]) -> None:
    header, _payload, signature = tokens["access"].split(".")
    forged = jwt.utils.base64url_encode(json.dumps(_claims(stack_verifier, sub="someone-else")).encode())
    with pytest.raises(InvalidToken):
        stack_verifier.verify(f"Bearer {header}.{forged.decode()}.{signature}")


def test_rejects_an_expired_token(verifier: JwtVerifier) -> None:
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(f"Bearer {_sign(_claims(verifier, exp=int(time.time()) - 5))}")


def test_rejects_a_foreign_issuer(verifier: JwtVerifier) -> None:
    foreign = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse"
    with pytest.raises(InvalidToken, match="issuer"):
        verifier.verify(f"Bearer {_sign(_claims(verifier, iss=foreign))}")


def test_rejects_another_client(verifier: JwtVerifier) -> None:
    with pytest.raises(InvalidToken, match="client"):
        verifier.verify(f"Bearer {_sign(_claims(verifier, client_id='another-app'))}")


def test_rejects_another_algorithm(verifier: JwtVerifier) -> None:
    token = jwt.encode(_claims(verifier), "a-shared-secret-of-32-bytes-long!", algorithm="HS256")
    with pytest.raises(InvalidToken, match="algorithm"):
        verifier.verify(f"Bearer {token}")


def test_rejects_an_unknown_key_id(verifier: JwtVerifier) -> None:
    token = _sign(_claims(verifier), kid="other")
    with pytest.raises(InvalidToken, match="key"):
        verifier.verify(f"Bearer {token}")


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Token abc", "Bearer a.b"])
def test_rejects_missing_or_malformed_headers(verifier: JwtVerifier, header: str | None) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(header)


def test_claims_are_stringified_as_api_gateway_does() -> None:
    assert stringify_claims({"cognito:groups": ["admin"], "exp": 17, "flag": True, "sub": "x"}) == {
        "cognito:groups": "[admin]",
        "exp": "17",
        "flag": "true",
        "sub": "x",
    }
    assert stringify_claims({"cognito:groups": ["admin", "staff"]})["cognito:groups"] == "[admin staff]"


def test_gateway_rejects_forged_tokens_before_the_handler(
    stack: EmbeddedStack, verifier: JwtVerifier, recorder: Any
) -> None:
    import requests

    before = len(recorder.http_events)
    expired = _sign(_claims(verifier, exp=int(time.time()) - 5))
    response = requests.get(f"{stack.url}/me", headers={"Authorization": f"Bearer {expired}"}, timeout=5)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert len(recorder.http_events) == before


def test_a_token_re_signed_with_motos_published_key_gets_401(
    stack: EmbeddedStack, tokens: dict[str, str]
) -> None:
    """A customer who makes themselves admin with the key inside moto's package is refused."""
    import requests

    claims = jwt.decode(tokens["access"], options={"verify_signature": False})
    admin = {**claims, "cognito:groups": ["admin"]}
    forged = _sign(admin, _motos_published_key(), kid=jwt.get_unverified_header(tokens["access"])["kid"])
    response = requests.post(
        f"{stack.url}/admin/things", headers={"Authorization": f"Bearer {forged}"}, json={}, timeout=5
    )
    assert response.status_code == 401, response.text
    honest = requests.get(
        f"{stack.url}/me", headers={"Authorization": f"Bearer {tokens['access']}"}, timeout=5
    )
    assert honest.status_code == 200, honest.text
