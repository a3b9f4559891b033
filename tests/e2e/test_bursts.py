"""The local stack under bursts: many clients connecting at the same instant are all answered (the listen backlog
is sized for the races the tests and a demo run), and any HTTP method gets an answer in the contract's format."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import threading
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import StackClient

pytestmark = pytest.mark.e2e

BURST = 64


def _request(
    base_url: str, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One request on its own new connection (a burst of new connections is what overflows a small backlog)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_64_way_burst_of_new_connections_is_answered_without_a_reset(stack: StackClient) -> None:
    token = stack.login("e2e_burst_customer")
    start = threading.Barrier(BURST)
    results: list[tuple[int, bytes] | BaseException] = [b""] * BURST  # type: ignore[list-item]

    def client(i: int) -> None:
        path, headers = ("/v1/me", {"Authorization": f"Bearer {token}"}) if i % 2 else ("/v1/categories", {})
        start.wait()
        try:
            results[i] = _request(stack.base_url, "GET", path, headers)
        except BaseException as exc:  # a reset or refused connection is the failure this test looks for
            results[i] = exc

    threads = [threading.Thread(target=client, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, f"{len(errors)} of {BURST} connections failed: {errors[:3]}"
    assert sorted({status for status, _ in results}) == [200]  # type: ignore[misc]


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2) to read the listen backlog")
def test_the_http_socket_queues_at_least_a_bursts_worth_of_connections(stack: StackClient) -> None:
    """Linux retries a dropped handshake after a second, so a short backlog shows as stalls (and, under load,
    resets) rather than failing every time: the queue length itself is what a burst needs."""
    port = urlsplit(stack.base_url).port
    listing = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True)
    backlog = int(listing.stdout.split()[2])  # State Recv-Q Send-Q …: a listener's Send-Q is its backlog
    assert backlog >= BURST


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND"])
def test_a_method_the_route_does_not_declare_gets_the_contracts_405(stack: StackClient, method: str) -> None:
    status, body = _request(stack.base_url, method, "/v1/categories")
    assert status == 405
    error = json.loads(body)["error"]
    assert error["code"] == "METHOD_NOT_ALLOWED" and error["message"]
