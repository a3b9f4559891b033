"""Who is told what of an on-site price difference (补差价, issue 17). Pure, like ``rules``: it receives the
event as ``rules`` prepared it (its phrases in the business time zone).

| event          | told                   | why                                                     |
| ---            | ---                    | ---                                                     |
| ExtraProposed  | the customer (push)    | to approve (and pay) or reject it                       |
| ExtraApproved  | the worker             | the customer agreed; payment follows                    |
| ExtraRejected  | the worker (push)      | refused by the customer, or withdrawn with the order    |
| ExtraPaid      | the worker, the customer | the money arrived (the customer's receipt)            |
| ExtraRefunded  | the customer           | the order was cancelled: the difference goes back       |
"""

from __future__ import annotations

from common.money import yuan

from functions.notifications.models import Notice, Push
from functions.notifications.pages import CUSTOMER_ORDER_PAGE, WORKER_ORDER_PAGE
from functions.notifications.prepared import PreparedEvent


def notices(ev: PreparedEvent) -> list[Notice]:
    """The notices of one price-difference event (``ev.type``)."""
    extra = ev.e.model_extra or {}
    amount = f"¥{yuan(int(extra.get('amount_fen') or 0))}"
    reason = str(extra.get("reason") or "").strip()
    data = ev.data(extra_id=extra.get("extra_id"), amount_fen=extra.get("amount_fen"))
    customer, worker = ev.e.customer_id, ev.e.worker_id

    def to_customer(kind: str, title: str, body: str, push: Push | None = None) -> Notice:
        return Notice(
            role="customer", user_id=customer, kind=kind, title=title, body=body, data=data, push=push
        )

    def to_worker(kind: str, title: str, body: str, push: Push | None = None) -> Notice:
        return Notice(role="worker", user_id=worker, kind=kind, title=title, body=body, data=data, push=push)

    if ev.type == "ExtraProposed":
        body = f"服务人员为{ev.svc}（{ev.when}）申请补差价{amount}" + (f"：{reason}" if reason else "")
        push = ev.status_push("待确认", f"补差价{amount}待您确认", CUSTOMER_ORDER_PAGE)
        return [to_customer("extra_proposed", "补差价待确认", body + "。请在App内同意并支付，或拒绝。", push)]
    if ev.type == "ExtraApproved":
        body = f"客户已同意{ev.svc}（{ev.when}）的补差价{amount}，正在等待支付。"
        return [to_worker("extra_approved", "客户已同意补差价", body)]
    if ev.type == "ExtraRejected":
        if ev.e.actor == "system":
            body = f"{ev.svc}（{ev.when}）订单已取消，补差价{amount}的申请已撤销。"
            return [to_worker("extra_withdrawn", "补差价已撤销", body)]
        push = ev.status_push("已拒绝", f"客户未同意补差价{amount}", WORKER_ORDER_PAGE)
        body = f"客户未同意{ev.svc}（{ev.when}）的补差价{amount}，请与客户沟通。"
        return [to_worker("extra_rejected", "客户未同意补差价", body, push)]
    if ev.type == "ExtraPaid":
        return [
            to_worker("extra_paid", "补差价已支付", f"客户已支付{ev.svc}（{ev.when}）的补差价{amount}。"),
            to_customer("extra_paid", "补差价支付成功", f"您已支付{ev.svc}（{ev.when}）的补差价{amount}。"),
        ]
    if ev.type == "ExtraRefunded":
        body = f"您的{ev.svc}（{ev.when}）订单已取消，补差价{amount}将原路退回。"
        return [to_customer("extra_refunded", "补差价退款", body)]
    return []
