"""The local stack serves the built console at /admin/: files with their content types, the app's own routes as
index.html (history fallback), a missing asset as 404 (never the page in its place), nothing outside dist."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local.console import is_console_path, respond


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("<div id=app></div>")
    (tmp_path / "dist" / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "dist" / "assets" / "index-abc.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("not served")
    return tmp_path / "dist"


def test_only_admin_paths_belong_to_the_console() -> None:
    assert is_console_path("/admin") and is_console_path("/admin/orders?x=1")
    assert not is_console_path("/administrator") and not is_console_path("/v1/admin/orders")


def test_assets_are_sent_with_their_content_type_and_cached_for_good(dist: Path) -> None:
    script = respond("GET", "/admin/assets/index-abc.js", dist)
    style = respond("GET", "/admin/assets/index-abc.css", dist)
    assert script["statusCode"] == 200 and script["body"] == b"console.log(1)"
    assert script["headers"]["Content-Type"] == "text/javascript; charset=utf-8"
    assert style["headers"]["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in script["headers"]["Cache-Control"]


def test_the_apps_own_routes_get_index_html_never_cached(dist: Path) -> None:
    for path in ("/admin/", "/admin/orders", "/admin/workers?status=pending"):
        page = respond("GET", path, dist)
        assert page["statusCode"] == 200 and page["body"] == b"<div id=app></div>", path
        assert page["headers"]["Content-Type"] == "text/html; charset=utf-8"
        assert page["headers"]["Cache-Control"] == "no-cache"


def test_admin_without_its_slash_is_redirected(dist: Path) -> None:
    moved = respond("GET", "/admin", dist)
    assert moved["statusCode"] == 308 and moved["headers"]["Location"] == "/admin/"


def test_a_missing_asset_is_404_and_nothing_outside_dist_is_served(dist: Path) -> None:
    assert respond("GET", "/admin/assets/gone-123.js", dist)["statusCode"] == 404
    escaped = respond("GET", "/admin/../secret.txt", dist)
    assert escaped["body"] != b"not served"


def test_only_get_and_head_and_head_has_no_body(dist: Path) -> None:
    assert respond("POST", "/admin/", dist)["statusCode"] == 405
    head = respond("HEAD", "/admin/assets/index-abc.js", dist)
    assert head["statusCode"] == 200 and head["body"] == b""


def test_an_unbuilt_console_says_how_to_build_it(tmp_path: Path) -> None:
    missing = respond("GET", "/admin/", tmp_path / "nothing")
    assert missing["statusCode"] == 503 and b"make run" in missing["body"]
