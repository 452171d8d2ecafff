"""Order notifications as the shop's mailer would send them, into the local mailbox.

On AWS a mailer subscribes to the notifications topic and e-mails each notification (users
publishes `{email, subject, text, ...}`, see shop.users.adapters.sns). moto sends no e-mail,
so in the emulator's process the topic's publish also delivers the message to the mailbox:
no subscriber to run, and nothing is lost between the publish and the mailbox. With an
external emulator (`--aws-endpoint`) SNS is not moto's, and notifications do not arrive here.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from typing import Any

from shop.local.emulator import mailbox

log = logging.getLogger(__name__)

_lock = threading.Lock()
_topics: set[str] = set()


def install(topic_name: str) -> None:
    """Mail what is published on the topic named `topic_name` (idempotent)."""
    from moto.sns.models import Topic

    with _lock:
        if not _topics:
            Topic.publish = _mailing(Topic.publish)  # type: ignore[method-assign]
        _topics.add(topic_name)


def _mailing(publish: Any) -> Any:
    @functools.wraps(publish)
    def publish_and_mail(topic: Any, message: str, *args: Any, **kwargs: Any) -> Any:
        message_id = publish(topic, message, *args, **kwargs)
        if topic.name in _topics:
            _mail(message, kwargs.get("subject"))
        return message_id

    return publish_and_mail


def _mail(message: str, subject: str | None) -> None:
    try:
        notification = json.loads(message)
        to, body = str(notification["email"]), str(notification["text"])
    except (ValueError, TypeError, KeyError):  # not a customer notification: nobody to mail
        log.warning("a message on the notifications topic names no recipient; not mailed")
        return
    mailbox.deliver(to, subject or str(notification.get("subject", "")), body)
