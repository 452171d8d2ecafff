"""What each refusal tells the client: the problem's detail, and the field it names."""

from collections.abc import Callable

import pytest

from shop.kernel.errors import DomainError
from shop.users.domain.errors import (
    AccountNotFound,
    EmailTaken,
    InvalidRefreshToken,
    OrdersInProgress,
    ProfileChanged,
    ProfileNotFound,
    WeakPassword,
    WrongCode,
    WrongCredentials,
    WrongCurrentPassword,
    WrongPassword,
)


@pytest.mark.parametrize(
    ("raise_", "detail", "field"),
    [
        (EmailTaken, "An account with this e-mail address already exists.", "email"),
        (
            WeakPassword,
            "The password needs at least 8 characters, with letters and digits.",
            "password",
        ),
        (
            lambda: WeakPassword("new_password"),
            "The password needs at least 8 characters, with letters and digits.",
            "new_password",
        ),
        (WrongCredentials, "Wrong e-mail or password.", None),
        (InvalidRefreshToken, "The refresh token is not valid or has expired.", None),
        (WrongCode, "The code is wrong or has expired; ask for a new one.", "code"),
        (WrongCurrentPassword, "The current password is not right.", "current_password"),
        (AccountNotFound, "There is no account with this id.", None),
        (ProfileNotFound, "There is no profile for this account.", None),
        (ProfileChanged, "The profile was changed by another request; retry.", None),
        (WrongPassword, "The password is not this account's.", "password"),
        (
            OrdersInProgress,
            "An order of this account is still in progress; delete the account once it settles.",
            None,
        ),
    ],
    ids=lambda value: value().__class__.__name__ if callable(value) else "",
)
def test_each_refusal_says_what_is_wrong_and_names_its_field(
    raise_: Callable[[], DomainError], detail: str, field: str | None
) -> None:
    error = raise_()  # built here, not at collection: mutmut switches mutants only while tests run
    assert (error.detail, str(error), error.field) == (detail, detail, field)
