"""What can go wrong with accounts and profiles, in the shop's words."""

from __future__ import annotations

from shop.kernel.errors import Conflict, InvalidInput, NotAuthenticated, NotFound


class EmailTaken(Conflict):
    title = "E-mail already registered"

    def __init__(self) -> None:
        super().__init__("An account with this e-mail address already exists.", field="email")


class WeakPassword(InvalidInput):
    title = "Weak password"

    def __init__(self) -> None:
        super().__init__(
            "The password needs at least 8 characters, with letters and digits.",
            field="password",
        )


class UnacceptableAccount(InvalidInput):
    """The identity provider refused the e-mail address or the name."""

    title = "Invalid account details"


class WrongCredentials(NotAuthenticated):
    """One message for an unknown e-mail and a wrong password: never tell which."""

    title = "Wrong credentials"

    def __init__(self) -> None:
        super().__init__("Wrong e-mail or password.")


class InvalidRefreshToken(NotAuthenticated):
    title = "Invalid refresh token"

    def __init__(self) -> None:
        super().__init__("The refresh token is not valid or has expired.")


class ProfileNotFound(NotFound):
    title = "Profile not found"

    def __init__(self) -> None:
        super().__init__("There is no profile for this account.")


class ProfileChanged(Conflict):
    """Another request changed the profile between our read and our write."""

    title = "Profile changed concurrently"

    def __init__(self) -> None:
        super().__init__("The profile was changed by another request; retry.")
