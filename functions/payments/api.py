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


@route(bp, "/v1/payments/wechat/refund-notify", "POST", auth=None, tags=("payments",))
def wechat_refund_notify(call: Call) -> Response:
    """WeChat Pay's refund notification: verified over the raw body, applied once; 4xx {"code": "FAIL"} if not."""
    return notify.handle_refund_notification(
        call.headers, call.raw_body, now=call.now, wechat=client_from_settings()
    )


@route(bp, "/v1/worker/earnings", "GET", query=PageQuery, response=Earnings)
def get_earnings(call: Call) -> Earnings:
    """The worker's balance (withdrawable), pending (in the dispute window), withdrawing, withdrawn, and statement."""
    return earnings.earnings(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/worker/withdrawals", "POST", body=WithdrawalRequest, response=Withdrawal, status=201)
def request_withdrawal(call: Call) -> Withdrawal:
    """Withdraw from the available balance: at least the minimum, one open withdrawal at a time."""
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
    """The worker's withdrawals, newest first."""
    return earnings.worker_withdrawals(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/withdrawals", "GET", query=WithdrawalQuery, response=Page[Withdrawal])
def list_withdrawals(call: Call) -> Page[Withdrawal]:
    """Withdrawals by status (default requested), newest first."""
    q = call.query
    return earnings.list_withdrawals(q.status, limit=q.limit, cursor=q.cursor)


@route(bp, "/v1/admin/withdrawals/{withdrawal_id}/approve", "POST", response=Withdrawal)
def approve_withdrawal(call: Call, withdrawal_id: str) -> Withdrawal:
    """Mark a requested withdrawal paid out to the worker."""
    return earnings.decide_withdrawal(
        withdrawal_id, approve=True, operator_id=call.user_id, note=None, now=call.now
    )


@route(
    bp, "/v1/admin/withdrawals/{withdrawal_id}/reject", "POST", body=WithdrawalRejection, response=Withdrawal
)
def reject_withdrawal(call: Call, withdrawal_id: str) -> Withdrawal:
    """Reject a requested withdrawal; the money returns to the worker's available balance."""
    return earnings.decide_withdrawal(
        withdrawal_id, approve=False, operator_id=call.user_id, note=call.body.reason, now=call.now
    )
