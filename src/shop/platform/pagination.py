"""Opaque, tamper-safe page cursors: the position is signed with HMAC-SHA256 and bound
to a scope (e.g. the caller and the filter), so a forged or borrowed cursor is a 400."""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from shop.kernel.errors import InvalidInput
from shop.platform.settings import secret_setting

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(defer_build=True)  # the list routes only, built on first use

    items: Sequence[T]
    next_cursor: str | None = None


class InvalidCursor(InvalidInput):
    title = "Invalid cursor"

    def __init__(self) -> None:
        super().__init__("The cursor is not one this API issued for this query.", field="cursor")


def encode_cursor(position: dict[str, Any], scope: str) -> str:
    payload = json.dumps(position, sort_keys=True, separators=(",", ":")).encode()
    signature = _sign(payload, scope)
    return _b64(payload) + "." + _b64(signature)


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        payload_part, signature_part = cursor.split(".")
        payload, signature = _unb64(payload_part), _unb64(signature_part)
    except (ValueError, binascii.Error) as error:
        raise InvalidCursor from error
    if not hmac.compare_digest(signature, _sign(payload, scope)):
        raise InvalidCursor
    position = json.loads(payload)
    if not isinstance(position, dict):
        raise InvalidCursor
    return position


def _sign(payload: bytes, scope: str) -> bytes:
    key = secret_setting("SHOP_CURSOR_SECRET").encode()
    return hmac.new(key, scope.encode() + b"\x00" + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
