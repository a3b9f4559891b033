"""WeChat Pay v3 objects as the API and its notifications carry them (amounts in integer fen)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictInt


class Amount(BaseModel):
    model_config = ConfigDict(extra="allow")
    total: StrictInt
    payer_total: StrictInt | None = None
    currency: str = "CNY"


class Transaction(BaseModel):
    """A trade as WeChat Pay reports it (query, or a decrypted TRANSACTION.SUCCESS resource)."""

    model_config = ConfigDict(extra="allow")
    out_trade_no: str
    trade_state: str  # SUCCESS | NOTPAY | CLOSED | REFUND | USERPAYING | PAYERROR | REVOKED
    transaction_id: str | None = None
    appid: str | None = None
    mchid: str | None = None
    amount: Amount | None = None
    payer: dict[str, Any] | None = None
    success_time: str | None = None


class RefundAmount(BaseModel):
    model_config = ConfigDict(extra="allow")
    refund: StrictInt
    total: StrictInt
    currency: str = "CNY"


class Refund(BaseModel):
    """A refund as WeChat Pay reports it (refund call, query, or a decrypted REFUND.* resource)."""

    model_config = ConfigDict(extra="allow")
    out_refund_no: str
    refund_id: str | None = None
    out_trade_no: str | None = None
    transaction_id: str | None = None
    # PROCESSING | SUCCESS | CLOSED | ABNORMAL ("refund_status" in notifications, "status" in API answers)
    status: str
    amount: RefundAmount | None = None


class PayParams(BaseModel):
    """What ``wx.requestPayment`` takes (API.md: POST /v1/orders/{id}/pay)."""

    appId: str  # the mini-program's field names, as wx.requestPayment spells them
    timeStamp: str
    nonceStr: str
    package: str
    signType: str = "RSA"
    paySign: str
