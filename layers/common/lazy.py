"""Capabilities load when first used, so a function's cold start does not grow with the number of capabilities.

Three mechanisms, each plain Python:

- ``exports(__name__, {"name": "module"})`` is a capability ``__init__``'s module ``__getattr__`` (PEP 562): the
  package imports nothing; ``booking.mark_paid`` imports ``functions.booking.moves`` the first time it is read.
  So ``from functions import payments`` costs nothing until a payments function is called.
- ``LazyApp.add_routes(manifest.ROUTES)`` puts each route of a capability's ``manifest.py`` (method, path, the
  handler's dotted name) in Chalice's route table — what API Gateway, the packaging and the OpenAPI document
  read — with a stand-in view. The first call imports the handler's module: its ``common.api.route`` decorator
  records the route's ``RouteSpec`` (models, auth, status) in ``common.api.ROUTES``, and the stand-in serves the
  call exactly as ``route`` does (``common.api.handle``). ``ROUTES`` looked up for a route not loaded yet loads it.
- ``LazyApp.add_functions(manifest.FUNCTIONS)``: the modules declaring a capability's tasks, consumers and jobs
  (Chalice ``lambda_function``/``on_sqs_message``/``schedule`` blueprints named ``bp``) are imported when the app's
  ``pure_lambda_functions``, ``event_sources`` or an unknown ``handler_map`` entry is first read — by ``chalice
  package``, the local stack, the tests. Serving HTTP never reads them, so the API function never imports a task
  module; each deployed task, consumer and job runs its own module's handler (``functions.booking.tasks.route``),
  which logs with its Lambda context as the app's middleware would (their blueprint is a ``Functions``).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from chalice import Blueprint, Chalice

Route = tuple[str, str, str]  # (method, path, "functions.<capability>.<module>.<handler>")

_lock = threading.RLock()


def load(dotted: str) -> Any:
    """``"package.module.attr"`` → the attribute, importing its module."""
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def exports(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``(__getattr__, __dir__)`` that import each public name's module on first access; a module
    written ``"module:attr"`` exports its ``attr`` under the public name."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = module.partition(":")
        value = getattr(importlib.import_module(module), attr or name)
        namespace[name] = value  # later reads are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__


class Functions(Blueprint):
    """The blueprint of a module of tasks, consumers and jobs. Deployed, each of its handlers runs with only its
    module imported, never the app, so the app's middleware cannot reach it: this blueprint brings the
    Lambda-context logging (``common.log.lambda_logging``) itself. Registered on the app (the local stack, the
    tests), the app's middleware replaces it, so it runs once."""

    def _get_middleware_handlers(self, event_type: str) -> list[Any]:
        from common.log import lambda_logging

        return [lambda_logging]


# (path, method) → the dotted handler a manifest declared, and the app that declared it (LazyApp.add_routes).
DECLARED: dict[tuple[str, str], str] = {}
_OWNER: dict[tuple[str, str], Chalice] = {}
_LOADED: dict[tuple[str, str], Any] = {}  # the specs resolved so far: later calls read this, without the lock


def load_route(path: str, method: str) -> Any:
    """Import the module declaring ``method path``; its ``RouteSpec`` (or ``None`` if no manifest names it)."""
    from common.api import ROUTES

    spec = _LOADED.get((path, method))
    if spec is not None:
        return spec
    dotted = DECLARED.get((path, method))
    if dotted is None:
        return None
    with _lock:
        module = dotted.rpartition(".")[0]
        for value in vars(importlib.import_module(module)).values():
            # its blueprint answers ``bp.current_request``/``bp.current_app`` as if it had been registered
            if isinstance(value, Blueprint) and value._current_app is None:
                value._current_app = _OWNER[(path, method)]
        spec = dict.get(ROUTES, (path, method))
        if spec is None or f"{spec.handler.__module__}.{spec.handler.__name__}" != dotted:
            raise LookupError(
                f"{method} {path}: the manifest names {dotted}, but {module} declares "
                f"{'no such route' if spec is None else spec.handler.__module__ + '.' + spec.handler.__name__}"
            )
        _LOADED[(path, method)] = spec
        return spec


def load_all_routes() -> None:
    """Import every declared route's module (the OpenAPI document, checks)."""
    for path, method in list(DECLARED):
        load_route(path, method)


class _Handlers(dict):
    """Chalice's ``handler_map``: a name not registered yet loads the app's function modules first."""

    def __init__(self, app: LazyApp) -> None:
        super().__init__()
        self._app = app

    def __missing__(self, name: str) -> Any:
        if self._app.load_functions():
            return self[name]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or (self._app.load_functions() and super().__contains__(name))


class LazyApp(Chalice):
    """A Chalice app whose routes come from manifests and whose non-HTTP handlers load on first read."""

    def __init__(self, app_name: str, **kwargs: Any) -> None:
        self._function_modules: list[str] = []
        self._functions_loaded = False
        super().__init__(app_name, **kwargs)
        self.handler_map = _Handlers(self)

    def add_routes(self, routes: Iterable[Route]) -> None:
        """Register each ``(method, path, handler)``; the handler's module is imported on the first call."""
        from common.api import CONTENT_TYPES, handle

        def stand_in(path: str, method: str, dotted: str) -> Callable[..., Any]:
            def view(**params: str) -> Any:
                return handle(load_route(path, method), self.current_request, params)

            view.__name__ = dotted.rpartition(".")[2]
            return view

        for method, path, dotted in routes:
            DECLARED[(path, method)] = dotted
            _OWNER[(path, method)] = self
            _LOADED.pop((path, method), None)
            self.route(path, methods=[method], content_types=CONTENT_TYPES)(stand_in(path, method, dotted))

    def add_functions(self, modules: Iterable[str]) -> None:
        """Modules whose blueprint ``bp`` declares tasks, consumers or jobs; registered when first looked for."""
        self._function_modules.extend(modules)

    def load_functions(self) -> bool:
        """Register the function modules not registered yet; whether any was."""
        with _lock:
            if self._functions_loaded:
                return False
            self._functions_loaded = True
            for module in self._function_modules:
                self.register_blueprint(importlib.import_module(module).bp)
            return bool(self._function_modules)

    # What `chalice package`, the local stack and the tests read; never read when serving HTTP.
    @property
    def pure_lambda_functions(self) -> list[Any]:
        self.load_functions()
        return self.__dict__["_pure_lambda_functions"]

    @pure_lambda_functions.setter
    def pure_lambda_functions(self, value: list[Any]) -> None:
        self.__dict__["_pure_lambda_functions"] = value

    @property
    def event_sources(self) -> list[Any]:
        self.load_functions()
        return self.__dict__["_event_sources"]

    @event_sources.setter
    def event_sources(self, value: list[Any]) -> None:
        self.__dict__["_event_sources"] = value
