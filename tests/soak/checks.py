"""The soak's invariants, read over HTTP through the product's own key-conditioned reads (no Scan, and no listing
the API does not already give): each worker's calendar (``WORKER#{id} / SLOT#…``), each order by id, each
customer's coupons and points, the finance summary's ledger check (every account's balance, summed). Plus the
stack's captured log, searched for the personal data the soak sent.

Each check returns the problems it found (empty: holds).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from tests.soak.driver import SETTLED, Soak

WAITING = {"pending_payment", "pending_acceptance", "accepted", "in_service"}


def orders_seen(soak: Soak) -> dict[str, dict[str, Any]]:
    return {o.id: soak.http.ok("GET", f"/v1/admin/orders/{o.id}", token=soak.operator) for o in soak.orders}


def paths_reached(soak: Soak, seen: dict[str, dict[str, Any]]) -> list[str]:
    """Every order ended where its path leads: settled (completed, the timeline's last note) or cancelled."""
    problems = []
    for order in soak.orders:
        got = seen[order.id]
        end = (got["status"], got["timeline"][-1]["note"])
        ok = end == ("completed", "settled") if order.path in SETTLED else got["status"] == "cancelled"
        if not ok:
            problems.append(f"order {order.id} ({order.path}) ended {end}")
    return problems


def no_order_waits_past_its_deadline(soak: Soak, seen: dict[str, dict[str, Any]], now: datetime) -> list[str]:
    """No order in a waiting state whose wait is over: unpaid past ``pay_deadline``, unaccepted or unstarted past
    its start, in service past its end."""
    problems = []
    for order_id, got in seen.items():
        status = got["status"]
        if status not in WAITING:
            continue
        deadline = {
            "pending_payment": got["pay_deadline"],
            "pending_acceptance": got["start"],
            "accepted": got["start"],
            "in_service": got["end"],
        }[status]
        if datetime.fromisoformat(deadline) < now:
            problems.append(f"order {order_id} still {status} after {deadline}")
    return problems


def no_slot_lock_without_a_live_order(
    soak: Soak, seen: dict[str, dict[str, Any]], now: datetime
) -> list[str]:
    """Every slot a worker's calendar shows is held by an order of that worker that is not cancelled."""
    problems, first, last = [], date.fromisoformat(soak.first_day), now.date() + timedelta(days=2)
    for worker_id, token in soak.worker_tokens.items():
        day = first
        while day <= last:
            calendar = soak.http.ok("GET", f"/v1/worker/calendar?from={day.isoformat()}&days=14", token=token)
            for held in calendar["slots"]:
                order = seen.get(held["order_id"]) or soak.http.ok(
                    "GET", f"/v1/admin/orders/{held['order_id']}", token=soak.operator
                )
                holder = (order.get("worker") or {}).get("id")
                if order["status"] == "cancelled" or holder != worker_id:
                    problems.append(
                        f"worker {worker_id} {held['date']} {held['time']}: lock of order {order['id']} "
                        f"({order['status']}, its worker {holder})"
                    )
            day += timedelta(days=14)
    return problems


def ledger_balances(soak: Soak, now: datetime) -> list[str]:
    summary = soak.http.ok(
        "GET", f"/v1/admin/finance/summary?to={now.date().isoformat()}", token=soak.operator
    )
    return [] if summary["ledger_balanced"] else [f"the ledger does not sum to zero: {summary}"]


def coupons_and_points_spent_once(soak: Soak, seen: dict[str, dict[str, Any]]) -> list[str]:
    """A coupon is used by exactly the order it was given to (a second order was refused it); points are spent
    once per order, and a customer's balance is the sum of their history and never negative."""
    problems = []
    for order in soak.orders:
        if order.coupon_id:
            mine = soak.http.ok("GET", "/v1/me/coupons", token=order.customer)["items"]
            used = [(c["id"], c.get("order_id")) for c in mine if c["status"] == "used"]
            if used != [(order.coupon_id, order.id)]:
                problems.append(f"customer of order {order.id}: coupons used {used}")
            if not seen[order.id]["price"]["coupon_discount_fen"]:
                problems.append(f"order {order.id} took no coupon discount")
        if order.points:
            points = soak.http.ok("GET", "/v1/me/points?limit=100", token=order.customer)
            deltas = [item["delta"] for item in points["items"]]
            spent = [item.get("order_id") for item in points["items"] if item["delta"] < 0]
            if points["balance"] != sum(deltas) or points["balance"] < 0:
                problems.append(f"customer of order {order.id}: balance {points['balance']} of {deltas}")
            if spent.count(order.id) != 1 or len(spent) != len(set(spent)):
                problems.append(f"customer of order {order.id}: points spent on {spent}")
    return problems


def no_personal_data_in_logs(soak: Soak, log: str) -> list[str]:
    """None of the phones, certificate numbers, tokens and openids the soak sent appears in the stack's log."""
    return [f"the log shows {secret[:12]}…" for secret in sorted(soak.secrets) if secret in log]


def run_all(soak: Soak, log: str) -> dict[str, list[str]]:
    """Every invariant → its problems."""
    now = soak.now()
    seen = orders_seen(soak)
    return {
        "every order reached the end of its path": paths_reached(soak, seen),
        "no order waits past its deadline": no_order_waits_past_its_deadline(soak, seen, now),
        "no slot lock without a live order": no_slot_lock_without_a_live_order(soak, seen, now),
        "the ledger sums to zero": ledger_balances(soak, now),
        "every coupon and point spent at most once": coupons_and_points_spent_once(soak, seen),
        "no personal data in the logs": no_personal_data_in_logs(soak, log),
    }
