"""The local mailbox holds every message the shop would send: the order notifications users
publishes on the notifications topic (moto's publish delivers them, in the emulator's process)
and Cognito's codes; the embedded stack shows them at /_local/mailbox."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import requests

from shop.local.edge.local_pages import MAILBOX_PATH
from shop.local.emulator import mailbox, notification_mail
from shop.local.orchestration.stack import EmbeddedStack
from shop.users.adapters.sns import SnsNotifier
from shop.users.domain.notifications import Notification, OrderOutcome, Recipient

pytestmark = pytest.mark.integration


def notification(email: str) -> Notification:
    outcome = OrderOutcome(order_id="o-1", customer_id="u-1", status="CONFIRMED")
    return Notification.about(outcome, Recipient(user_id="u-1", email=email, name="Ada"))


def test_a_notification_on_the_topic_is_mailed_and_other_topics_are_not(aws: None) -> None:
    from shop.platform.aws import client

    sns = client("sns")
    topic = sns.create_topic(Name="mailed-notifications")["TopicArn"]
    other = sns.create_topic(Name="mailed-events")["TopicArn"]
    notification_mail.install("mailed-notifications")
    email = f"{uuid.uuid4().hex}@example.com"

    SnsNotifier(sns, topic).send(notification(email))
    SnsNotifier(sns, other).send(notification(email))
    sns.publish(TopicArn=topic, Message="not a notification")  # logged, not mailed, not a failure

    [message] = mailbox.messages(email)
    assert (message["subject"], message["body"]) == (
        "Your order o-1 is confirmed",
        "Hello Ada, your order o-1 is confirmed and will ship soon.",
    )


@pytest.fixture(scope="module")
def stack() -> Iterator[EmbeddedStack]:
    with EmbeddedStack(port=0, pollers=False, relay=False) as running:
        yield running


def test_the_stack_shows_cognitos_codes_and_the_notifications(stack: EmbeddedStack) -> None:
    email = f"{uuid.uuid4().hex}@example.com"
    signed_up = requests.post(
        f"{stack.url}/users", json={"email": email, "password": "Secret12345", "name": "Ada"}, timeout=30
    )
    assert signed_up.status_code == 201, signed_up.text
    SnsNotifier(stack.client("sns"), stack.provisioned.notifications_topic_arn).send(notification(email))

    answer = requests.get(f"{stack.url}{MAILBOX_PATH}", params={"to": email}, timeout=10)
    assert answer.status_code == 200, answer.text
    code, order = answer.json()  # newest last
    assert set(code) == {"to", "subject", "body", "sent_at"}
    assert code["to"] == email
    assert re.search(r"\b\d{6}\b", code["body"])
    assert order["subject"] == "Your order o-1 is confirmed"
    assert code["sent_at"] <= order["sent_at"]

    page = requests.get(f"{stack.url}{MAILBOX_PATH}", headers={"Accept": "text/html"}, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert email in page.text
