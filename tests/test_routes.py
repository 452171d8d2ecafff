"""Every route of the resource description (what Terraform and the local gateway expose)
resolves to a route of the handler it names, and every handler route is exposed."""

from importlib import import_module

import pytest

from shop.resources import Service, load_resources


def handler_routes(dotted: str) -> set[tuple[str, str]]:
    module = import_module(dotted.rsplit(".", 1)[0])
    app = module.app
    return {(route.method, route.openapi_path) for route in app.routes}


RESOURCES = load_resources()


@pytest.mark.parametrize("service", RESOURCES.services, ids=[s.name for s in RESOURCES.services])
def test_described_routes_match_the_handler_routes(service: Service) -> None:
    described = {(route.method, route.path) for route in service.routes}
    assert handler_routes(str(service.http_handler)) == described


def test_every_consumed_event_type_is_published_by_some_service() -> None:
    published = {event for service in RESOURCES.services for event in service.publishes}
    consumed = {event for service in RESOURCES.services for event in service.consumes}
    assert consumed <= published


def test_routes_are_unique_across_services() -> None:
    keys = [route.route_key for route in RESOURCES.routes]
    assert len(keys) == len(set(keys))
