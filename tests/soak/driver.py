"""The soak's driver: orders in waves through every lifecycle path, over HTTP against one local stack.

A wave books one order per worker of the soak, all starting at the same half hour (three hours ahead), each on
its own path (``PATHS``, taken in turn), with a few workers left free so a declined order has someone to go to.
Each order gets a customer of its own (a WeChat login, an address; a coupon claimed or a daily sign-in where its
path uses them). The wave's orders are paid, accepted, declined and cancelled side by side; then the business
clock moves to half an hour before their start, and they are started, completed, complained about and cancelled
in service; complaints are resolved; the workflow settles what is left after its dispute window. The next wave
starts from the clock as it is then. Every request goes through ``Http``, which retries 429 and 503 after their
``Retry-After``, as the apps do, and counts what it sent.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from tests.client import JsonCalls, Reply

SH = ZoneInfo("Asia/Shanghai")
SERVICE = "svc_daily_cleaning"  # seeded: 日常保洁, by the hour, 2 hours at least
LAT, LNG = 31.2000, 121.4600  # 徐汇, away from the seeded workers' homes
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
PATHS = (
    "settled",
    "settled_with_coupon",
    "settled_with_points",
    "declined_and_redispatched",
    "cancelled_before_payment",
    "cancelled_after_payment",
    "cancelled_after_acceptance",
    "cancelled_in_service",
    "complained",
    "not_paid_in_time",
)
SETTLED = {"settled", "settled_with_coupon", "settled_with_points", "declined_and_redispatched", "complained"}
# The stack the soak runs on: workflow waits short enough for a run, tokens that outlive the clock's moves, and
# the abuse limits off (thousands of logins from one address are the soak, not an attack).
STACK_ENV = {
    "PAYMENT_TIMEOUT_SECONDS": "90",  # a wave is booked before it is paid (payment_wait_s for a run's size)
    "ACCEPTANCE_TIMEOUT_SECONDS": "300",
    "DISPUTE_WINDOW_SECONDS": "3",
    "AUTO_CONFIRM_SECONDS": "2",  # a completed order nobody confirms is confirmed by the system at once
    "DISPUTE_RECHECK_SECONDS": "1",
    "TOKEN_TTL_MINUTES": str(365 * 24 * 60),
    "RATE_LIMITS_ENABLED": "false",
}


def payment_wait_s(workers: int, spare: int = 3) -> int:
    """The payment wait a soak of ``workers`` needs: a whole wave is booked before any of it is paid, about 4 s
    an order on a loaded box, and no less than 30 s."""
    return max(30, 4 * (workers - spare))


class Http(JsonCalls):
    """JSON over HTTP with a session per thread; 429/503 retried after ``Retry-After`` and 502 (WeChat, WeChat
    Pay unavailable: "try again") after a second, as the apps do; requests counted."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sent: Counter[str] = Counter()  # status class → requests
        self.retried = 0
        self.internal_errors = 0  # any 5xx but a 503 from the product: never allowed
        self.standin_errors = 0  # a local stand-in that gave up on the product (a dev route's 5xx)
        self._local = threading.local()
        self._lock = threading.Lock()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        session = getattr(self._local, "session", None) or requests.Session()
        self._local.session = session
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        for _ in range(20):
            resp = session.request(method, self.base_url + path, json=body, headers=hdrs, timeout=60)
            with self._lock:
                self.sent[f"{resp.status_code // 100}xx"] += 1
                failed = resp.status_code >= 500 and resp.status_code not in (502, 503)
                if path.startswith("/v1/dev/"):
                    self.standin_errors += failed
                else:
                    self.internal_errors += failed
            if resp.status_code not in (429, 502, 503):  # rate limited, WeChat unavailable, busy: try again
                break
            with self._lock:
                self.retried += 1
            time.sleep(min(float(resp.headers.get("Retry-After", "1")), 5.0))
        return Reply(resp.status_code, resp.json() if resp.content else None, dict(resp.headers))

    def ok(self, method: str, path: str, body: Any = None, *, status: int = 200, **kw: Any) -> Any:
        reply = self.call(method, path, body, **kw)
        if reply.status != status:
            raise AssertionError(f"{method} {path}: {reply.status} {reply.body}")
        return reply.body


@dataclass
class Order:
    index: int
    path: str
    customer: str  # token
    customer_name: str
    worker_id: str
    id: str = ""
    coupon_id: str | None = None
    points: int = 0
    complaint_id: str | None = None
    notes: list[str] = field(default_factory=list)  # what the driver saw refused as it must be


@dataclass
class Soak:
    http: Http
    tag: str  # keeps this run's names apart from another run's on the same stack
    workers: int = 12
    spare: int = 3  # workers left free in each wave, for the declined orders
    threads: int = 6
    operator: str = ""
    worker_tokens: dict[str, str] = field(default_factory=dict)  # worker id → token
    orders: list[Order] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)  # personal data sent, which no log line may show
    coupon_template: str = ""
    first_day: str = ""
    last_start: datetime | None = None

    # --- setting up ---------------------------------------------------------------------------------------

    def setup(self, operator_password: str) -> None:
        h = self.http
        self.operator = h.ok(
            "POST", "/v1/auth/operator", {"username": "admin", "password": operator_password}
        )["token"]
        self._pool(self._worker, list(range(self.workers)))
        now = self.now()
        self.first_day = now.date().isoformat()
        template = {
            "name": "soak 满80减20",
            "kind": "threshold",
            "discount_fen": 2000,
            "threshold_fen": 8000,
            "valid_until": (now + timedelta(days=120)).isoformat(),
            "total": 100000,
            "per_user_limit": 1,
        }
        self.coupon_template = h.ok(
            "POST", "/v1/admin/coupon-templates", template, status=201, token=self.operator
        )["id"]

    def _worker(self, w: int) -> None:
        h, name = self.http, f"oSoak{self.tag}w{w:03d}"
        login = h.ok("POST", "/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"})
        token, worker_id = login["token"], login["user"]["id"]
        phone, cert = f"1396{self.tag[-3:]}{w:04d}", f"SOAK{self.tag}CERT{w:04d}"
        self.secrets |= {name, phone, cert, token}
        profile = {
            "name": "周阿姨",
            "gender": "female",
            "birth_year": 1976,
            "hometown": "安徽安庆",
            "experience_years": 9,
            "skills": [SERVICE],
            "certificates": [{"type": "家政服务员证", "number": cert, "expires_on": "2032-01-01"}],
            "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
            "bio": "细心守时。",
            "photos": [],
            "videos": [],
            "home": {"lat": LAT, "lng": LNG},
            "service_radius_km": 5,
            "phone": phone,
        }
        h.ok("PUT", "/v1/worker/profile", profile, token=token)
        h.ok("PUT", "/v1/worker/availability", {"weekly": ALL_WEEK}, token=token)
        h.ok("POST", f"/v1/admin/workers/{worker_id}/verify", {"approved": True}, token=self.operator)
        self.worker_tokens[worker_id] = token

    def now(self) -> datetime:
        return datetime.fromisoformat(self.http.ok("GET", "/v1/dev/clock")["now"]).astimezone(SH)

    # --- a run --------------------------------------------------------------------------------------------

    def run(self, count: int, progress: Callable[[str], None] = lambda _: None) -> None:
        """``count`` orders in waves; returns when every order has reached the end of its path."""
        per_wave = self.workers - self.spare
        while len(self.orders) < count:
            self.wave(min(per_wave, count - len(self.orders)))
            progress(f"{len(self.orders)} orders")
        self.settle_all()

    def wave(self, size: int) -> None:
        start = half_hour_after(self.now(), 3)
        if self.last_start is not None:  # clear of the last wave's slots and their travel buffer
            start = max(start, self.last_start + timedelta(hours=3))
        self.last_start = start
        workers = sorted(self.worker_tokens)
        first = len(self.orders)
        wave = [Order(first + i, PATHS[(first + i) % len(PATHS)], "", "", workers[i]) for i in range(size)]
        self.orders += wave
        # Every order of the wave is booked before any is declined: a declined order goes to the best free
        # worker, who must not be one whose own order of the wave is still to be booked.
        self._pool(lambda o: self.book(o, start), wave)
        self._pool(self.early, wave)
        self.http.ok("POST", "/v1/dev/clock", {"now": (start - timedelta(minutes=30)).isoformat()})
        self._pool(self.late, wave)
        for order in wave:
            if order.complaint_id:
                resolution = {"resolution": "已与客户沟通", "refund_fen": 1000}
                path = f"/v1/admin/complaints/{order.complaint_id}/resolve"
                self.http.ok("POST", path, resolution, token=self.operator)

    def book(self, order: Order, start: datetime) -> None:
        """The customer, the address and the order (with a coupon or points where the path uses them)."""
        h = self.http
        order.customer_name = f"oSoak{self.tag}c{order.index:05d}"
        order.customer = h.ok(
            "POST", "/v1/auth/wechat", {"code": f"dev:{order.customer_name}", "role": "customer"}
        )["token"]
        phone = f"1380{self.tag[-3:]}{order.index % 10000:04d}"
        self.secrets |= {order.customer_name, phone, order.customer}
        address = {
            "contact_name": "赵女士",
            "phone": phone,
            "region": "上海市徐汇区",
            "detail": "天钥桥路 1 号",
        }
        address_id = h.ok(
            "POST", "/v1/me/addresses", {**address, "lat": LAT, "lng": LNG}, status=201, token=order.customer
        )["id"]
        body: dict[str, Any] = {
            "service_id": SERVICE,
            "start": start.isoformat(),
            "units": 2,
            "address_id": address_id,
            "worker_id": order.worker_id,
        }
        if order.path == "settled_with_coupon":
            claim = {"template_id": self.coupon_template}
            order.coupon_id = body["coupon_id"] = h.ok(
                "POST", "/v1/me/coupons/claim", claim, status=201, token=order.customer
            )["id"]
        if order.path == "settled_with_points":
            order.points = body["points"] = h.ok("POST", "/v1/me/sign-in", token=order.customer)["balance"]
        key = {"Idempotency-Key": f"soak-{self.tag}-{order.index}"}
        order.id = h.ok("POST", "/v1/orders", body, status=201, token=order.customer, headers=key)["id"]
        if order.coupon_id or order.points:  # spent once: a second order cannot use them again
            again = h.call(
                "POST",
                "/v1/orders",
                {**body, "start": (start + timedelta(hours=6)).isoformat()},
                token=order.customer,
            )
            order.notes.append(f"second use refused {again.status}")
            if again.status < 400:
                raise AssertionError(f"order {order.id}: a coupon or points spent twice: {again.body}")

    def early(self, order: Order) -> None:
        """Payment up to acceptance, and the cancellations before service."""
        h = self.http
        if order.path == "not_paid_in_time":
            return
        if order.path == "cancelled_before_payment":
            self.cancel(order)
            return
        h.ok("POST", f"/v1/orders/{order.id}/pay", token=order.customer)
        self.paid(order)
        if order.path == "cancelled_after_payment":
            self.cancel(order)
            return
        worker = self.worker_tokens[order.worker_id]
        if order.path == "declined_and_redispatched":
            h.ok("POST", f"/v1/worker/orders/{order.id}/decline", token=worker)
            moved = eventually(
                lambda: self._offered_elsewhere(order), f"order {order.id} offered to another worker"
            )
            worker = self.worker_tokens[moved]
        h.ok("POST", f"/v1/worker/orders/{order.id}/accept", token=worker)
        if order.path == "cancelled_after_acceptance":
            self.cancel(order)

    def paid(self, order: Order) -> None:
        """WeChat Pay's notification, sent again while the stand-in did not get an answer (its 10 s timeout on a
        loaded box), as WeChat Pay re-sends it; the product records it once."""
        for _ in range(5):
            if self.http.call("POST", f"/v1/dev/payments/{order.id}/succeed").status == 200:
                return
            seen = self.http.ok("GET", f"/v1/orders/{order.id}", token=order.customer)
            if seen["status"] != "pending_payment":
                return
        raise AssertionError(f"order {order.id}: the payment notification never got through")

    def _offered_elsewhere(self, order: Order) -> str | None:
        seen = self.http.ok("GET", f"/v1/orders/{order.id}", token=order.customer)
        worker = (seen.get("worker") or {}).get("id")
        moved = seen["status"] == "pending_acceptance" and worker not in (None, order.worker_id)
        return worker if moved and worker in self.worker_tokens else None

    def late(self, order: Order) -> None:
        """Service: start, complete, a complaint; the operator's cancellation in service."""
        if order.path not in SETTLED | {"cancelled_in_service"}:
            return
        h = self.http
        seen = h.ok("GET", f"/v1/orders/{order.id}", token=order.customer)
        worker = self.worker_tokens[seen["worker"]["id"]]
        h.ok("POST", f"/v1/worker/orders/{order.id}/start", token=worker)
        if order.path == "cancelled_in_service":
            body = {"reason": "客户临时取消", "refund_fen": 5000}
            h.ok("POST", f"/v1/admin/orders/{order.id}/cancel", body, token=self.operator)
            return
        h.ok("POST", f"/v1/worker/orders/{order.id}/complete", token=worker)
        if order.path == "settled":  # the customer confirms; the other paths are confirmed by the system
            h.ok("POST", f"/v1/orders/{order.id}/confirm", token=order.customer)
        if order.path == "complained":
            text = {"text": "打扫不彻底，厨房没有清洁"}
            order.complaint_id = h.ok(
                "POST", f"/v1/orders/{order.id}/complaints", text, status=201, token=order.customer
            )["id"]

    def cancel(self, order: Order) -> None:
        self.http.ok("POST", f"/v1/orders/{order.id}/cancel", {"reason": "临时有事"}, token=order.customer)

    def settle_all(self, limit_s: float = 300) -> None:
        """Wait until every order is at the end of its path: settled or cancelled (the unpaid by the system)."""
        pending = list(self.orders)
        deadline = time.monotonic() + limit_s
        while pending and time.monotonic() < deadline:
            pending = [o for o in pending if not self.at_end(o)]
            if pending:
                time.sleep(1)

    def at_end(self, order: Order) -> bool:
        seen = self.http.ok("GET", f"/v1/admin/orders/{order.id}", token=self.operator)
        if order.path in SETTLED:
            return seen["status"] == "completed" and seen["timeline"][-1]["note"] == "settled"
        return seen["status"] == "cancelled"

    def _pool(self, work: Callable[[Any], None], items: list[Any]) -> None:
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            for future in [pool.submit(work, item) for item in items]:
                future.result()


def half_hour_after(now: datetime, hours: float) -> datetime:
    t = (now + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return t + timedelta(minutes=(30 - t.minute % 30) % 30)


def eventually(check: Callable[[], Any], what: str, limit_s: float = 60) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")
