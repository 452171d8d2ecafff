"""Seed the admin account and the demo catalog through the HTTP API of a running stack, so
seeding exercises the real services (and tolerates being run twice).

The admin group is given only to an account this seed has just created with the configured
password: an e-mail someone else registered first is refused, never promoted."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Any

import jwt
import requests

log = logging.getLogger(__name__)

DEFAULT_ADMIN_EMAIL = "admin@example.com"
DEFAULT_ADMIN_PASSWORD = "Admin12345"
_TIMEOUT = 10
_ADMIN_GROUP = "admin"


@dataclass
class SeedReport:
    admin_registered: bool = False
    admin_promoted: bool = False
    admin_logged_in: bool = False
    created: int = 0
    existing: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.admin_logged_in and self.failed == 0 and not self.problems

    def summary(self) -> str:
        lines = [
            f"admin: registered={self.admin_registered} promoted={self.admin_promoted} "
            f"logged_in={self.admin_logged_in}",
            f"catalog: {self.created} created, {self.existing} already there, {self.failed} failed",
        ]
        lines += [f"  ! {problem}" for problem in self.problems]
        return "\n".join(lines)


def demo_catalog() -> list[dict[str, Any]]:
    text = (
        importlib_resources.files("shop.local.orchestration")
        .joinpath("seed_catalog.json")
        .read_text(encoding="utf-8")
    )
    products: list[dict[str, Any]] = json.loads(text)["products"]
    return products


def seed(
    base_url: str,
    admin_email: str,
    admin_password: str,
    *,
    promote: Callable[[str], None],
    products: list[dict[str, Any]] | None = None,
) -> SeedReport:
    report = SeedReport()
    with requests.Session() as http:
        token = _seed_admin(
            http, base_url, email=admin_email, password=admin_password, promote=promote, report=report
        )
        if token is None:
            report.problems.append("catalog not seeded: no admin token")
            return report
        for product in products if products is not None else demo_catalog():
            _seed_product(http, base_url, token, product, report)
    log.info("seeding done:\n%s", report.summary())
    return report


def _seed_admin(
    http: requests.Session,
    base_url: str,
    *,
    email: str,
    password: str,
    promote: Callable[[str], None],
    report: SeedReport,
) -> str | None:
    response = http.post(
        f"{base_url}/users",
        json={"email": email, "password": password, "name": "Shop Admin"},
        timeout=_TIMEOUT,
    )
    created = response.status_code in (201, 200)
    if not created and response.status_code != 409:
        report.problems.append(_unexpected("POST /users", response))
        return None
    report.admin_registered = created
    if created:
        try:
            promote(email)
            report.admin_promoted = True
        except Exception as exc:  # the user pool is not the one the users service wrote to
            report.problems.append(f"could not put {email} into the admin group: {exc}")
            return None
    response = http.post(
        f"{base_url}/auth/login", json={"email": email, "password": password}, timeout=_TIMEOUT
    )
    if response.status_code != 200:
        if created:
            report.problems.append(_unexpected("POST /auth/login", response))
        else:
            report.problems.append(
                f"{email} was already registered, and not with the configured password: "
                "not promoting an account this seed did not create (set SHOP_ADMIN_EMAIL)"
            )
        return None
    token = str(response.json().get("access_token") or "")
    if not created and _ADMIN_GROUP not in _groups(token):
        report.problems.append(
            f"{email} was already registered by someone else: not promoting an account this "
            "seed did not create (set SHOP_ADMIN_EMAIL)"
        )
        return None
    report.admin_logged_in = True
    return token or None


def _groups(token: str) -> list[str]:
    """The groups an access token names (just issued to us by our own API: no need to verify)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return []
    groups = claims.get("cognito:groups") or []
    return [str(group) for group in groups] if isinstance(groups, list) else []


def _seed_product(
    http: requests.Session, base_url: str, token: str, product: dict[str, Any], report: SeedReport
) -> None:
    response = http.post(
        f"{base_url}/products",
        json=product,
        headers={"Authorization": f"Bearer {token}"},
        timeout=_TIMEOUT,
    )
    if response.status_code in (200, 201):
        report.created += 1
    elif response.status_code == 409:
        report.existing += 1
    else:
        report.failed += 1
        problem = _unexpected("POST /products", response)
        if problem not in report.problems:
            report.problems.append(problem)


def _unexpected(what: str, response: requests.Response) -> str:
    if response.status_code == 503:
        return f"{what}: the service is not there yet (503)"
    detail = response.text[:200].replace("\n", " ")
    return f"{what}: unexpected {response.status_code}: {detail}"
