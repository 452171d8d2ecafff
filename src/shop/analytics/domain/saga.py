"""Saga health: how many messages wait in each consumer's queue and its dead-letter queue."""

from pydantic import BaseModel, ConfigDict

DLQ_SUFFIX = "-dlq"


class QueueDepth(BaseModel):
    """One SQS queue as SQS reports it (approximate counts)."""

    model_config = ConfigDict(frozen=True)

    name: str
    visible: int
    in_flight: int


class QueueHealth(BaseModel):
    """A consumer's queue and its DLQ; None where that half does not exist (e.g. the
    outbox relay has only a failure queue)."""

    model_config = ConfigDict(frozen=True)

    name: str
    waiting: int | None
    in_flight: int | None
    dead_letters: int | None


def queue_health(depths: list[QueueDepth], prefix: str) -> list[QueueHealth]:
    """Pair each queue with its `<name>-dlq`, named without the shop's common prefix."""
    by_name = {depth.name: depth for depth in depths}
    rows: list[QueueHealth] = []
    for name in sorted(by_name):
        depth = by_name[name]
        if name.endswith(DLQ_SUFFIX) and name.removesuffix(DLQ_SUFFIX) in by_name:
            continue  # shown with its queue
        dlq = None if name.endswith(DLQ_SUFFIX) else by_name.get(name + DLQ_SUFFIX)
        is_dlq = name.endswith(DLQ_SUFFIX)
        rows.append(
            QueueHealth(
                name=name.removeprefix(prefix).removesuffix(DLQ_SUFFIX if is_dlq else ""),
                waiting=None if is_dlq else depth.visible,
                in_flight=None if is_dlq else depth.in_flight,
                dead_letters=depth.visible if is_dlq else (dlq.visible if dlq else None),
            )
        )
    return rows
