"""The operators' console (``console/``, built into ``console/dist``) served at ``/admin/``, same origin as the API.

A static single-page app: a file that exists is sent with its content type; any other path under ``/admin/`` is
the app's own route (``/admin/orders``), so it gets ``index.html`` (history fallback) and the app routes it.
Hashed assets are cached for a year, ``index.html`` never (a new build is seen at the next load).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
PREFIX = "/admin"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".ico": "image/x-icon",
    ".png": "image/png",
}
_MISSING = (
    "<!doctype html><meta charset=utf-8><title>管理后台未构建</title>"
    "<p>The console is not built: run <code>make run</code> (it builds it when missing) "
    "or <code>.venv/bin/python -m infra.console build</code>.</p>"
)


def is_console_path(path: str) -> bool:
    """Whether a request path belongs to the console rather than the API."""
    bare = path.split("?", 1)[0]
    return bare == PREFIX or bare.startswith(PREFIX + "/")


def _response(status: int, content_type: str, body: bytes, cache: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": content_type,
            "Cache-Control": cache,
            "X-Content-Type-Options": "nosniff",
        },
        "multiValueHeaders": {},
        "body": body,
    }


def respond(method: str, path: str, dist: Path = DIST) -> dict[str, Any]:
    """The gateway response for a console path: the file, ``index.html`` for the app's own routes, a redirect
    from ``/admin`` to ``/admin/``, 405 for anything but GET and HEAD."""
    bare = path.split("?", 1)[0]
    if method not in ("GET", "HEAD"):
        return _response(405, "text/plain; charset=utf-8", b"method not allowed", "no-store")
    if bare == PREFIX:
        moved = _response(308, "text/plain; charset=utf-8", b"", "no-store")
        moved["headers"]["Location"] = PREFIX + "/"
        return moved
    index = dist / "index.html"
    if not index.exists():
        return _response(503, "text/html; charset=utf-8", _MISSING.encode(), "no-store")
    relative = bare[len(PREFIX) + 1 :]
    candidate = (dist / relative).resolve() if relative else index
    if relative and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
        suffix = candidate.suffix.lower()
        content_type = (
            _TYPES.get(suffix) or mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        )
        cache = "public, max-age=31536000, immutable" if relative.startswith("assets/") else "no-cache"
        body = candidate.read_bytes()
    elif relative.startswith("assets/"):  # a missing asset is a 404, never the page in its place
        return _response(404, "text/plain; charset=utf-8", b"not found", "no-store")
    else:
        content_type, cache, body = _TYPES[".html"], "no-cache", index.read_bytes()
    return _response(200, content_type, b"" if method == "HEAD" else body, cache)
