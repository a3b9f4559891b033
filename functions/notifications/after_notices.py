"""Who is told of what follows a visit, pure like ``rules`` (which maps the events here): a complaint filed and
resolved, the worker's earning settled, a move in time (issue 13) and an engagement's balance paid."""

from __future__ import annotations

from datetime import datetime

from common.money import yuan

from functions.notifications.formats import when_short
from functions.notifications.models import Notice
from functions.notifications.pages import CUSTOMER_ORDER_PAGE, WORKER_ORDER_PAGE
from functions.notifications.prepared import PreparedEvent


def complaint_filed(ev: PreparedEvent) -> list[Notice]:
    return [
        Notice(
            role="operator",
            user_id=None,
            kind="complaint_filed",
            title="新投诉待处理",
            body=f"客户对{ev.svc}订单（{ev.when}）提交了投诉，请及时处理。",
            data=ev.data(complaint_id=ev.e.complaint_id, worker_id=ev.e.worker_id),
        )
    ]


def complaint_resolved(ev: PreparedEvent) -> list[Notice]:
    refund = ev.e.refund_fen or 0
    resolution = (ev.e.resolution or "").strip()
    body = f"您对{ev.svc}订单（{ev.when}）的投诉已处理" + (f"：{resolution}" if resolution else "") + "。"
    if refund > 0:
        body += f"退款¥{yuan(refund)}将原路退回。"
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="complaint_resolved",
            title="投诉已处理",
            body=body,
            data=ev.data(complaint_id=ev.e.complaint_id, refund_fen=refund or None),
            push=ev.status_push("已处理", resolution or "您的投诉已处理"),
        )
    ]
    if ev.e.penalize_worker and ev.e.worker_id:
        notices.append(
            Notice(
                role="worker",
                user_id=ev.e.worker_id,
                kind="complaint_resolved",
                title="投诉处理结果",
                body=f"客户对{ev.svc}订单（{ev.when}）的投诉经核实成立，将影响您的信用分。",
                data=ev.data(complaint_id=ev.e.complaint_id),
            )
        )
    return notices


def settled(ev: PreparedEvent) -> list[Notice]:
    earned = int(ev.e.worker_earning_fen or 0)
    return [
        Notice(
            role="worker",
            user_id=ev.e.worker_id,
            kind="earning_settled",
            title="订单收入已结算",
            body=f"{ev.svc}订单（{ev.when}）已结算，收入¥{yuan(earned)}已计入可提现余额。"
            if earned
            else f"{ev.svc}订单（{ev.when}）已结算，本单无收入（已全额退款）。",
            data=ev.data(earning_fen=earned),
        )
    ]


def rescheduled(ev: PreparedEvent) -> list[Notice]:
    """Issue 13: a move in time tells the other side (the worker of a customer's move, the customer of the
    worker's answer); a move waiting for consent asks the worker."""
    e, extra = ev.e, ev.e.model_extra or {}
    other = str(extra.get("requested_start") or extra.get("previous_start") or e.start.isoformat())
    other_when = when_short(datetime.fromisoformat(other), ev.tz)
    data = ev.data(previous_start=extra.get("previous_start"), requested_start=extra.get("requested_start"))
    if ev.type == "RescheduleRequested":
        title, body, to = (
            "客户申请改期",
            f"{ev.svc}订单（{ev.when}）客户申请改到{other_when}，请在App内同意或拒绝。",
            "worker",
        )
    elif ev.type == "RescheduleRejected":
        title, body, to = (
            "改期未获同意",
            f"您预约的{ev.svc}（{ev.when}）改到{other_when}的申请未获同意，原时间不变。",
            "customer",
        )
    else:
        title, body = "订单已改期", f"{ev.svc}订单已从{other_when}改到{ev.when}。"
        to = "customer" if e.actor == "worker" else "worker"
    user = e.customer_id if to == "customer" else e.worker_id
    page = CUSTOMER_ORDER_PAGE if to == "customer" else WORKER_ORDER_PAGE
    push = ev.status_push("已改期" if ev.type == "OrderRescheduled" else "改期申请", title, page)
    return [
        Notice(role=to, user_id=user, kind="order_rescheduled", title=title, body=body, data=data, push=push)
    ]


def balance_paid(ev: PreparedEvent) -> list[Notice]:
    """Issue 13: an engagement's balance (尾款) paid tells the customer the engagement is fully paid."""
    paid = int((ev.e.model_extra or {}).get("paid_fen") or 0)
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_balance_paid",
            title="尾款支付成功",
            body=f"您已支付{ev.svc}的尾款¥{yuan(paid)}，服务将于{ev.when}开始。",
            data=ev.data(paid_fen=paid),
        )
    ]


RULES = {
    "ComplaintFiled": complaint_filed,
    "ComplaintResolved": complaint_resolved,
    "OrderSettled": settled,
    "OrderRescheduled": rescheduled,
    "RescheduleRequested": rescheduled,
    "RescheduleRejected": rescheduled,
    "OrderBalancePaid": balance_paid,
}
