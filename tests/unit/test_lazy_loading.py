"""Cold starts that do not grow with the product: what a fresh interpreter imports for the API function and for a
task, and that the route table and the OpenAPI document stay complete although capabilities load lazily.

Each check runs in a fresh interpreter (this test process has long imported everything)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CAPABILITIES = sorted(p.parent.name for p in (ROOT / "functions").glob("*/manifest.py"))
LOADED = """
import json, sys
def loaded():
    return sorted(m for m in sys.modules if m.startswith("functions.") and m.count(".") >= 2)
def heavy():
    return sorted({m.split(".")[0] for m in sys.modules} & {"cryptography", "jwt", "pynamodb", "boto3", "requests"}
                  | {m for m in sys.modules if m.startswith(("aws_lambda_powertools.utilities.idempotency",
                                                            "aws_lambda_powertools.utilities.batch"))})
"""


def fresh(code: str) -> Any:
    """Run ``code`` in a fresh interpreter on the project's path; what it printed last, as JSON."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "layers")])}
    out = subprocess.run(
        [sys.executable, "-c", LOADED + textwrap.dedent(code)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_api_function_starts_without_importing_any_capability_or_its_heavy_dependencies() -> None:
    result = fresh("""
        import app
        print(json.dumps({"loaded": loaded(), "heavy": heavy(), "routes": sum(map(len, app.app.routes.values()))}))
    """)
    assert [m for m in result["loaded"] if not m.endswith(".manifest")] == []
    assert result["heavy"] == []
    assert result["routes"] > 60  # the whole route table is there for API Gateway


def test_a_route_loads_only_its_own_capability_and_what_it_calls() -> None:
    result = fresh("""
        from chalice.test import Client
        import app
        with Client(app.app) as client:
            status = client.http.get("/v1/me/notifications").status_code  # no token: 401, after loading
        print(json.dumps({"status": status, "capabilities": sorted({m.split(".")[1] for m in loaded()
                                                                    if not m.endswith(".manifest")})}))
    """)
    assert result["status"] == 401
    assert result["capabilities"] == ["notifications"]


@pytest.mark.parametrize(
    "handler", ["functions.booking.tasks", "functions.payments.tasks", "functions.notifications.tasks"]
)
def test_a_task_consumer_or_job_module_imports_only_its_own_capability(handler: str) -> None:
    result = fresh(f"""
        import {handler}
        print(json.dumps(loaded()))
    """)
    own = handler.split(".")[1]
    assert result and all(m.split(".")[1] == own for m in result), result


def test_every_declared_route_is_served_by_the_handler_its_manifest_names() -> None:
    """A manifest and the ``route`` decorators cannot drift apart: loading every route checks each name, and no
    decorated route is missing from the manifests."""
    result = fresh("""
        import app
        from common.api import ROUTES
        from common.lazy import DECLARED, load_all_routes
        load_all_routes()
        print(json.dumps({"declared": sorted(map(list, DECLARED)), "decorated": sorted(map(list, ROUTES))}))
    """)
    declared = {tuple(k) for k in result["declared"]}
    decorated = {tuple(k) for k in result["decorated"]}
    assert declared == decorated


def test_the_openapi_document_lists_every_route_when_asked_first() -> None:
    result = fresh("""
        from chalice.test import Client
        import app
        with Client(app.app) as client:
            doc = json.loads(client.http.get("/v1/openapi.json").body)
        table = sorted([p, m.lower()] for p, methods in app.app.routes.items() for m in methods)
        listed = sorted([p, m] for p, ops in doc["paths"].items() for m in ops)
        print(json.dumps({"table": table, "listed": listed}))
    """)
    assert result["listed"] == result["table"]
    assert {p.split("/")[2] for p, _ in result["listed"]} >= {"orders", "categories", "worker", "admin", "me"}


def test_a_manifest_naming_a_handler_its_module_does_not_declare_fails_clearly() -> None:
    result = fresh("""
        from common.lazy import LazyApp, load_route
        bad = LazyApp("bad")
        bad.add_routes([("GET", "/v1/categories", "functions.catalog.api.no_such_handler")])
        try:
            load_route("/v1/categories", "GET")  # what the route's first call does
        except LookupError as exc:
            print(json.dumps(str(exc)))
    """)
    assert "functions.catalog.api.no_such_handler" in result and "list_categories" in result


def test_an_extension_in_the_composition_root_is_loaded_before_the_quote_pipeline_runs(
    tmp_path: Path,
) -> None:
    (tmp_path / "half_off.py").write_text(
        textwrap.dedent("""
            from functions import booking
            from functions.booking.pricing import NoDiscount

            class HalfOff(NoDiscount):
                def discount(self, ctx, payable_fen):
                    return payable_fen // 2

            booking.register_discount_step(HalfOff("member_discount_fen"))
        """)
    )
    result = fresh(f"""
        import sys
        from datetime import datetime, UTC
        sys.path.insert(0, {str(tmp_path)!r})
        import functions
        functions.EXTENSIONS["booking.quote"] = ("half_off",)
        from functions.booking import pricing
        assert "half_off" not in sys.modules
        now = datetime(2026, 1, 1, tzinfo=UTC)
        ctx = pricing.PricingContext("c1", "s1", "k1", 10000, 2, now, None, None, now)
        print(json.dumps(pricing.quote(ctx).model_dump()))
    """)
    assert result["subtotal_fen"] == 20000
    assert result["member_discount_fen"] == 10000 and result["total_fen"] == 10000


def test_a_task_deployed_alone_logs_with_its_lambda_context() -> None:
    result = fresh("""
        import sys
        from common.lazy import Functions
        from common.log import logger

        bp = Functions("job")

        @bp.lambda_function(name="job")
        def job(event, context):
            logger.warning("inside the job")

        class Context:
            function_name = "jiazheng-dev-job"
            memory_limit_in_mb = 256
            invoked_function_arn = "arn:aws:lambda:cn-north-1:1:function:jiazheng-dev-job"
            aws_request_id = "req-7"

        assert "app" not in sys.modules
        job({}, Context())  # the log line is the last line printed
    """)
    assert result["message"] == "inside the job"
    assert result["function_request_id"] == "req-7" and result["function_name"] == "jiazheng-dev-job"


def test_every_function_module_and_the_relay_use_the_blueprint_that_brings_the_logging() -> None:
    import importlib

    from common.lazy import Functions

    from app import app

    modules = app._function_modules
    assert "common.relay" in modules
    for capability in CAPABILITIES:
        assert set(importlib.import_module(f"functions.{capability}.manifest").FUNCTIONS) <= set(modules)
    assert [m for m in modules if not isinstance(importlib.import_module(m).bp, Functions)] == []


def test_every_extension_module_is_listed_in_the_composition_root() -> None:
    import functions

    listed = {m for modules in functions.EXTENSIONS.values() for m in modules}
    on_disk = {f"functions.{p.parent.name}.extensions" for p in (ROOT / "functions").glob("*/extensions.py")}
    assert on_disk <= listed, "list each extension module under the point it extends"
