"""Payments routes: WeChat Pay's refund notifications, a worker's earnings and withdrawals, operators' decisions
on withdrawals. (POST /v1/orders/{id}/pay and the payment notification are wired with booking:
``notify.handle_payment_notification`` takes booking's ``mark_paid``.)
"""

from __future__ import annotations

from chalice import Blueprint, Response
from common.api import Call, route
from common.idempotency import idempotent
from common.ids import new_id
from common.pagination import Page, PageQuery

from functions.payments import earnings, notify
from functions.payments.models import (
    Earnings,
    Withdrawal,
    WithdrawalQuery,
    WithdrawalRejection,
    WithdrawalRequest,
)
from functions.payments.wechatpay import client_from_settings

bp = Blueprint(__name__)


@route(bp, "/v1/payments/wechat/refund-notify", "POST", status=204, auth=None, tags=("payments",))
def wechat_refund_notify(call: Call) -> Response:
    """WeChat Pay's refund notification (called by WeChat Pay, not by clients).

    Verified over the raw body like the payment notification, and its outcome (success, abnormal, closed)
    applied to the refund once. Answers in WeChat Pay's protocol, not this API's error format: 204 when
    accepted; `{"code": "FAIL", "message"}` with a 4xx status when refused (WeChat Pay retries).
    """
    return notify.handle_refund_notification(
        call.headers, call.raw_body, now=call.now, wechat=client_from_settings()
    )


@route(bp, "/v1/worker/earnings", "GET", query=PageQuery, response=Earnings)
def get_earnings(call: Call) -> Earnings:
    """The worker's balances and statement.

    In fen: available (withdrawable), pending (earned, inside the dispute window of
    ``settings.dispute_window_seconds`` seconds), withdrawing and withdrawn; the statement lists the movements
    newest first, paginated with `limit` and `cursor`.
    """
    return earnings.earnings(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(
    bp,
    "/v1/worker/withdrawals",
    "POST",
    body=WithdrawalRequest,
    response=Withdrawal,
    status=201,
    errors=(409,),
)
def request_withdrawal(call: Call) -> Withdrawal:
    """Withdraw from the available balance.

    At least ``settings.withdrawal_min_fen`` fen and at most the available balance (422 otherwise), one open
    withdrawal at a time (409). The amount leaves the available balance at once; an operator pays it out. Send
    an `Idempotency-Key`: a retry with the same key and amount answers the first withdrawal.
    """
    return idempotent(
        call,
        "withdrawal",
        Withdrawal,
        lambda: earnings.request_withdrawal(
            call.user_id, call.body.amount_fen, now=call.now, new_id=lambda: new_id(call.now)
        ),
    )


@route(bp, "/v1/worker/withdrawals", "GET", query=PageQuery, response=Page[Withdrawal])
def list_my_withdrawals(call: Call) -> Page[Withdrawal]:
    """The worker's withdrawals, newest first.

    Only the caller's own, paginated with `limit` and `cursor`.
    """
    return earnings.worker_withdrawals(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/withdrawals", "GET", query=WithdrawalQuery, response=Page[Withdrawal])
def list_withdrawals(call: Call) -> Page[Withdrawal]:
    """Withdrawals in one status, newest first.

    `status` defaults to requested: the ones waiting for a decision. Paginated with `limit` and `cursor`.
    """
    q = call.query
    return earnings.list_withdrawals(q.status, limit=q.limit, cursor=q.cursor)


@route(bp, "/v1/admin/withdrawals/{withdrawal_id}/approve", "POST", response=Withdrawal)
def approve_withdrawal(call: Call, withdrawal_id: str) -> Withdrawal:
    """Mark a requested withdrawal paid out to the worker.

    Approving it again answers the same withdrawal; approving a rejected one is 409 `WITHDRAWAL_DECIDED`.
    """
    return earnings.decide_withdrawal(
        withdrawal_id, approve=True, operator_id=call.user_id, note=None, now=call.now
    )


@route(
    bp, "/v1/admin/withdrawals/{withdrawal_id}/reject", "POST", body=WithdrawalRejection, response=Withdrawal
)
def reject_withdrawal(call: Call, withdrawal_id: str) -> Withdrawal:
    """Reject a requested withdrawal.

    The money returns to the worker's available balance, and the reason is recorded with the withdrawal.
    Rejecting it again answers the same withdrawal; rejecting a paid one is 409 `WITHDRAWAL_DECIDED`.
    """
    return earnings.decide_withdrawal(
        withdrawal_id, approve=False, operator_id=call.user_id, note=call.body.reason, now=call.now
    )
