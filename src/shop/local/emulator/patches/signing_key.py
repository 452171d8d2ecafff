"""A Cognito signing key pair generated for this run of the emulator.

moto signs every token with the private key it ships inside its package (and serves the
matching public key as the pool's JWKS), so anyone with moto installed could sign a token
with `cognito:groups: ["admin"]` that the gateway would accept. Here each run signs with
a fresh key only this process knows, and the JWKS publishes its public half alone.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from shop.local.emulator.patches.once import applied_once

_KEY_ID = "dummy"  # the `kid` moto writes into every token header


@applied_once
def install() -> None:
    """Sign with a new key from now on in this process."""
    from joserfc import jwk
    from moto.cognitoidp.models import CognitoIdpUserPool
    from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse

    key = jwk.RSAKey.generate_key(2048, parameters={"kid": _KEY_ID, "alg": "RS256", "use": "sig"})
    original_init = CognitoIdpUserPool.__init__

    @functools.wraps(original_init)
    def init(pool: Any, *args: Any, **kwargs: Any) -> None:
        original_init(pool, *args, **kwargs)
        pool.json_web_key = key

    CognitoIdpUserPool.__init__ = init  # type: ignore[method-assign,assignment]
    CognitoIdpJsonWebKeyResponse.json_web_key = json.dumps({"keys": [key.as_dict(private=False)]}).encode()
