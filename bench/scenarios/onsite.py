"""On-site service over tables of 100 and 10,000 orders (issue 17): the customer's confirmation and the operators'
exception queue.

The orders are those of the orders scenario (the bench customer's 20 among them, four completed); every accepted
order (a fifth of the table) has an open exception, so the queue holds 20 or 2,000. Confirming is one consistent
read and one transaction (the order's move and its event), the same at both sizes (the first call confirms, the
rest answer the confirmed order); the queue's first page is one Query on the open index, however long it is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso

from bench.scenarios import Endpoint, operator_token, progress
from bench.scenarios import orders as order_scenario
from functions.booking import watch_store

SIZES = order_scenario.SIZES
COMPLETED_OWN = ("o00000003", "o00000008", "o00000013", "o00000018")  # status by n % 5: 3 is completed


def _exceptions(size: int) -> None:
    raised = clock.now()
    with watch_store.ExceptionItem.batch_write() as batch:
        for n in range(2, size, 5):  # the accepted orders
            order_id = f"o{n:08d}"
            batch.save(
                watch_store.new_exception(
                    id=watch_store.exception_id(order_id, "late_start"),
                    order_id=order_id,
                    kind="late_start",
                    reason="服务人员超时未开始服务",
                    since=iso(raised - timedelta(minutes=size - n)),
                    raised_at=iso(raised),
                    service_name="日常保洁",
                    start=iso(raised),
                    customer_id="c0000000",
                    worker_id="w0000001",
                )
            )
            if (n + 3) % 5000 == 0 or n + 5 >= size:
                progress("exceptions", n + 3, size)


def seed(size: int) -> dict[str, Any]:
    ctx = order_scenario.seed(size)
    _exceptions(size)
    return ctx


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    now = clock.now()
    token = issue_token(ctx["customer"], "customer", now=now)
    operator = operator_token(now=now)
    return [
        Endpoint(
            "POST /v1/orders/{id}/confirm",
            "POST",
            lambda i: f"/v1/orders/{COMPLETED_OWN[i % len(COMPLETED_OWN)]}/confirm",
            token=token,
        ),
        Endpoint("GET /v1/admin/exceptions", "GET", "/v1/admin/exceptions", token=operator),
        Endpoint(
            "GET /v1/admin/exceptions?kind=", "GET", "/v1/admin/exceptions?kind=late_start", token=operator
        ),
    ]
