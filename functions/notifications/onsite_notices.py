"""Issue 17: what the customer is told of the worker's visit, the departure (出发) and the arrival (到达). Pure,
like ``rules`` (which maps the events here): the inbox and, while the customer has quota, the order-status
subscription message; no SMS (the customer is expecting the worker, nothing is missed without one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.notifications.models import Notice

if TYPE_CHECKING:
    from functions.notifications.rules import _Event


def departed(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="worker_on_the_way",
            title="服务人员已出发",
            body=f"服务人员已出发前往您的地址，{ev.svc}服务将于{ev.when}开始，请保持电话畅通。",
            data=ev.data(progress="on_the_way", worker_id=ev.e.worker_id),
            push=ev.status_push("已出发", "服务人员正在赶来"),
        )
    ]


def arrived(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="worker_arrived",
            title="服务人员已到达",
            body=f"服务人员已到达您的地址，即将开始{ev.svc}服务。",
            data=ev.data(progress="arrived", worker_id=ev.e.worker_id),
            push=ev.status_push("已到达", "服务人员已到门口"),
        )
    ]


RULES = {"OrderDeparted": departed, "OrderArrived": arrived}
