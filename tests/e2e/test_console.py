"""The operators' console in a real browser (Playwright driving Debian's headless Chromium) against a local stack:
an admin logs in and sees the dashboard's charts, verifies a pending applicant (certificate photo shown) and
reassigns an order; finance approves a withdrawal; a dispatcher's menu has no finance and /admin/finance is not
routed for them. The console is built first (``python -m infra.console build --typecheck``: the generated API
types, vue-tsc, vite), so this also proves the screens type-check against the API's own document.

The data a person would find on a working day is made over HTTP here, as the apps make it; the browser suite
(``console/e2e/console.spec.ts``) gets the ids by environment. Screenshots: ``console/test-results/screenshots``.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests

from infra.console import CONSOLE, build
from tests.e2e.conftest import OPERATOR_PASSWORD, StackClient, start_stack, stop_stack
from tests.e2e.test_booking_journey import (
    ALL_WEEK,
    LAT,
    LNG,
    SERVICE,
    SH,
    business_now,
    customer_with_address,
    eventually,
    half_hour_after,
    order_of,
    pay,
)

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = CONSOLE / "test-results" / "screenshots"
BROWSER_LIMIT_S = 300


@pytest.fixture(scope="module")
def console_stack() -> Iterator[StackClient]:
    """The console built from the current sources, and a stack of its own whose dispute window is a second (so
    an order settles and its worker can ask for a withdrawal within the test)."""
    if shutil.which("npm") is None:
        pytest.skip("the console needs Node.js and npm")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium (tools/chromium.sh)")
    # The stack first (it reads console/dist per request), so its start does not compete with the build.
    # A two-hour clean earns less than the deployed minimum withdrawal: the local one is a yuan.
    client = start_stack(
        {
            "DISPUTE_WINDOW_SECONDS": "1",
            "DISPUTE_RECHECK_SECONDS": "1",
            "AUTO_CONFIRM_SECONDS": "1",
            "WITHDRAWAL_MIN_FEN": "100",
        }
    )
    began = time.monotonic()
    try:
        build(typecheck=True)
    except BaseException:
        stop_stack(client)
        raise
    print(f"console built and type-checked in {time.monotonic() - began:.1f}s")
    yield client
    stop_stack(client)


def _png(width: int = 160, height: int = 100) -> bytes:
    """A small solid PNG: the certificate scan an applicant uploads."""
    row = b"\x00" + bytes((66, 133, 244)) * width
    chunk = lambda kind, data: (  # noqa: E731
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _worker(stack: StackClient, code: str, name: str, *, verified: bool, certificate: str) -> tuple[str, str]:
    login = stack.post("/v1/auth/wechat", {"code": f"dev:{code}", "role": "worker"}).body
    token, worker_id = login["token"], login["user"]["id"]
    upload = stack.post("/v1/worker/media", {"kind": "certificate", "content_type": "image/png"}, token=token)
    assert upload.status == 200, upload.body
    put = requests.put(
        upload.body["upload_url"], data=_png(), headers={"Content-Type": "image/png"}, timeout=10
    )
    assert put.status_code == 200, put.text
    profile = {
        "name": name,
        "gender": "female",
        "birth_year": 1978,
        "hometown": "安徽安庆",
        "experience_years": 8,
        "skills": [SERVICE],
        "certificates": [
            {
                "type": "家政服务员证",
                "number": certificate,
                "expires_on": "2032-01-01",
                "media_url": upload.body["url"],
            }
        ],
        "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
        "bio": "细心守时。",
        "photos": [],
        "videos": [],
        "home": {"lat": LAT, "lng": LNG},
        "service_radius_km": 5,
    }
    assert stack.call("PUT", "/v1/worker/profile", profile, token=token).status == 200
    assert stack.call("PUT", "/v1/worker/availability", {"weekly": ALL_WEEK}, token=token).status == 200
    if verified:
        reply = stack.post(
            f"/v1/admin/workers/{worker_id}/verify", {"approved": True}, token=stack.operator_token()
        )
        assert reply.status == 200, reply.body
    return token, worker_id


def _paid_order(stack: StackClient, customer: str, address_id: str, worker_id: str, hours: float) -> str:
    start = half_hour_after(business_now(stack), hours)
    body = {"service_id": SERVICE, "start": start.isoformat(), "units": 2, "address_id": address_id}
    booked = stack.post("/v1/orders", {**body, "worker_id": worker_id}, token=customer)
    assert booked.status == 201, booked.body
    order_id = booked.body["id"]
    pay(stack, order_id, customer)
    eventually(lambda: order_of(stack, order_id, customer)["status"] == "pending_acceptance", "payment")
    return order_id


def _settled_and_withdrawing(stack: StackClient, worker: str, order_id: str) -> None:
    """The worker carries the order out, it settles after the dispute window, and the worker withdraws it all."""
    assert stack.post(f"/v1/worker/orders/{order_id}/accept", token=worker).status == 200
    start = datetime.fromisoformat(stack.get(f"/v1/worker/orders/{order_id}", token=worker).body["start"])
    stack.post(
        "/v1/dev/clock", {"advance_minutes": int((start - business_now(stack)).total_seconds() // 60) - 30}
    )
    try:
        worker = stack.login("console_wang", "worker")  # hours later by the business clock: a fresh token
        assert stack.post(f"/v1/worker/orders/{order_id}/start", token=worker).status == 200
        assert stack.post(f"/v1/worker/orders/{order_id}/complete", token=worker).status == 200
        eventually(
            lambda: stack.get("/v1/worker/earnings", token=worker).body["balance_fen"] > 0, "settlement"
        )
    finally:
        stack.post("/v1/dev/clock", {"now": datetime.now(SH).isoformat()})
    worker = stack.login("console_wang", "worker")
    balance = stack.get("/v1/worker/earnings", token=worker).body["balance_fen"]
    asked = stack.post("/v1/worker/withdrawals", {"amount_fen": balance}, token=worker)
    assert asked.status == 201, asked.body


@pytest.fixture(scope="module")
def working_day(console_stack: StackClient) -> dict[str, str]:
    stack = console_stack
    wang_token, wang = _worker(stack, "console_wang", "王阿姨", verified=True, certificate="CONSOLE-WANG-1")
    _, li = _worker(stack, "console_li", "李阿姨", verified=True, certificate="CONSOLE-LI-1")
    _worker(stack, "console_chen", "陈阿姨", verified=False, certificate="CONSOLE-CHEN-1")
    customer, address_id = customer_with_address(stack, "console_zhao")
    to_reassign = _paid_order(stack, customer, address_id, wang, hours=8)
    to_settle = _paid_order(stack, customer, address_id, wang, hours=3)
    _settled_and_withdrawing(stack, wang_token, to_settle)
    return {
        "CONSOLE_URL": stack.base_url,
        "OPERATOR_PASSWORD": OPERATOR_PASSWORD,
        "PENDING_WORKER_NAME": "陈阿姨",
        "PENDING_CERTIFICATE": "CONSOLE-CHEN-1",
        "ORDER_ID": to_reassign,
        "ORDER_DATE": order_of(stack, to_reassign, customer)["start"][:10],  # the board opens on today's
        "ORDER_WORKER_NAME": "王阿姨",
        "NEW_WORKER_ID": li,
        "NEW_WORKER_NAME": "李阿姨",
        "WITHDRAWAL_WORKER_ID": wang,
    }


def test_operators_run_the_day_from_the_console_in_a_browser(
    console_stack: StackClient, working_day: dict[str, str]
) -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    env = {**os.environ, **working_day, "CHROMIUM": CHROMIUM, "NO_UPDATE_NOTIFIER": "1", "CI": "1"}
    began = time.monotonic()
    run = subprocess.run(
        ["npx", "--no-install", "playwright", "test"],
        cwd=CONSOLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=BROWSER_LIMIT_S,
    )
    print(f"browser suite: {time.monotonic() - began:.1f}s\n{run.stdout}")

    assert run.returncode == 0, run.stdout + run.stderr + console_stack.log()[-4000:]
    assert sorted(p.name for p in SCREENSHOTS.glob("*.png")) == [
        "01-dashboard.png",
        "02-worker-application.png",
        "03-order-reassigned.png",
        "04-finance.png",
        "05-dispatcher-menu.png",
    ]
    page = requests.get(f"{console_stack.base_url}/admin/orders", timeout=10)  # a route of the app: the page
    assert page.headers["Content-Type"] == "text/html; charset=utf-8" and 'id="app"' in page.text
    script = next(iter(sorted((CONSOLE / "dist" / "assets").glob("index-*.js"))))
    served = requests.get(f"{console_stack.base_url}/admin/assets/{script.name}", timeout=10)
    assert served.headers["Content-Type"] == "text/javascript; charset=utf-8"
    reassigned = console_stack.get(
        f"/v1/admin/orders/{working_day['ORDER_ID']}", token=console_stack.operator_token()
    )
    assert reassigned.body["worker"]["id"] == working_day["NEW_WORKER_ID"]
