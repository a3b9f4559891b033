"""Local stack extension for payments: the WeChat Pay stand-in (a key set generated per run, never stored),
refund notifications sent back a second after each refund, and ``POST /v1/dev/payments/{order_id}/succeed``."""

from __future__ import annotations

import os
from typing import Any

from common.errors import NotFound

from infra.local.dev_routes import local_route

_standin: Any = None


def start(stack: Any) -> None:
    global _standin
    from common.clock import clock

    from infra.standins.wechatpay import WeChatPayStandIn
    from infra.standins.wechatpay_keys import WeChatPayKeys

    keys = WeChatPayKeys.generate(
        mchid="1900000109", appid=os.environ.get("WECHAT_APPID") or "wx-local-appid"
    )
    _standin = WeChatPayStandIn(keys, clock=clock.now, refund_notify_after=1.0)
    stack.on_stop(_standin.close)
    os.environ.update(keys.settings_env(_standin.url))


@local_route("/v1/dev/payments/{order_id}/succeed", "POST")
def pay_order(call: Any, order_id: str) -> dict[str, Any]:
    """The WeChat Pay stand-in pays the order (local stack only).

    As if the customer paid in WeChat: the stand-in sends its real, signed and encrypted notification to
    `POST /v1/payments/wechat/notify` and answers the status that got. 404 `NO_PREPAY` before
    `POST /v1/orders/{order_id}/pay` was called for the order. Once the order is paid, its next trade started
    and unpaid is the one paid: an engagement's balance (尾款), or an on-site price difference (补差价) once
    `POST /v1/orders/{order_id}/extras/{extra_id}/approve` was called; a trade's own out_trade_no
    (`{order_id}-x01`) pays that one.
    """
    if _standin is None or order_id not in _standin.trades:
        raise NotFound("no prepay for that order: call POST /v1/orders/{id}/pay first", code="NO_PREPAY")
    unpaid = [
        t.out_trade_no
        for no, t in list(_standin.trades.items())
        if no.startswith(f"{order_id}-") and t.state == "NOTPAY"
    ]
    paid = order_id if _standin.trades[order_id].state == "NOTPAY" or not unpaid else unpaid[0]
    status = _standin.notify_payment(paid)
    return {"order_id": order_id, "out_trade_no": paid, "notify_status": status}
