"""Opaque, time-sortable identifiers (ULIDs) chosen by the server."""

from ulid import ULID


def new_id() -> str:
    return str(ULID())
