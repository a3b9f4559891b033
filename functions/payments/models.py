"""Payments' language: refunds, settlements, a worker's earnings and withdrawals."""

from __future__ import annotations

from typing import Annotated, Literal

from common.models import Strict, Text
from common.money import Fen
from common.pagination import PageQuery
from pydantic import BaseModel, ConfigDict, Field, StrictInt

RefundStatus = Literal["PROCESSING", "SUCCESS", "CLOSED", "ABNORMAL"]  # WeChat Pay's refund statuses
WithdrawalStatus = Literal["requested", "paid", "rejected"]


class RefundView(BaseModel):
    order_id: str
    out_refund_no: str
    amount_fen: Fen
    reason: str
    status: RefundStatus


class SettlementView(BaseModel):
    order_id: str
    worker_id: str
    paid_fen: Fen
    refunded_fen: Fen
    commission_fen: Fen
    worker_fen: Fen
    late_cancellation_fee_fen: Fen = 0


class PaymentCheck(BaseModel):
    """What a query of WeChat Pay found for an order, and whether it recorded a payment just now."""

    order_id: str
    part: str | None = None  # "balance": the engagement's second trade was checked
    trade_state: str
    recorded_now: bool = False
    transaction_id: str | None = None
    amount_fen: Fen | None = None


class LedgerLine(BaseModel):
    """One entry of a worker's statement; ``amount_fen`` is signed (+ in, − out of that account)."""

    tx_id: str
    at: str
    kind: str  # earning_pending, settlement, refund_requested, refund_closed, withdrawal_*
    account: Literal["pending", "available", "withdrawing", "withdrawn"]
    amount_fen: StrictInt
    order_id: str | None = None
    withdrawal_id: str | None = None
    memo: str | None = None


class Earnings(BaseModel):
    """GET /v1/worker/earnings: balances, then the statement (paginated like every list)."""

    balance_fen: Fen = Field(description="settled earnings the worker may withdraw (可提现)")
    pending_fen: Fen = Field(
        description="expected earnings of completed orders in the dispute window (待结算)"
    )
    withdrawing_fen: Fen = Field(description="withdrawals requested, awaiting an operator (提现中)")
    withdrawn_fen: Fen = Field(description="withdrawals paid out so far (已提现)")
    items: list[LedgerLine]
    next_cursor: str | None = None


class WithdrawalRequest(Strict):
    amount_fen: Annotated[StrictInt, Field(gt=0, description="amount in fen (CNY cents)")]


class WithdrawalRejection(Strict):
    reason: Text


class WithdrawalQuery(PageQuery):
    status: WithdrawalStatus = "requested"


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    worker_id: str
    amount_fen: Fen
    status: WithdrawalStatus
    requested_at: str
    decided_at: str | None = None
    decided_by: str | None = None
    note: str | None = None
