"""Rows of the ``orders`` scenario for on-site price differences (补差价, issue 17): a worker's proposal and a
customer's approval (its WeChat Pay prepay, through the stand-in). Not a scenario of its own: ``orders`` seeds
these beside its tables, so the rows are measured at both of its sizes.

Each request works on an order of its own (in service, the bench customer's, a worker of its own so the other
rows' lists do not change): a proposal reads the order (its ``extra_count`` numbers the difference) and writes
one transaction; an approval reads the order, the difference and the customer, writes one transaction, and the
prepay.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso

from bench.scenarios import Endpoint
from functions.booking import extras_store, store

WORKER = "w0000999"  # not one of the scenario's twenty: their lists stay as they were
ORDERS = 40  # at least twice --repeat: half proposed on, half approved


def seed(customer: str, make_order: Any, day: datetime) -> dict[str, Any]:
    """In-service orders of ``customer`` (``make_order(n, customer, worker, start)``), half with a proposed
    difference, and WeChat Pay's stand-in for the approvals' prepays."""
    from infra.standins.wechatpay import WeChatPayStandIn
    from infra.standins.wechatpay_keys import WeChatPayKeys

    keys = WeChatPayKeys.generate(mchid="1900000109", appid="wx-bench")
    standin = WeChatPayStandIn(keys)
    os.environ.update(keys.settings_env(standin.url))
    from common.settings import get_settings

    get_settings.cache_clear()
    now = iso(clock.now())
    ids = []
    with store.OrderItem.batch_write() as batch:
        for n in range(ORDERS):
            item = make_order(900_000 + n, customer, WORKER, day + timedelta(days=60 + n))
            for name, value in store.index_keys(item.id, "in_service", WORKER, item.start).items():
                setattr(item, name, value)
            item.status = "in_service"
            item.extra_count = 1 if n >= ORDERS // 2 else 0
            batch.save(item)
            ids.append(item.id)
    for order_id in ids[ORDERS // 2 :]:
        extras_store.ExtraItem(
            *extras_store.extra_key(order_id, "x01"),
            order_id=order_id,
            id="x01",
            items=[{"name": "加时", "amount_fen": 5000}],
            amount_fen=5000,
            reason="面积比预约大",
            status="proposed",
            customer_id=customer,
            worker_id=WORKER,
            proposed_at=now,
        ).save()
    return {"extras_orders": ids, "extras_standin": standin}


def endpoints(ctx: dict[str, Any], customer_token: str) -> list[Endpoint]:
    ids: list[str] = ctx["extras_orders"]
    worker = issue_token(WORKER, "worker", now=clock.now())
    half = len(ids) // 2
    return [
        Endpoint(
            "POST /v1/worker/orders/{id}/extras",
            "POST",
            lambda i: f"/v1/worker/orders/{ids[i % half]}/extras",
            body={"items": [{"name": "加时", "amount_fen": 5000}], "reason": "面积比预约大"},
            token=worker,
            expect=201,
        ),
        Endpoint(
            "POST /v1/orders/{id}/extras/{eid}/approve",
            "POST",
            lambda i: f"/v1/orders/{ids[half + i % half]}/extras/x01/approve",
            token=customer_token,
        ),
    ]


def teardown(ctx: dict[str, Any]) -> None:
    ctx["extras_standin"].close()
