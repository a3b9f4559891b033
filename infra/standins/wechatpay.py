"""WeChat Pay API v3 stand-in: JSAPI prepay, query, close, refund and refund query, as api.mch.weixin.qq.com
answers them, plus the notifications WeChat Pay sends.

It speaks the real protocol with its own keys, so our client's crypto runs for real against it:
- every call must carry a valid ``WECHATPAY2-SHA256-RSA2048`` Authorization (merchant id, merchant serial, fresh
  timestamp, RSA-SHA256 by the merchant key over the exact request target and body bytes), else 401 SIGN_ERROR;
- every answer is signed with its platform private key (``Wechatpay-Serial`` = its ``PUB_KEY_ID_…``);
- notifications are AEAD_AES_256_GCM-encrypted with the APIv3 key, signed, and POSTed to the notify URL the
  merchant gave (or one given), and the HTTP status our endpoint answered is returned.

Its keys and signatures live in ``wechatpay_keys.py``, written independently of ours; ``WeChatPayKeys.generate()``
makes a matching key set at runtime for the local stack and tests: no key is ever committed.
"""

from __future__ import annotations

import contextlib
import json
import re
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import requests

from infra.standins.loopback import LoopbackServer, Reply, Request
from infra.standins.wechatpay_keys import WeChatPayKeys, rand, rsa_sign, rsa_verify, seal

__all__ = ["WeChatPayKeys", "WeChatPayStandIn"]

CST = timezone(timedelta(hours=8))
_AUTH = re.compile(r"^WECHATPAY2-SHA256-RSA2048 (.+)$")
_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Trade:
    out_trade_no: str
    appid: str
    description: str
    total: int
    openid: str
    notify_url: str
    prepay_id: str
    state: str = "NOTPAY"  # NOTPAY → SUCCESS → REFUND, or NOTPAY → CLOSED
    transaction_id: str | None = None
    success_time: str | None = None
    refunded: int = 0
    refund_count: int = 0


@dataclass
class RefundRecord:
    out_refund_no: str
    out_trade_no: str
    refund: int
    total: int
    reason: str
    notify_url: str
    refund_id: str
    status: str = "PROCESSING"
    created_at: str = ""
    success_time: str | None = None


@dataclass
class Delivery:
    url: str
    event_type: str
    status: int


@dataclass
class Fault:
    """An injected failure for the next call to ``path_prefix``: ``after_effect`` performs the call first and
    then answers the error, as when WeChat Pay did the work but the answer was lost."""

    path_prefix: str
    status: int
    code: str
    message: str = "injected failure"
    after_effect: bool = False


class WeChatPayStandIn:
    """Serves WeChat Pay's API on a loopback port. ``clock`` is the time it signs with and checks requests
    against; the local stack passes the business clock so shifted time stays consistent."""

    def __init__(
        self,
        keys: WeChatPayKeys,
        *,
        clock: Callable[[], datetime] | None = None,
        window_seconds: int = 300,
        refund_notify_after: float | None = None,
    ) -> None:
        self.keys = keys
        # As WeChat Pay does, tell the merchant a refund succeeded this many seconds after it was asked for
        # (the local stack sets it; tests send refund notifications themselves).
        self.refund_notify_after = refund_notify_after
        self.clock = clock or (lambda: datetime.now(CST))
        self.window_seconds = window_seconds
        self.trades: dict[str, Trade] = {}
        self.refunds: dict[str, RefundRecord] = {}
        self.deliveries: list[Delivery] = []
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.RLock()
        self.server = LoopbackServer(self.handle)

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.close()

    def fail_next(
        self,
        path_prefix: str,
        status: int,
        code: str,
        message: str = "injected",
        *,
        after_effect: bool = False,
    ) -> None:
        with self._lock:
            self.faults.append(Fault(path_prefix, status, code, message, after_effect))

    # -- HTTP ---------------------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Reply:
        with self._lock:
            self.calls.append((req.method, req.target))
            try:
                problem = self._check_authorization(req)
                if problem:
                    return self._answer(401, {"code": "SIGN_ERROR", "message": problem})
                fault = next((f for f in self.faults if req.path.startswith(f.path_prefix)), None)
                if fault is not None:
                    self.faults.remove(fault)
                    if not fault.after_effect:
                        return self._answer(fault.status, {"code": fault.code, "message": fault.message})
                status, data = self._route(req)
                if fault is not None:
                    return self._answer(fault.status, {"code": fault.code, "message": fault.message})
                return self._answer(status, data)
            except Exception as exc:  # a stand-in bug must surface as WeChat's 500, not a dropped connection
                return self._answer(500, {"code": "SYSTEM_ERROR", "message": f"stand-in error: {exc}"})

    def _route(self, req: Request) -> tuple[int, Any]:
        body: dict[str, Any] = {}
        if req.body:
            try:
                body = json.loads(req.body)
            except ValueError:
                return 400, {"code": "PARAM_ERROR", "message": "body is not JSON"}
        path = req.path
        if req.method == "POST" and path == "/v3/pay/transactions/jsapi":
            return self._prepay(body)
        m = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", path)
        if req.method == "GET" and m:
            if req.query.get("mchid") != self.keys.mchid:
                return 400, {"code": "PARAM_ERROR", "message": "mchid is required"}
            return self._query(m.group(1))
        m = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)/close", path)
        if req.method == "POST" and m:
            return self._close(m.group(1), body)
        if req.method == "POST" and path == "/v3/refund/domestic/refunds":
            return self._refund(body)
        m = re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", path)
        if req.method == "GET" and m:
            record = self.refunds.get(m.group(1))
            if record is None:
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"}
            return 200, self._refund_json(record)
        return 404, {"code": "NOT_FOUND", "message": "no such API"}

    def _check_authorization(self, req: Request) -> str | None:
        m = _AUTH.match(req.headers.get("authorization", ""))
        if not m:
            return "Authorization must be WECHATPAY2-SHA256-RSA2048"
        params = dict(_PARAM.findall(m.group(1)))
        if params.get("mchid") != self.keys.mchid:
            return "mchid does not match"
        if params.get("serial_no") != self.keys.merchant_serial:
            return "serial_no is not the merchant certificate's"
        timestamp, nonce = params.get("timestamp", ""), params.get("nonce_str", "")
        if (
            not timestamp.isdigit()
            or abs(int(self.clock().timestamp()) - int(timestamp)) > self.window_seconds
        ):
            return "timestamp expired"
        if not nonce:
            return "nonce_str is required"
        message = f"{req.method}\n{req.target}\n{timestamp}\n{nonce}\n".encode() + req.body + b"\n"
        if not rsa_verify(self.keys.merchant_public_pem, message, params.get("signature", "")):
            return "signature verification failed"
        return None

    def _answer(self, status: int, data: Any) -> Reply:
        body = b"" if data is None else json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Request-ID": rand(24)}
        headers.update(self._signature_headers(body))
        return Reply(status, body, headers)

    def _signature_headers(
        self,
        body: bytes,
        *,
        timestamp: str | None = None,
        nonce: str | None = None,
        serial: str | None = None,
        private_pem: str | None = None,
    ) -> dict[str, str]:
        timestamp = timestamp or str(int(self.clock().timestamp()))
        nonce = nonce or rand(32)
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        return {
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Serial": serial or self.keys.platform_key_id,
            "Wechatpay-Signature": rsa_sign(private_pem or self.keys.platform_private_pem, message),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    # -- the API ------------------------------------------------------------------------------------------------

    def _prepay(self, b: dict[str, Any]) -> tuple[int, Any]:
        amount, payer = b.get("amount") or {}, b.get("payer") or {}
        no, total = b.get("out_trade_no"), amount.get("total")
        if b.get("mchid") != self.keys.mchid:
            return 400, {"code": "MCH_NOT_EXISTS", "message": "商户号不存在"}
        if b.get("appid") != self.keys.appid:
            return 400, {"code": "APPID_MCHID_NOT_MATCH", "message": "appid和mch_id不匹配"}
        if not isinstance(no, str) or not re.fullmatch(r"[0-9A-Za-z_\-*|]{6,32}", no):
            return 400, {"code": "PARAM_ERROR", "message": "out_trade_no 格式错误"}
        if type(total) is not int or total <= 0 or amount.get("currency", "CNY") != "CNY":
            return 400, {"code": "PARAM_ERROR", "message": "amount.total 必须为正整数(分)"}
        if not payer.get("openid") or not b.get("notify_url") or not b.get("description"):
            return 400, {"code": "PARAM_ERROR", "message": "缺少参数 payer.openid/notify_url/description"}
        trade = self.trades.get(no)
        if trade is not None:
            if trade.state == "CLOSED":
                return 400, {"code": "ORDER_CLOSED", "message": "订单已关闭"}
            if trade.state != "NOTPAY":
                return 400, {"code": "ORDERPAID", "message": "订单已支付"}
            if (trade.total, trade.openid, trade.description) != (total, payer["openid"], b["description"]):
                return 400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}
            return 200, {"prepay_id": trade.prepay_id}
        trade = Trade(
            no, b["appid"], b["description"], total, payer["openid"], b["notify_url"], "wx" + rand(30)
        )
        self.trades[no] = trade
        return 200, {"prepay_id": trade.prepay_id}

    def _trade_json(self, t: Trade) -> dict[str, Any]:
        data: dict[str, Any] = {
            "appid": t.appid,
            "mchid": self.keys.mchid,
            "out_trade_no": t.out_trade_no,
            "trade_state": t.state,
            "trade_state_desc": {
                "NOTPAY": "订单未支付",
                "SUCCESS": "支付成功",
                "CLOSED": "订单已关闭",
                "REFUND": "转入退款",
            }[t.state],
            "amount": {"total": t.total, "currency": "CNY", "payer_currency": "CNY"},
            "payer": {},
        }
        if t.transaction_id:
            data.update(
                transaction_id=t.transaction_id,
                trade_type="JSAPI",
                bank_type="OTHERS",
                success_time=t.success_time,
                payer={"openid": t.openid},
            )
            data["amount"]["payer_total"] = t.total
        return data

    def _query(self, no: str) -> tuple[int, Any]:
        trade = self.trades.get(no)
        if trade is None:
            return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
        return 200, self._trade_json(trade)

    def _close(self, no: str, b: dict[str, Any]) -> tuple[int, Any]:
        if b.get("mchid") != self.keys.mchid:
            return 400, {"code": "PARAM_ERROR", "message": "mchid is required"}
        trade = self.trades.get(no)
        if trade is None:
            return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
        if trade.state in ("SUCCESS", "REFUND"):
            return 400, {"code": "ORDERPAID", "message": "订单已支付"}
        trade.state = "CLOSED"
        return 204, None

    def _refund(self, b: dict[str, Any]) -> tuple[int, Any]:
        amount = b.get("amount") or {}
        no, refund_no = b.get("out_trade_no"), b.get("out_refund_no")
        refund, total = amount.get("refund"), amount.get("total")
        if not isinstance(refund_no, str) or not re.fullmatch(r"[0-9A-Za-z_\-*|@]{1,64}", refund_no):
            return 400, {"code": "PARAM_ERROR", "message": "out_refund_no 格式错误"}
        if type(refund) is not int or type(total) is not int or refund <= 0:
            return 400, {"code": "PARAM_ERROR", "message": "amount.refund/total 必须为正整数(分)"}
        existing = self.refunds.get(refund_no)
        if existing is not None:  # the same out_refund_no again: the same refund, never a second one
            if (existing.out_trade_no, existing.refund, existing.total) != (no, refund, total):
                return 400, {"code": "INVALID_REQUEST", "message": "out_refund_no 已使用，且参数不一致"}
            return 200, self._refund_json(existing)
        trade = self.trades.get(no or "")
        if trade is None:
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}
        if trade.state not in ("SUCCESS", "REFUND"):
            return 400, {"code": "INVALID_REQUEST", "message": "订单未支付"}
        if total != trade.total:
            return 400, {"code": "PARAM_ERROR", "message": "订单金额与原订单不符"}
        if trade.refunded + refund > trade.total:
            return 400, {"code": "INVALID_REQUEST", "message": "申请退款金额超过订单可退金额"}
        if trade.refund_count >= 50:
            return 400, {"code": "INVALID_REQUEST", "message": "退款次数超过限制(50)"}
        trade.refunded += refund
        trade.refund_count += 1
        trade.state = "REFUND"
        record = RefundRecord(
            refund_no,
            trade.out_trade_no,
            refund,
            total,
            str(b.get("reason") or ""),
            str(b.get("notify_url") or trade.notify_url),
            "50" + rand(30, string.digits),
            created_at=self.clock().astimezone(CST).isoformat(timespec="seconds"),
        )
        self.refunds[refund_no] = record
        if self.refund_notify_after is not None:
            timer = threading.Timer(self.refund_notify_after, self._notify_refund_quietly, (refund_no,))
            timer.daemon = True
            timer.start()
        return 200, self._refund_json(record)

    def _notify_refund_quietly(self, out_refund_no: str) -> None:
        # The merchant may be gone (the stack stopped); WeChat would retry, a stand-in need not.
        with contextlib.suppress(requests.RequestException):
            self.notify_refund(out_refund_no)

    def _refund_json(self, r: RefundRecord) -> dict[str, Any]:
        trade = self.trades[r.out_trade_no]
        data: dict[str, Any] = {
            "refund_id": r.refund_id,
            "out_refund_no": r.out_refund_no,
            "transaction_id": trade.transaction_id,
            "out_trade_no": r.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "create_time": r.created_at,
            "status": r.status,
            "amount": {
                "total": r.total,
                "refund": r.refund,
                "payer_total": r.total,
                "payer_refund": r.refund,
                "currency": "CNY",
            },
        }
        if r.success_time:
            data["success_time"] = r.success_time
        return data

    # -- what WeChat's side does: the payer pays, WeChat Pay notifies ------------------------------------------

    def verify_pay_params(self, params: dict[str, str]) -> bool:
        """What ``wx.requestPayment`` checks: our paySign over appId, timeStamp, nonceStr, package, and a known
        prepay_id for this appid."""
        message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
        prepay_id = params["package"].removeprefix("prepay_id=")
        known = any(t.prepay_id == prepay_id and t.appid == params["appId"] for t in self.trades.values())
        return (
            known
            and params.get("signType") == "RSA"
            and rsa_verify(self.keys.merchant_public_pem, message.encode(), params["paySign"])
        )

    def pay(self, out_trade_no: str) -> Trade:
        """The payer completes payment in the mini-program (idempotent)."""
        with self._lock:
            trade = self.trades[out_trade_no]
            if trade.state == "NOTPAY":
                trade.state = "SUCCESS"
                trade.transaction_id = "42" + rand(26, string.digits)
                trade.success_time = self.clock().astimezone(CST).isoformat(timespec="seconds")
            return trade

    def payment_notification(self, out_trade_no: str, **signing: Any) -> tuple[dict[str, str], bytes]:
        """A TRANSACTION.SUCCESS notification for a trade (paying it first if it is still unpaid)."""
        trade = self.pay(out_trade_no)
        with self._lock:
            plaintext = self._trade_json(trade) | {"trade_state": "SUCCESS", "trade_state_desc": "支付成功"}
        return self.build_notification("TRANSACTION.SUCCESS", "transaction", plaintext, "支付成功", **signing)

    def refund_notification(
        self, out_refund_no: str, status: str = "SUCCESS", **signing: Any
    ) -> tuple[dict[str, str], bytes]:
        """A REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED notification (the refund takes that status)."""
        with self._lock:
            r = self.refunds[out_refund_no]
            r.status = status
            if status == "SUCCESS":
                r.success_time = self.clock().astimezone(CST).isoformat(timespec="seconds")
            if status == "CLOSED":  # the refundable amount comes back
                self.trades[r.out_trade_no].refunded -= r.refund
            trade = self.trades[r.out_trade_no]
            plaintext = {
                "mchid": self.keys.mchid,
                "out_trade_no": r.out_trade_no,
                "transaction_id": trade.transaction_id,
                "out_refund_no": r.out_refund_no,
                "refund_id": r.refund_id,
                "refund_status": status,
                "user_received_account": "支付用户零钱",
                "amount": {
                    "total": r.total,
                    "refund": r.refund,
                    "payer_total": r.total,
                    "payer_refund": r.refund,
                },
            }
            if r.success_time:
                plaintext["success_time"] = r.success_time
        summary = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}[status]
        return self.build_notification(f"REFUND.{status}", "refund", plaintext, summary, **signing)

    def build_notification(
        self,
        event_type: str,
        original_type: str,
        plaintext: dict[str, Any],
        summary: str,
        *,
        timestamp: str | None = None,
        nonce: str | None = None,
        serial: str | None = None,
        private_pem: str | None = None,
        apiv3_key: str | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """Encrypt ``plaintext`` into a notification and sign it. The keyword arguments let a test sign with the
        wrong key, name another serial, back-date the timestamp or encrypt with another APIv3 key."""
        aes_nonce = rand(12)
        plain = json.dumps(plaintext, ensure_ascii=False, separators=(",", ":")).encode()
        sealed = seal(apiv3_key or self.keys.apiv3_key, aes_nonce, plain, original_type)
        envelope = {
            "id": "EV-" + rand(24, string.digits),
            "create_time": self.clock().astimezone(CST).isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": sealed,
                "associated_data": original_type,
                "nonce": aes_nonce,
            },
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"}
        headers.update(
            self._signature_headers(
                body, timestamp=timestamp, nonce=nonce, serial=serial, private_pem=private_pem
            )
        )
        return headers, body

    def deliver(self, url: str, headers: dict[str, str], body: bytes, event_type: str = "") -> int:
        """POST a notification as WeChat Pay does; the HTTP status the merchant answered."""
        resp = requests.post(url, data=body, headers=headers, timeout=10)
        with self._lock:
            self.deliveries.append(Delivery(url, event_type, resp.status_code))
        return resp.status_code

    def notify_payment(self, out_trade_no: str, url: str | None = None) -> int:
        """The payer pays and WeChat Pay notifies ``url`` (default: the notify_url given at prepay)."""
        headers, body = self.payment_notification(out_trade_no)
        return self.deliver(url or self.trades[out_trade_no].notify_url, headers, body, "TRANSACTION.SUCCESS")

    def notify_refund(self, out_refund_no: str, status: str = "SUCCESS", url: str | None = None) -> int:
        """The refund reaches ``status`` and WeChat Pay notifies ``url`` (default: the refund's notify_url)."""
        headers, body = self.refund_notification(out_refund_no, status)
        return self.deliver(url or self.refunds[out_refund_no].notify_url, headers, body, f"REFUND.{status}")
