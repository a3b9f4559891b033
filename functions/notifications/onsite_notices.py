"""Issue 17: who is told of an on-site visit, pure like ``rules`` (which maps the events here). The departure (出发)
and the arrival (到达) tell the customer (the inbox and, while the customer has quota, the order-status
subscription message; no SMS: the customer is expecting the worker); the confirmation tells the worker (and the
customer when the system confirmed); reminders before the start go to both (SMS as the fallback); an exception
goes to the operators' inbox."""

from __future__ import annotations

from functions.notifications.models import Notice
from functions.notifications.pages import WORKER_ORDER_PAGE
from functions.notifications.prepared import PreparedEvent


def departed(ev: PreparedEvent) -> list[Notice]:
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


def arrived(ev: PreparedEvent) -> list[Notice]:
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


def confirmed(ev: PreparedEvent) -> list[Notice]:
    """Issue 17: the confirmation tells the worker (the settlement follows the dispute window); an automatic one
    tells the customer too, who may still complain within the window."""
    notices = []
    if ev.e.worker_id:
        notices.append(
            Notice(
                role="worker",
                user_id=ev.e.worker_id,
                kind="order_confirmed",
                title="客户已确认完成",
                body=f"{ev.svc}订单（{ev.when}）已确认完成，收入将在售后期结束后结算。",
                data=ev.data(),
                push=ev.status_push("已确认", "收入将在售后期后结算", WORKER_ORDER_PAGE),
            )
        )
    if ev.e.actor == "system":
        notices.append(
            Notice(
                role="customer",
                user_id=ev.e.customer_id,
                kind="order_confirmed",
                title="订单已自动确认完成",
                body=f"您的{ev.svc}（{ev.when}）已自动确认完成，如有问题可在售后期内投诉。",
                data=ev.data(),
            )
        )
    return notices


def reminder(ev: PreparedEvent) -> list[Notice]:
    """Issue 17: before the start (24 h, 2 h: settings) the customer and the worker are reminded; subscription
    message, SMS when it cannot be delivered."""
    extra = ev.e.model_extra or {}
    data = ev.data(reminder=extra.get("reminder"), lead_hours=extra.get("lead_hours"))
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_reminder",
            title="服务即将开始",
            body=f"您预约的{ev.svc}将于{ev.when}开始，请做好准备。",
            data=data,
            push=ev.status_push("即将服务", "服务人员将按时上门"),
            sms=ev.sms("order_reminder"),
        )
    ]
    if ev.e.worker_id:
        notices.append(
            Notice(
                role="worker",
                user_id=ev.e.worker_id,
                kind="order_reminder",
                title="服务即将开始",
                body=f"您承接的{ev.svc}订单将于{ev.when}开始，请准时上门。",
                data=data,
                push=ev.status_push("即将服务", "请准时上门", WORKER_ORDER_PAGE),
                sms=ev.sms("order_reminder_worker"),
            )
        )
    return notices


def exception_raised(ev: PreparedEvent) -> list[Notice]:
    """Issue 17: an order needing a person (the exception queue) tells the operators' inbox."""
    extra = ev.e.model_extra or {}
    reason = str(extra.get("reason") or ev.e.note or "订单异常")
    return [
        Notice(
            role="operator",
            user_id=None,
            kind="order_exception",
            title="异常订单待处理",
            body=f"{ev.svc}订单（{ev.when}）：{reason}，请尽快处理。",
            data=ev.data(
                exception_id=extra.get("exception_id"),
                exception_kind=extra.get("kind"),
                worker_id=ev.e.worker_id,
                customer_id=ev.e.customer_id,
            ),
        )
    ]


RULES = {
    "OrderDeparted": departed,
    "OrderArrived": arrived,
    "OrderConfirmed": confirmed,
    "OrderReminder": reminder,
    "OrderExceptionRaised": exception_raised,
}
