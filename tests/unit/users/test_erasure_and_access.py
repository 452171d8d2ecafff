"""Deleting one's account (right to erasure) and exporting one's data (right of access)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from shop.kernel.clock import FixedClock
from shop.kernel.errors import NotAuthenticated, Unavailable
from shop.users import service
from shop.users.domain.errors import OrdersInProgress, ProfileNotFound, WrongCredentials, WrongPassword
from shop.users.domain.events import UserDeleted
from shop.users.domain.model import AccountDeletion, Credentials, NewAccount
from shop.users.domain.records import OrderRecord
from tests.unit.users.fakes import FakeCustomerRecords, FakeIdentity, FakeProfiles

PASSWORD = "secret123"
EMAIL = "ada@example.com"


@pytest.fixture
def records() -> FakeCustomerRecords:
    return FakeCustomerRecords()


def register(identity: FakeIdentity, profiles: FakeProfiles) -> str:
    account = NewAccount(email=EMAIL, password=SecretStr(PASSWORD), name="Ada")
    return service.register(account, identity=identity, profiles=profiles, clock=FixedClock()).user_id


def delete(
    user_id: str,
    password: str,
    identity: FakeIdentity,
    profiles: FakeProfiles,
    records: FakeCustomerRecords,
) -> None:
    service.delete_my_account(
        user_id,
        AccountDeletion(password=SecretStr(password)),
        authorization=records.authorization,
        identity=identity,
        profiles=profiles,
        records=records,
    )


def order(order_id: str, status: str) -> OrderRecord:
    return OrderRecord.model_validate({"order_id": order_id, "status": status, "lines": []})


def test_a_deleted_account_is_gone_and_every_service_is_told(
    identity: FakeIdentity, profiles: FakeProfiles, records: FakeCustomerRecords
) -> None:
    user_id = register(identity, profiles)
    records.orders_held = [order("o1", "SHIPPED"), order("o2", "CANCELLED"), order("o3", "CONFIRMED")]
    delete(user_id, PASSWORD, identity, profiles, records)
    with pytest.raises(ProfileNotFound):
        profiles.get(user_id)
    with pytest.raises(WrongCredentials):
        identity.log_in(Credentials(email=EMAIL, password=SecretStr(PASSWORD)))
    assert profiles.events[-1] == UserDeleted(user_id=user_id)
    assert register(identity, profiles) != user_id  # the address registers again, as someone new


def test_a_wrong_password_deletes_nothing(
    identity: FakeIdentity, profiles: FakeProfiles, records: FakeCustomerRecords
) -> None:
    user_id = register(identity, profiles)
    with pytest.raises(WrongPassword) as refused:
        delete(user_id, "not-it-42", identity, profiles, records)
    assert refused.value.field == "password"
    assert profiles.get(user_id).email == EMAIL
    assert EMAIL in identity.accounts


@pytest.mark.parametrize("status", ["PENDING", "RESERVED"])
def test_an_order_in_progress_holds_the_account_back(
    status: str, identity: FakeIdentity, profiles: FakeProfiles, records: FakeCustomerRecords
) -> None:
    user_id = register(identity, profiles)
    # far down the list: every page is read
    records.orders_held = [order(f"o{n}", "SHIPPED") for n in range(150)] + [order("late", status)]
    with pytest.raises(OrdersInProgress):
        delete(user_id, PASSWORD, identity, profiles, records)
    assert profiles.get(user_id).email == EMAIL
    assert EMAIL in identity.accounts


def test_the_export_holds_profile_cart_a_page_of_orders_and_their_payments(
    identity: FakeIdentity, profiles: FakeProfiles, records: FakeCustomerRecords
) -> None:
    user_id = register(identity, profiles)
    records.cart_record = {"items": [{"product_id": "p1", "quantity": 2}]}
    records.orders_held = [order("o1", "CONFIRMED"), order("o2", "CANCELLED"), order("o3", "SHIPPED")]
    records.payments_held = {"o1": [{"payment_id": "pay1", "order_id": "o1"}], "o3": [{"payment_id": "pay3"}]}

    first = service.export_my_data(
        user_id, authorization=records.authorization, cursor=None, limit=2, profiles=profiles, records=records
    )
    assert first.profile.email == EMAIL
    assert first.cart == records.cart_record
    assert [o.order_id for o in first.orders.items] == ["o1", "o2"]
    assert first.orders.items[0].model_dump()["lines"] == []  # what orders answered passes through
    assert [p["payment_id"] for p in first.payments] == ["pay1"]

    rest = service.export_my_data(
        user_id,
        authorization=records.authorization,
        cursor=first.orders.next_cursor,
        limit=2,
        profiles=profiles,
        records=records,
    )
    assert [o.order_id for o in rest.orders.items] == ["o3"]
    assert rest.orders.next_cursor is None
    assert [p["payment_id"] for p in rest.payments] == ["pay3"]


def test_the_export_reads_with_the_callers_token(profiles: FakeProfiles, identity: FakeIdentity) -> None:
    user_id = register(identity, profiles)
    with pytest.raises(NotAuthenticated):
        service.export_my_data(
            user_id,
            authorization="Bearer someone-else",
            cursor=None,
            limit=20,
            profiles=profiles,
            records=FakeCustomerRecords(),
        )


class UnreachableIdentity(FakeIdentity):
    """The provider down just when the account is deleted."""

    def close(self, user_id: str) -> None:
        raise Unavailable("Cognito is not answering")


def test_an_identity_the_provider_cannot_close_now_is_closed_from_the_queue(
    profiles: FakeProfiles, records: FakeCustomerRecords
) -> None:
    unreachable = UnreachableIdentity()
    user_id = register(unreachable, profiles)
    delete(user_id, PASSWORD, unreachable, profiles, records)  # the deletion itself stands
    with pytest.raises(ProfileNotFound):
        profiles.get(user_id)
    assert unreachable.log_in(Credentials(email=EMAIL, password=SecretStr(PASSWORD)))  # not yet closed

    reachable = FakeIdentity()
    reachable.accounts = unreachable.accounts
    deleted = profiles.events[-1]
    assert isinstance(deleted, UserDeleted)
    service.close_identity(deleted, identity=reachable)
    service.close_identity(deleted, identity=reachable)  # a redelivery: already gone, no error
    with pytest.raises(WrongCredentials):
        reachable.log_in(Credentials(email=EMAIL, password=SecretStr(PASSWORD)))
