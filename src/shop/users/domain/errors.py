"""What can go wrong with accounts and profiles, in the shop's words."""

from __future__ import annotations

from shop.kernel.errors import Conflict, InvalidInput, NotAuthenticated, NotFound


class EmailTaken(Conflict):
    title = "E-mail already registered"

    def __init__(self) -> None:
        super().__init__("An account with this e-mail address already exists.", field="email")


class WeakPassword(InvalidInput):
    title = "Weak password"

    def __init__(self, field: str = "password") -> None:
        super().__init__("The password needs at least 8 characters, with letters and digits.", field=field)


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


class SignedOutToken(NotAuthenticated):
    """An access token the identity provider refuses though the gateway let it through: signed
    out (a sign-out, a password reset, a disabled account) or otherwise no longer valid."""

    title = "Signed-out token"

    def __init__(self) -> None:
        super().__init__("The access token was signed out or is no longer valid; log in again.")


class AnotherAddressVerified(Conflict):
    """The caller changed the identity provider's address directly: the code proved that one."""

    title = "Another address verified"

    def __init__(self) -> None:
        super().__init__(
            "The code verified an address other than the profile's e-mail, which stays unverified."
        )


class WrongCode(InvalidInput):
    """A verification or reset code that is wrong, used or expired: one answer for all three."""

    title = "Wrong code"

    def __init__(self) -> None:
        super().__init__("The code is wrong or has expired; ask for a new one.", field="code")


class WrongCurrentPassword(InvalidInput):
    """A 400, never a 401: clients read a 401 as an expired token and would log the customer out."""

    title = "Wrong current password"

    def __init__(self) -> None:
        super().__init__("The current password is not right.", field="current_password")


class AccountNotFound(NotFound):
    title = "Account not found"

    def __init__(self) -> None:
        super().__init__("There is no account with this id.")


class ProfileNotFound(NotFound):
    title = "Profile not found"

    def __init__(self) -> None:
        super().__init__("There is no profile for this account.")


class ProfileChanged(Conflict):
    """Another request changed the profile between our read and our write."""

    title = "Profile changed concurrently"

    def __init__(self) -> None:
        super().__init__("The profile was changed by another request; retry.")


class WrongPassword(InvalidInput):
    """A password that confirms a change of the signed-in account: a 400 naming the field,
    never a 401, which clients read as an expired token."""

    title = "Wrong password"

    def __init__(self) -> None:
        super().__init__("The password is not this account's.", field="password")


class OrdersInProgress(Conflict):
    title = "Orders in progress"

    def __init__(self) -> None:
        super().__init__("An order of this account is still in progress; delete the account once it settles.")
