"""A consumer's expectations of another service's answer: the pydantic model its adapter
reads the answer with. A tolerant reader ignores what it does not know and defaults what is
missing, so validating is not enough: every field the model declares must be sent, at every
depth, and every list of models must hold at least one element to be checked at all."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel


def unmet(model: type[BaseModel], body: Any, path: str = "") -> list[str]:
    """The fields of `model` that `body` does not send (empty: the expectations are met)."""
    if not isinstance(body, dict):
        return [f"{path or '<body>'} (not an object)"]
    problems: list[str] = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue  # not read from the body (e.g. the answer's ETag header)
        key = field.alias or name
        if key not in body:
            problems.append(path + key)
            continue
        for inner in _models_in(field.annotation):
            value = body[key]
            values = value if isinstance(value, list) else [value]
            if not values:
                problems.append(f"{path}{key} (empty: its fields went unchecked)")
            for index, element in enumerate(values):
                where = f"{path}{key}[{index}]." if isinstance(value, list) else f"{path}{key}."
                problems += unmet(inner, element, where)
    return problems


def assert_meets(model: type[BaseModel], body: Any) -> None:
    model.model_validate(body)
    assert unmet(model, body) == [], f"the provider no longer sends what {model.__qualname__} reads"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in _models_in(argument)]
