"""A throw-away admin for post-deploy acceptance tests, through Cognito's admin APIs.

    .venv/bin/python scripts/pipeline_admin.py create --user-pool-id POOL [--group admin]
    .venv/bin/python scripts/pipeline_admin.py delete --user-pool-id POOL --email EMAIL

`create` makes a confirmed user with a generated password (never printed in a CI log:
under GitHub Actions it is masked and written to $GITHUB_ENV) in the `admin` group, and
prints SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD lines, what `make acceptance` reads.
`delete` removes the user again (idempotent). Credentials and region come from the
environment (OIDC role in the pipeline); AWS_ENDPOINT_URL points it at moto in tests.
"""

from __future__ import annotations

import argparse
import os
import secrets
import string
import sys
import uuid
from pathlib import Path
from typing import Any

PASSWORD_LENGTH = 32


def generate_password() -> str:
    """Letters and digits (the pool requires digits, the users service letters), plus a symbol."""
    alphabet = string.ascii_letters + string.digits
    body = [secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH - 4)]
    body += [secrets.choice(string.ascii_lowercase), secrets.choice(string.ascii_uppercase)]
    body += [secrets.choice(string.digits), secrets.choice("!#%+-=_")]
    secrets.SystemRandom().shuffle(body)
    return "".join(body)


def cognito() -> Any:
    import boto3

    return boto3.client("cognito-idp")


def create(user_pool_id: str, group: str) -> tuple[str, str]:
    email, password = f"acceptance-{uuid.uuid4().hex[:12]}@example.com", generate_password()
    idp = cognito()
    idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",  # no invitation e-mail
    )
    idp.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)
    idp.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName=group)
    return email, password


def delete(user_pool_id: str, email: str) -> bool:
    idp = cognito()
    try:
        idp.admin_delete_user(UserPoolId=user_pool_id, Username=email)
    except idp.exceptions.UserNotFoundException:
        return False
    return True


def publish(email: str, password: str) -> None:
    """Under GitHub Actions: mask the password and hand both to later steps via $GITHUB_ENV."""
    github_env = os.environ.get("GITHUB_ENV")
    if github_env:
        print(f"::add-mask::{password}")
        with Path(github_env).open("a") as handle:
            handle.write(f"SHOP_ADMIN_EMAIL={email}\nSHOP_ADMIN_PASSWORD={password}\n")
        print(f"SHOP_ADMIN_EMAIL={email}")
    else:
        print(f"SHOP_ADMIN_EMAIL={email}\nSHOP_ADMIN_PASSWORD={password}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="create a confirmed admin with a generated password")
    make.add_argument("--user-pool-id", required=True)
    make.add_argument("--group", default="admin")
    remove = commands.add_parser("delete", help="delete the admin again")
    remove.add_argument("--user-pool-id", required=True)
    remove.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    if args.command == "create":
        publish(*create(args.user_pool_id, args.group))
    else:
        print(
            f"{args.email}: {'deleted' if delete(args.user_pool_id, args.email) else 'already gone'}",
            file=sys.stderr,
        )
    return 0
