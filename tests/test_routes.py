"""Every route of the resource description (what Terraform and the local gateway expose)
resolves to a route of the handler it names, and every handler route is exposed."""

from importlib import import_module

import pytest

from tests.conftest import resource_description


def handler_routes(dotted: str) -> set[tuple[str, str]]:
    module = import_module(dotted.rsplit(".", 1)[0])
    app = module.app
    return {(route.method, route.openapi_path) for route in app.routes}


SERVICES = sorted(resource_description()["services"].items())


@pytest.mark.parametrize(("name", "service"), SERVICES, ids=[name for name, _ in SERVICES])
def test_described_routes_match_the_handler_routes(name: str, service: dict[str, object]) -> None:
    described = {(route["method"], route["path"]) for route in service["routes"]}  # type: ignore[attr-defined]
    assert handler_routes(str(service["http_handler"])) == described


def test_every_consumed_event_type_is_published_by_some_service() -> None:
    services = resource_description()["services"].values()
    published = {event for service in services for event in service["publishes"]}
    consumed = {event for service in services for event in service["consumes"]}
    assert consumed <= published


def test_routes_are_unique_across_services() -> None:
    routes = [(r["method"], r["path"]) for _, s in SERVICES for r in s["routes"]]
    assert len(routes) == len(set(routes))
