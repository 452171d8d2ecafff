"""The gateway's verifier accepts what moto's Cognito issues and rejects what API Gateway would."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from moto.utilities.utils import load_resource

from shop.local.jwt_verifier import InvalidToken, JwtVerifier, stringify_claims
from shop.local.stack import LocalStack

pytestmark = pytest.mark.integration

PASSWORD = "Passw0rd1"


@pytest.fixture(scope="module")
def verifier(stack: LocalStack) -> JwtVerifier:
    return JwtVerifier.for_cognito(stack.emulator.cognito_endpoint, stack.pool_id, stack.client_id)


@pytest.fixture(scope="module")
def tokens(stack: LocalStack) -> dict[str, str]:
    cognito = stack.client("cognito-idp")
    cognito.sign_up(ClientId=stack.client_id, Username="dave@example.com", Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=stack.pool_id, Username="dave@example.com")
    result = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "dave@example.com", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {"access": result["AccessToken"], "id": result["IdToken"]}


def _moto_signing_key() -> Any:
    """moto signs every pool's tokens with this one key (kid "dummy"): forge with the right key,
    so only the claim under test is wrong."""
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


def _sign(claims: dict[str, Any], key: Any = None) -> str:
    return jwt.encode(claims, key or _moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})


def test_issuer_is_the_one_moto_issues(verifier: JwtVerifier, stack: LocalStack) -> None:
    assert verifier.issuer == f"https://cognito-idp.us-east-1.amazonaws.com/{stack.pool_id}"


def test_accepts_a_real_access_token(verifier: JwtVerifier, tokens: dict[str, str]) -> None:
    claims = verifier.verify(f"Bearer {tokens['access']}")
    assert claims["token_use"] == "access"
    assert claims["sub"]


def test_accepts_a_forged_token_signed_with_the_right_key(verifier: JwtVerifier) -> None:
    assert verifier.verify(f"Bearer {_sign(_claims(verifier))}")["sub"] == "user-1"


def test_rejects_an_id_token(verifier: JwtVerifier, tokens: dict[str, str]) -> None:
    with pytest.raises(InvalidToken, match="access"):
        verifier.verify(f"Bearer {tokens['id']}")


def test_rejects_a_bad_signature(verifier: JwtVerifier) -> None:
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidToken, match="invalid token"):
        verifier.verify(f"Bearer {_sign(_claims(verifier), own_key)}")


def test_rejects_a_tampered_payload(verifier: JwtVerifier, tokens: dict[str, str]) -> None:
    header, _payload, signature = tokens["access"].split(".")
    forged_payload = jwt.utils.base64url_encode(json.dumps(_claims(verifier, sub="someone-else")).encode())
    with pytest.raises(InvalidToken):
        verifier.verify(f"Bearer {header}.{forged_payload.decode()}.{signature}")


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
    token = jwt.encode(_claims(verifier), _moto_signing_key(), algorithm="RS256", headers={"kid": "other"})
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
    stack: LocalStack, verifier: JwtVerifier, recorder: Any
) -> None:
    import requests

    before = len(recorder.http_events)
    expired = _sign(_claims(verifier, exp=int(time.time()) - 5))
    response = requests.get(f"{stack.url}/me", headers={"Authorization": f"Bearer {expired}"}, timeout=5)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert len(recorder.http_events) == before
