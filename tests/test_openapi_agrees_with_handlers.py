"""The document lists every status and header the server answers (schemathesis' status code
and response header conformance). A route's problems are read from its code: the domain errors
it can let escape, each with the status the platform maps it to and the headers it sets. The
platform's checks of a body, made before any route runs, are asked of each function's handler."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import textwrap
import types
import typing
from functools import cache
from typing import Any, NamedTuple

import pytest

from shop.cart.handlers import http as cart_http
from shop.kernel.errors import DomainError
from shop.kernel.money import NegativeAmount
from shop.payments.domain.errors import PaymentAlreadyRecorded
from shop.platform.http import MAX_BODY_BYTES
from shop.platform.problems import status_of
from shop.platform.routing import Route
from shop.resources import load_resources
from shop.users.domain.errors import EmailTaken
from tests.support.http_events import api_request
from tests.test_openapi import DOCUMENT

# What the reading finds on a path the route never takes (it does not read conditions).
NEVER_RAISED: dict[tuple[str, type[DomainError]], str] = {
    ("getCart", NegativeAmount): "Money.times of a negative quantity: a line holds 1 to 99",
    ("removeCartItem", NegativeAmount): "Money.times of a negative quantity: a line holds 1 to 99",
    ("resetPassword", EmailTaken): "Cognito's ConfirmForgotPassword never answers UsernameExists",
    ("handleStripeWebhook", PaymentAlreadyRecorded): "only a payment that awaits the notice is settled",
}
# Headers the gateway or the platform sets, whatever the route: throttled or busy, retry after;
# the authorizer says why it refused a token (a route that needs none has no authorizer).
PLATFORM_HEADERS = {"429": {"Retry-After"}, "503": {"Retry-After"}}
AUTHORIZER_HEADERS = {"401": {"WWW-Authenticate"}}
HEADERS = set(DOCUMENT["components"]["headers"]) - {"X-Request-Id"}
_BUILTIN_METHODS = frozenset(name for kind in (dict, list, set, str, bytes, tuple) for name in dir(kind))


class Instance(NamedTuple):
    cls: type


class ServiceRoute(NamedTuple):
    service: str
    route: Route
    auth: str

    @property
    def operation(self) -> dict[str, Any]:
        return DOCUMENT["paths"][self.route.openapi_path][self.route.method.lower()]  # type: ignore[no-any-return]

    @property
    def success(self) -> str:
        return str(next(iter(self.route.options["responses"])))


def routes() -> list[ServiceRoute]:
    auth = {(route.method, route.path): route.auth for route in load_resources().routes}
    found = []
    for service in load_resources().services:
        if service.http_handler:
            app = importlib.import_module(str(service.http_handler).rsplit(".", 1)[0]).app
            found += [
                ServiceRoute(service.name, route, auth[(route.method, route.openapi_path)])
                for route in app.routes
            ]
    return found


ROUTES = routes()


def _ours(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.startswith("shop.") and not module.startswith("shop.local")


def status(error: type[DomainError]) -> str:
    return str(status_of(error.__new__(error)))  # status_of reads only the class of what it gets


def _classes(package: str) -> list[type]:
    root = importlib.import_module(package)
    modules = [
        root,
        *(importlib.import_module(m.name) for m in pkgutil.walk_packages(root.__path__, f"{package}.")),
    ]
    return [
        value
        for module in modules
        for value in list(vars(module).values())
        if isinstance(value, type) and value.__module__ == module.__name__
    ]


def _named(annotation: Any) -> list[type]:
    """The classes an annotation names (`X | None` names X); none for a generic."""
    if isinstance(annotation, type):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [arg for arg in typing.get_args(annotation) if isinstance(arg, type) and arg is not type(None)]
    return []


def _hints(obj: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(obj)
    except Exception:  # a name imported for type checking only: the reading goes on without it
        return {}


def _body(func: types.FunctionType) -> list[ast.stmt]:
    try:
        definition = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0]
    except OSError:  # generated code (a dataclass's __init__)
        return []
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    return definition.body


class Raised:
    """The domain errors a function can let escape, read in its code and what it calls: a
    function or a class's method by name; a method of a value whose class the annotations
    tell (a port: that of every class of the service that has the port's methods); else
    every method of that name in the service, kernel and platform (none of dict, list, str...).
    An `except` that does not re-raise stops what it catches."""

    def __init__(self, service: str) -> None:
        self.classes = [
            cls
            for package in (f"shop.{service}", "shop.kernel", "shop.platform")
            for cls in _classes(package)
        ]
        self.memo: dict[tuple[Any, Any], frozenset[type[DomainError]]] = {}

    def of(self, func: Any, owner: type | None = None) -> frozenset[type[DomainError]]:
        func = inspect.unwrap(getattr(func, "__func__", func))
        func = func.fget if isinstance(func, property) else func
        if not isinstance(func, types.FunctionType) or not _ours(func):
            return frozenset()
        key = (func, owner)
        if key not in self.memo:
            self.memo[key] = frozenset()  # a cycle adds nothing
            self.memo[key] = frozenset(_Reading(self, func, owner).escaping())
        return self.memo[key]

    def members(self, cls: type, name: str) -> list[Any]:
        if not getattr(cls, "_is_protocol", False):
            member = inspect.getattr_static(cls, name, None)
            return [] if member is None else [(cls, member)]
        port = [member for member in vars(cls) if not member.startswith("_")]
        return [
            (other, vars(other)[name])
            for other in self.classes
            if name in vars(other) and all(hasattr(other, member) for member in port)
        ]

    def named(self, name: str) -> list[Any]:
        return (
            []
            if name in _BUILTIN_METHODS
            else [(cls, vars(cls)[name]) for cls in self.classes if name in vars(cls)]
        )


class _Reading:
    def __init__(self, raised: Raised, func: types.FunctionType, owner: type | None) -> None:
        self.raised = raised
        qualname = func.__qualname__
        if owner is None and "." in qualname and "<locals>" not in qualname:
            owner = func.__globals__.get(qualname.split(".")[0])
        self.owner = owner
        self.names = {**vars(builtins), **func.__globals__}
        if func.__closure__:
            self.names.update(inspect.getclosurevars(func).nonlocals)
        self.body = _body(func)
        self.locals = {name: _named(hint) for name, hint in _hints(func).items() if name != "return"}
        if owner is not None:
            self.locals["self"] = [owner]
        assigned = [
            (node.targets[0].id, node.value)
            for statement in self.body
            for node in ast.walk(statement)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ]
        for _ in range(2):  # a value typed by another assigned before it
            for name, value in assigned:
                typed = [found.cls for found in self.values(value) if isinstance(found, Instance)]
                if typed:
                    self.locals[name] = typed

    def escaping(self) -> set[type[DomainError]]:
        return {error for statement in self.body for error in self.visit(statement)}

    def visit(self, node: ast.AST) -> set[type[DomainError]]:
        if isinstance(node, ast.Try):
            return self._try(node)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"isinstance", "issubclass"}
        ):
            return self.visit(node.args[0])
        found: set[type[DomainError]] = set()
        if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
            for value in self.values(node):
                if isinstance(value, type) and issubclass(value, DomainError):
                    found.add(value)
                elif isinstance(value, tuple) and not isinstance(value, Instance):
                    found |= self.raised.of(value[1], value[0])
                elif not isinstance(value, type | Instance | types.ModuleType):
                    found |= self.raised.of(value)
        if isinstance(node, ast.Call):
            for value in self.values(node.func):
                if isinstance(value, type) and _ours(value) and not issubclass(value, DomainError):
                    for name in ("__init__", "__post_init__"):
                        found |= self.raised.of(vars(value).get(name), value)
        for child in ast.iter_child_nodes(node):
            found |= self.visit(child)
        return found

    def _try(self, node: ast.Try) -> set[type[DomainError]]:
        escaping = {error for statement in node.body for error in self.visit(statement)}
        found = set()
        for handler in node.handlers:
            caught = tuple(value for value in self.values(handler.type) if isinstance(value, type))
            reraised = any(
                isinstance(inner, ast.Raise)
                and (inner.exc is None or (isinstance(inner.exc, ast.Name) and inner.exc.id == handler.name))
                for inner in ast.walk(handler)
            )
            if not reraised:
                escaping = {error for error in escaping if not issubclass(error, caught or Exception)}
            found |= {error for statement in handler.body for error in self.visit(statement)}
        others = (*node.orelse, *node.finalbody)
        return found | escaping | {error for statement in others for error in self.visit(statement)}

    def values(self, node: ast.AST | None) -> list[Any]:
        """What an expression may be: a module, class or function, Instance(cls), or
        (cls, member) for a member of a class."""
        if isinstance(node, ast.Name):
            if node.id in self.locals:
                return [Instance(cls) for cls in self.locals[node.id]]
            return [self.names[node.id]] if node.id in self.names else []
        if isinstance(node, ast.Tuple):
            return [value for element in node.elts for value in self.values(element)]
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "super" and self.owner is not None:
                return [Instance(self.owner.__mro__[1])]
            answers = []
            for value in self.values(node.func):
                if isinstance(value, type):
                    answers.append(Instance(value))
                else:
                    func = value[1] if isinstance(value, tuple) else value
                    answers += [
                        Instance(cls) for cls in _named(_hints(getattr(func, "__func__", func)).get("return"))
                    ]
            return answers
        if isinstance(node, ast.Attribute):
            bases = self.values(node.value)
            if not bases:
                return self.raised.named(node.attr)
            found: list[Any] = []
            for base in bases:
                if isinstance(base, Instance):
                    members = self.raised.members(base.cls, node.attr)
                    found += members or [Instance(cls) for cls in _named(_hints(base.cls).get(node.attr))]
                elif isinstance(base, type):
                    member = inspect.getattr_static(base, node.attr, None)
                    found += (
                        [] if member is None else [member if isinstance(member, type) else (base, member)]
                    )
                elif isinstance(base, types.ModuleType) and hasattr(base, node.attr):
                    found.append(getattr(base, node.attr))
            return found
        return []


@cache
def reading(service: str) -> Raised:
    return Raised(service)


def raised_by(route: ServiceRoute) -> set[type[DomainError]]:
    operation_id = route.operation["operationId"]
    found = reading(route.service).of(route.route.func)
    return {error for error in found if (operation_id, error) not in NEVER_RAISED}


def _constants(func: types.FunctionType) -> set[str]:
    return {
        str(node.value)
        for statement in _body(func)
        for node in ast.walk(statement)
        if isinstance(node, ast.Constant) and node.value in HEADERS
    }


def written_headers(func: Any) -> set[str]:
    """The headers a route's own code (its module's functions) sets on its success."""
    found: set[str] = set()
    todo, seen = [func], set()
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            found |= _constants(current)
            todo += [
                value
                for node in ast.walk(ast.Module(body=_body(current), type_ignores=[]))
                if isinstance(node, ast.Name)
                and isinstance(value := current.__globals__.get(node.id), types.FunctionType)
                and value.__module__ == func.__module__
            ]
    return found


def carried_headers(error: type[DomainError]) -> set[str]:
    return {
        str(node.value)
        for cls in error.__mro__
        if _ours(cls)
        for node in ast.walk(ast.parse(inspect.getsource(cls)))
        if isinstance(node, ast.Constant) and node.value in HEADERS
    }


def ids(route: ServiceRoute) -> str:
    return str(route.operation["operationId"])


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_every_domain_error_a_route_can_raise_has_its_status_documented(route: ServiceRoute) -> None:
    responses = route.operation["responses"]
    undocumented = sorted(
        f"{error.__name__} ({status(error)})" for error in raised_by(route) if status(error) not in responses
    )
    assert not undocumented, f"declare these in the route's responses=: {undocumented}"


@pytest.mark.parametrize(("operation_id", "error"), list(NEVER_RAISED))
def test_what_is_never_raised_is_still_found_and_undocumented(
    operation_id: str, error: type[DomainError]
) -> None:
    """Else its entry says nothing any more: remove it."""
    (route,) = [route for route in ROUTES if route.operation["operationId"] == operation_id]
    assert error in reading(route.service).of(route.route.func)
    assert status(error) not in route.operation["responses"]


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_each_status_lists_exactly_the_headers_the_code_sets(route: ServiceRoute) -> None:
    expected: dict[str, set[str]] = {route.success: written_headers(route.route.func)}
    for error in raised_by(route):
        expected.setdefault(status(error), set()).update(carried_headers(error))
    for status_code, names in (
        *PLATFORM_HEADERS.items(),
        *(AUTHORIZER_HEADERS.items() if route.auth != "public" else ()),
    ):
        expected.setdefault(status_code, set()).update(names)
    for status_code, response in route.operation["responses"].items():
        assert set(response["headers"]) - {"X-Request-Id"} == expected.get(status_code, set()), status_code


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_what_the_platform_answers_a_body_before_the_route_runs_is_documented(route: ServiceRoute) -> None:
    """Any request may carry a body, whatever its method: one too large or not JSON the function
    refuses before any route runs, with the X-Request-Id every answer has."""
    handler = importlib.import_module(route.route.func.__module__).handler
    path = route.route.openapi_path.replace("{", "").replace("}", "")
    admin = {"sub": "someone", "cognito:groups": ["admin"]}
    probes = [(413, "x" * (MAX_BODY_BYTES + 1), "application/json"), (415, "x", "text/plain")]
    for expected, body, content_type in probes:
        answer = handler(
            api_request(route.route.method, path, body, admin, {"content-type": content_type}), None
        )
        assert answer["statusCode"] == expected
        assert str(expected) in route.operation["responses"]
        assert answer["headers"]["X-Request-Id"]


def test_the_reading_finds_what_a_route_raises_through_a_port_and_a_retry() -> None:
    """The cart's DELETE routes retry a lost race three times, then answer 409 (CartChanged)."""
    (empty_cart,) = [route for route in ROUTES if route.route.func is cart_http.delete_cart]
    assert {error.__name__ for error in raised_by(empty_cart)} == {"CartChanged", "NotAuthenticated"}
