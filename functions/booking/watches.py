"""The order watches: reminders before each start, and exceptions for operators, each at its time and once.

- ``sync``: after every move of an order (the ``booking-watches`` consumer of order events), the order's watches
  in the sparse due index are made to match what the order needs now (``watch_rules.due_watches``): accepted →
  reminders, no check-in, late start; started → overtime; completed → unconfirmed; anything else (cancelled,
  confirmed, offered again) → none. Re-reading the order makes it order-independent and safe to repeat.
- ``run_due``: the scheduled job reads only what is due (one Query per shard of the due index), re-reads each
  order and asks the same rule: a watch the order still needs now fires — a reminder recorded once per order,
  kind and start (a conditional put with its ``OrderReminder`` event), an exception raised once per order and
  kind (``exception_queue``) — and leaves the index; one the order no longer needs leaves it; one whose time
  moved (a reschedule) moves with it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from common import events
from common.clock import iso
from common.ids import derived_id
from common.log import logger
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.booking import confirmation, exception_queue, extras, store, watch_rules, watch_store
from functions.booking.order_events import order_detail
from functions.booking.store import OrderItem


def watch_rules_from_settings() -> watch_rules.WatchRules:
    s = get_settings()
    return watch_rules.WatchRules(
        reminder_leads=tuple(timedelta(hours=h) for h in s.reminder_lead_hours),
        late_start=timedelta(minutes=s.exception_late_start_minutes),
        overtime_grace=timedelta(minutes=s.exception_overtime_grace_minutes),
        unconfirmed_after=timedelta(hours=s.exception_unconfirmed_hours),
    )


def facts_of(item: OrderItem) -> watch_rules.OrderFacts:
    return watch_rules.OrderFacts(
        status=item.status,
        worker_id=item.worker_id,
        start=datetime.fromisoformat(item.start),
        end=datetime.fromisoformat(item.end),
        arrived=bool(item.arrived_at),
        confirmed=confirmation.is_confirmed(item),
        completed_at=confirmation.completed_at(item),
    )


def sync(order_id: str, *, now: datetime) -> dict[str, int]:
    """Make the order's watches those it needs now: how many were put and dropped."""
    item = store.get(order_id, consistent=True)
    wanted = (
        {} if item is None else watch_rules.due_watches(facts_of(item), watch_rules_from_settings(), now=now)
    )
    shards = get_settings().watch_due_shards
    existing = {w.kind: w for w in watch_store.watches_of(order_id)}
    put = dropped = 0
    for kind, due_at in wanted.items():
        current = existing.get(kind)
        if current is None or current.due_at != watch_store.utc(due_at):
            watch_store.put_watch(order_id, kind, due_at, shards=shards)
            put += 1
    for kind, watch in existing.items():
        if kind not in wanted and watch_store.drop_watch(watch):
            dropped += 1
    return {"put": put, "dropped": dropped}


def run_due(*, now: datetime) -> dict[str, int]:
    """The job: every watch due at ``now`` fired or dropped; what was done."""
    s, rules_ = get_settings(), watch_rules_from_settings()
    done: Counter[str] = Counter()
    for shard in range(s.watch_due_shards):
        for watch in watch_store.due(shard, now):
            done["due"] += 1
            handle(watch, rules_, now=now, done=done)
    raise_unpaid_extras(now=now, done=done)
    return {k: done[k] for k in ("due", "reminders", "exceptions", "already", "dropped", "moved")}


def raise_unpaid_extras(*, now: datetime, done: Counter[str]) -> None:
    """Price differences approved ``exception_unpaid_extra_minutes`` ago and still unpaid (a sparse index: only
    those are in it, until paid or rejected) put their orders in the queue as ``unpaid_extra``, once each."""
    after = timedelta(minutes=get_settings().exception_unpaid_extra_minutes)
    for unpaid in extras.unpaid_extras_due(before=now - after):
        done["due"] += 1
        since = datetime.fromisoformat(unpaid.approved_at) + after
        reason = f"现场补差价 {unpaid.amount_fen / 100:.2f} 元尚未支付"
        fired = exception_queue.raise_exception(unpaid.order_id, "unpaid_extra", since, reason, now)
        done["exceptions" if fired else "already"] += 1


def handle(
    watch: watch_store.WatchItem, rules_: watch_rules.WatchRules, *, now: datetime, done: Counter[str]
) -> None:
    """One due watch, decided on the order as it is now."""
    item = store.get(watch.order_id, consistent=True)
    needed = {} if item is None else watch_rules.due_watches(facts_of(item), rules_, now=now)
    due_at = needed.get(watch.kind)
    if item is None or due_at is None:
        if watch_store.drop_watch(watch):
            done["dropped"] += 1
        return
    if due_at > now:  # the order's times moved (rescheduled): the watch moves with them
        watch_store.put_watch(item.id, watch.kind, due_at, shards=get_settings().watch_due_shards)
        done["moved"] += 1
        return
    if watch_rules.is_reminder(watch.kind):
        fired = send_reminder(item, watch.kind, now=now)
        done["reminders" if fired else "already"] += 1
    else:
        fired = exception_queue.raise_for(item, watch.kind, since=due_at, reason="", now=now)
        done["exceptions" if fired else "already"] += 1
    watch_store.drop_watch(watch)


def send_reminder(item: OrderItem, kind: str, *, now: datetime) -> bool:
    """Remind the customer and the worker of the start (notifications: inbox, subscription message, SMS);
    once per order, kind and start. False if it was sent already."""
    lead = watch_rules.lead_of(kind)

    def announce(tx: TransactWrite) -> None:
        detail: dict[str, Any] = order_detail(
            item, actor="system", note=f"{lead} hours to the start", now=now, reminder=kind, lead_hours=lead
        )
        key = f"order-reminder#{item.id}#{kind}#{item.start}"
        event_id = derived_id(datetime.fromisoformat(item.created_at), key)
        events.add(tx, "OrderReminder", detail, event_id=event_id, now=now)

    sent = watch_store.record_reminder(item.id, kind, item.start, now=iso(now), also=announce)
    if sent:
        logger.info("order reminder sent", extra={"order_id": item.id, "kind": kind})
    return sent
