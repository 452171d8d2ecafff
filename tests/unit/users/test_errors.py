"""What each refusal tells the client: the problem's detail, and the field it names."""

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
    ("error", "detail", "field"),
    [
        (EmailTaken(), "An account with this e-mail address already exists.", "email"),
        (WeakPassword(), "The password needs at least 8 characters, with letters and digits.", "password"),
        (
            WeakPassword("new_password"),
            "The password needs at least 8 characters, with letters and digits.",
            "new_password",
        ),
        (WrongCredentials(), "Wrong e-mail or password.", None),
        (InvalidRefreshToken(), "The refresh token is not valid or has expired.", None),
        (WrongCode(), "The code is wrong or has expired; ask for a new one.", "code"),
        (WrongCurrentPassword(), "The current password is not right.", "current_password"),
        (AccountNotFound(), "There is no account with this id.", None),
        (ProfileNotFound(), "There is no profile for this account.", None),
        (ProfileChanged(), "The profile was changed by another request; retry.", None),
        (WrongPassword(), "The password is not this account's.", "password"),
        (
            OrdersInProgress(),
            "An order of this account is still in progress; delete the account once it settles.",
            None,
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, DomainError) else "",
)
def test_each_refusal_says_what_is_wrong_and_names_its_field(
    error: DomainError, detail: str, field: str | None
) -> None:
    assert (error.detail, str(error), error.field) == (detail, detail, field)
