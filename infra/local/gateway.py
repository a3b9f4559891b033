"""HTTP: the Chalice app on 127.0.0.1, threaded, answering in the contract's error format.

Chalice's local gateway mimics API Gateway's quirks: an unknown route answers 403 "Missing Authentication Token",
and Chalice's own refusals (405, 415, a crash) answer ``{"Code", "Message"}``. Clients are written against API.md,
so here an unknown route is 404 ``{"error": {"code": "NOT_FOUND", ...}}`` and every other refusal is put in the
same ``{"error": {"code", "message"}}`` shape.

The socket is bound first (``Listener``), before the app is imported, so a taken port fails at once and ``--port 0``
knows its port before the settings (``PUBLIC_BASE_URL``) are read.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalGateway,
    RouteMatcher,
    ThreadedHTTPServer,
)

from infra.local import console

HOST = "127.0.0.1"


def contract_error(status: int, code: str, message: str) -> dict[str, Any]:
    """A gateway response (the dict Chalice's app returns) carrying the contract's error body."""
    body = json.dumps(
        {"error": {"code": code, "message": message}}, ensure_ascii=False, separators=(",", ":")
    )
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "multiValueHeaders": {},
        "body": body,
    }


def _code_for(chalice_code: str) -> str:
    # "MethodNotAllowedError" → "METHOD_NOT_ALLOWED", "UnsupportedMediaType" → "UNSUPPORTED_MEDIA_TYPE"
    words = re.sub(r"Error$", "", chalice_code)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", words).upper() or "ERROR"


class ContractGateway(LocalGateway):
    """Chalice's local gateway, answering unknown routes and Chalice's own errors in the contract's format."""

    def __init__(self, app_object: Chalice, config: Config) -> None:
        super().__init__(app_object, config)
        self._routes = RouteMatcher(list(app_object.routes))

    def handle_request(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        if console.is_console_path(path):
            return console.respond(method, path)
        try:
            self._routes.match_route(path)
        except ValueError:
            return contract_error(404, "NOT_FOUND", f"no such route: {method} {path.split('?', 1)[0]}")
        try:
            response = super().handle_request(method, path, headers, body)
        except Exception:  # a bug, not bad input; never an HTML page or a bare 500
            return contract_error(500, "INTERNAL", "internal error")
        return _in_contract_format(response)


def _in_contract_format(response: dict[str, Any]) -> dict[str, Any]:
    if response.get("statusCode", 200) < 400 or not response.get("body"):
        return response
    try:
        body = json.loads(response["body"])
    except (TypeError, ValueError):
        return response
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        converted = contract_error(response["statusCode"], _code_for(str(body["Code"])), str(body["Message"]))
        converted["headers"] = {**response.get("headers", {}), **converted["headers"]}
        return converted
    return response


class _Handler(ChaliceRequestHandler):
    """Every method goes to the gateway: one the route does not declare (TRACE, CONNECT, anything) gets the
    contract's 405 JSON, as a declared one would, never the standard library's 501 HTML page."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config):
        self.local_gateway = ContractGateway(app_object, config)
        # Skip ChaliceRequestHandler.__init__ (it would build its own gateway); handle the request now.
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def log_message(self, format: str, *args: Any) -> None:  # one short line per request, on stderr
        return super().log_message(format, *args) if self.server.verbose else None


class _Server(ThreadedHTTPServer):
    # The standard library listens with a backlog of 5: a burst of parallel clients (the booking races, a demo)
    # then sees connection resets. A thread answers each accepted connection, so a deep queue costs nothing.
    request_queue_size = 256
    daemon_threads = True
    verbose = False
    app: Chalice | None = None
    config: Config | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        assert self.app is not None and self.config is not None, "serve(app) first"
        _Handler(request, client_address, self, app_object=self.app, config=self.config)


class Listener:
    """A bound HTTP socket on 127.0.0.1; ``serve(app)`` starts answering with the app on a daemon thread."""

    def __init__(self, port: int, verbose: bool = False) -> None:
        self.server = _Server((HOST, port), None, bind_and_activate=True)  # type: ignore[arg-type]
        self.server.verbose = verbose
        self.port: int = self.server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def serve(self, app: Chalice) -> None:
        # As `chalice local` does: make the app's current_request thread-local, so threads don't share it.
        if not isinstance(app, LocalChalice):
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
            app.__class__ = CustomLocalChalice
        self.server.app = app
        self.server.config = Config.create(chalice_stage="local", lambda_timeout=900, lambda_memory_size=256)
        self._thread = threading.Thread(target=self.server.serve_forever, name="http", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()
