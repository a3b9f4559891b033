"""Analytics' items in the one table (docs/access-patterns.md "analytics"); no other module spells these keys.

- day counters:      ``STATS#{shard}`` / ``DAY#{YYYY-MM-DD}``   ADD only; one shard per event (by its id), so a
                     busy day spreads over ``analytics_stats_shards`` partitions; a range of days is one Query
                     per shard (date-sorted), summed
- all-time totals:   ``STATS#{shard}`` / ``TOTAL``              registered customers and workers, rating sums per
                     category (BatchGetItem of the shards)
- worker's day:      ``WSTATS#{worker}`` / ``DAY#{date}``       completed, started (on time), minutes, income …
- worker directory:  ``WSTATS#{worker}`` / ``WORKER``           GSI1 ``PERFWORKERS`` → ``{worker}`` (keys only,
                     written unchanged after the first time, so the index partition is not rewritten per event)
- worker's rating:   ``WSTATS#{worker}`` / ``RATING#{category}`` skill sums of the customers' reviews
- review kept:       ``WSTATS#{worker}`` / ``REVIEW#{review}``   so a hidden review can be taken out again
- credit history:    ``WSTATS#{worker}`` / ``CREDIT#{utc at}``   one per CreditChanged, the trend
- customer:          ``CSTATS#{customer}`` / ``TOTAL``           orders, spend, points, coupons, ratings by workers
- customer's tier:   ``CSTATS#{customer}`` / ``TIER``            GSI1 ``CUSTOMERTIER#{tier}`` → ``{customer}``
- registrations:     ``REGISTERED#{date}#{role}`` / ``{user}``  who registered that day (exports)
- active guard:      ``ACTIVE#{date}#{role}#{user}`` / ``ACTIVE`` a user counts once a day as active (TTL)

Counter items have open-ended attribute names (``cat:{category}:paid``), so they are written with PynamoDB paths
and read through the low-level client.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from common import aws
from common.db import Item
from common.pagination import StorePage
from common.settings import get_settings
from common.table import GSI1
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from functions.analytics.rules import Active, Deltas, Tally, review_deltas


class Counters(Item):
    """A counter item: keys only declared; its counters are ADDed by name."""


class PerfWorkerItem(Item):
    worker_id = UnicodeAttribute()
    directory = GSI1()


class ReviewKeptItem(Item):
    worker_id = UnicodeAttribute()
    category_id = UnicodeAttribute()
    skill = NumberAttribute()
    hidden = BooleanAttribute(null=True)


class CreditPointItem(Item):
    at = UnicodeAttribute()
    score = NumberAttribute()


class TierItem(Item):
    customer_id = UnicodeAttribute()
    tier = UnicodeAttribute()
    at = UnicodeAttribute()
    by_tier = GSI1()


class RegisteredItem(Item):
    user_id = UnicodeAttribute()


class ActiveGuardItem(Item):
    expires_at = NumberAttribute()


def shards() -> int:
    return get_settings().analytics_stats_shards


def shard_of(event_id: str) -> int:
    return zlib.crc32(event_id.encode()) % shards()


def day_key(shard: int, day: date) -> tuple[str, str]:
    return f"STATS#{shard}", f"DAY#{day.isoformat()}"


def worker_pk(worker_id: str) -> str:
    return f"WSTATS#{worker_id}"


def customer_pk(customer_id: str) -> str:
    return f"CSTATS#{customer_id}"


def _utc(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- writing: one event's tally, inside the consumer's transaction ---------------------------------------------


def _adds(deltas: Deltas) -> list[Any]:
    return [Path(name).add(amount) for name, amount in sorted(deltas.items()) if amount]


def _active_key(active: Active) -> tuple[str, str]:
    return f"ACTIVE#{active.day.isoformat()}#{active.role}#{active.user_id}", "ACTIVE"


def _region_key(active: Active) -> tuple[str, str]:
    return f"ACTIVE#{active.day.isoformat()}#{active.role}#{active.user_id}", "REGION"


def write_tally(tx: TransactWrite, t: Tally, *, event_id: str, now: datetime) -> None:
    """Add ``t`` to ``tx`` (the transaction that also writes the once-per-event guard).

    Reads first what the writes depend on (has this user been active today, the kept review a ReviewHidden takes
    out, the tier a TierChanged replaces) and conditions the writes on what it read: a concurrent event for the
    same user cancels this transaction, and the redelivery then sees the other's write."""
    guards: set[tuple[str, str]] = set()
    expires = int((now + timedelta(days=get_settings().analytics_active_guard_days)).timestamp())
    for active in t.active:
        role = "users" if active.role == "customer" else "workers"
        day = t.days.setdefault(active.day, {})
        # Active once a day; counted in a region once a day too (its first event with one: a login has none).
        for key, counter in (
            (_active_key(active), f"active_{role}"),
            (_region_key(active), f"region:{active.region}:{role}") if active.region else (None, ""),
        ):
            if key is None or key in guards or ActiveGuardItem.find(*key) is not None:
                continue
            guards.add(key)
            day[counter] = day.get(counter, 0) + 1
            tx.save(ActiveGuardItem(*key, expires_at=expires), condition=ActiveGuardItem.PK.does_not_exist())

    if t.hidden_review is not None:
        worker, review_id = t.hidden_review
        kept = ReviewKeptItem.find(worker_pk(worker), f"REVIEW#{review_id}")
        if kept is not None and not kept.hidden:
            review_deltas(t, {"worker_id": worker, "category_id": kept.category_id, "skill": kept.skill}, -1)
            tx.update(
                kept,
                actions=[ReviewKeptItem.hidden.set(True)],
                condition=ReviewKeptItem.hidden.does_not_exist(),
            )

    shard = shard_of(event_id)
    for day, deltas in t.days.items():
        if deltas:
            tx.update(Counters(*day_key(shard, day)), actions=_adds(deltas))
    if t.totals:
        tx.update(Counters(f"STATS#{shard}", "TOTAL"), actions=_adds(t.totals))
    for (worker, day), deltas in t.workers.items():
        tx.update(Counters(worker_pk(worker), f"DAY#{day.isoformat()}"), actions=_adds(deltas))
    for (worker, cat), deltas in t.worker_ratings.items():
        if deltas:
            tx.update(Counters(worker_pk(worker), f"RATING#{cat}"), actions=_adds(deltas))
    for worker in sorted(t.seen_workers):
        tx.save(
            PerfWorkerItem(worker_pk(worker), "WORKER", worker_id=worker, GSI1PK="PERFWORKERS", GSI1SK=worker)
        )
    for customer, deltas in t.customers.items():
        tx.update(Counters(customer_pk(customer), "TOTAL"), actions=_adds(deltas))
    if t.review is not None:
        r = t.review
        tx.save(
            ReviewKeptItem(
                worker_pk(r["worker_id"]),
                f"REVIEW#{r['review_id']}",
                worker_id=r["worker_id"],
                category_id=r["category_id"],
                skill=r["skill"],
            )
        )
    if t.credit is not None:
        worker, at, score = t.credit
        tx.save(CreditPointItem(worker_pk(worker), f"CREDIT#{_utc(at)}", at=at, score=score))
    if t.tier is not None:
        _write_tier(tx, *t.tier)
    if t.registered is not None:
        role, user, day = t.registered
        tx.save(RegisteredItem(f"REGISTERED#{day.isoformat()}#{role}", user, user_id=user))


def _write_tier(tx: TransactWrite, customer: str, tier: str, at: str) -> None:
    """The latest tier wins: an older TierChanged arriving late changes nothing."""
    current = TierItem.find(customer_pk(customer), "TIER")
    if current is not None and _utc(current.at) > _utc(at):
        return
    item = TierItem(
        customer_pk(customer), "TIER", customer_id=customer, tier=tier, at=at, GSI1PK=f"CUSTOMERTIER#{tier}"
    )
    item.GSI1SK = customer
    condition = TierItem.PK.does_not_exist() if current is None else TierItem.at == current.at
    tx.save(item, condition=condition)


# -- writing history directly (the local stack's demo history, the benchmark) ------------------------------------


def add_counters(pk: str, sk: str, deltas: Deltas) -> None:
    """ADD ``deltas`` to one counter item outside any event (seeding totals)."""
    if deltas:
        Counters(pk, sk).update(actions=_adds(deltas))


def put_history(days: dict[tuple[int, date], Deltas]) -> int:
    """Write generated past days' counter items whole (BatchWriteItem, 25 a call): only for a table's one-time
    demo history or a benchmark's table, guarded by ``mark_demo_seeded``, never over counted days."""
    table = get_settings().table_name
    requests = [
        {
            "PutRequest": {
                "Item": {
                    "PK": {"S": day_key(shard, day)[0]},
                    "SK": {"S": day_key(shard, day)[1]},
                    **{name: {"N": str(value)} for name, value in deltas.items()},
                }
            }
        }
        for (shard, day), deltas in days.items()
        if deltas
    ]
    for n in range(0, len(requests), 25):
        pending = {table: requests[n : n + 25]}
        while pending:
            pending = _client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(requests)


# -- reading ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _client() -> Any:
    return aws.client("dynamodb")


_deserializer = TypeDeserializer()
_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK"}


def _counters(raw: dict[str, Any]) -> Deltas:
    return {
        name: int(_deserializer.deserialize(value))
        for name, value in raw.items()
        if name not in _KEYS and "N" in value
    }


def _query(pk: str, low: str, high: str, names: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {
        "TableName": get_settings().table_name,
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :low AND :high",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":low": {"S": low}, ":high": {"S": high}},
    }
    if names is not None:  # only these counters (and the keys): less to send back
        wanted = ["SK", *names]
        kwargs["ProjectionExpression"] = ", ".join(f"#a{n}" for n in range(len(wanted)))
        kwargs["ExpressionAttributeNames"] = {f"#a{n}": name for n, name in enumerate(wanted)}
    while True:
        page = _client().query(**kwargs)
        yield from page.get("Items", [])
        if not page.get("LastEvaluatedKey"):
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _batch_get(keys: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    table, found = get_settings().table_name, []
    pending = [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in keys]
    while pending:
        chunk, pending = pending[:100], pending[100:]
        request = {table: {"Keys": chunk}}
        while request:
            reply = _client().batch_get_item(RequestItems=request)
            found.extend(reply.get("Responses", {}).get(table, []))
            request = reply.get("UnprocessedKeys") or {}
    return found


def day_counters(first: date, last: date, names: Iterable[str] | None = None) -> dict[date, Deltas]:
    """The summed counters (all, or only ``names``) of each day from ``first`` to ``last`` that has any: one
    Query per shard."""
    result: dict[date, Deltas] = {}
    wanted = list(names) if names is not None else None
    for shard in range(shards()):
        for raw in _query(f"STATS#{shard}", f"DAY#{first.isoformat()}", f"DAY#{last.isoformat()}", wanted):
            day = date.fromisoformat(raw["SK"]["S"].removeprefix("DAY#"))
            totals = result.setdefault(day, {})
            for name, value in _counters(raw).items():
                totals[name] = totals.get(name, 0) + value
    return result


def totals() -> Deltas:
    """All-time totals summed over the shards (one BatchGetItem)."""
    summed: Deltas = {}
    for raw in _batch_get((f"STATS#{n}", "TOTAL") for n in range(shards())):
        for name, value in _counters(raw).items():
            summed[name] = summed.get(name, 0) + value
    return summed


def worker_days(worker_id: str, first: date, last: date) -> dict[date, Deltas]:
    return {
        date.fromisoformat(raw["SK"]["S"].removeprefix("DAY#")): _counters(raw)
        for raw in _query(worker_pk(worker_id), f"DAY#{first.isoformat()}", f"DAY#{last.isoformat()}")
    }


def worker_ratings(worker_id: str) -> dict[str, Deltas]:
    return {
        raw["SK"]["S"].removeprefix("RATING#"): _counters(raw)
        for raw in _query(worker_pk(worker_id), "RATING#", "RATING#~")
    }


def credit_points(worker_id: str, since: datetime, until: datetime) -> list[tuple[str, int]]:
    """(at, score) of the worker's credit changes in the window, oldest first."""
    low = f"CREDIT#{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    high = f"CREDIT#{until.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    return [(raw["at"]["S"], int(raw["score"]["N"])) for raw in _query(worker_pk(worker_id), low, high)]


def perf_workers(limit: int, start: dict[str, Any] | None) -> StorePage[str]:
    """Ids of the workers with any counted event (GSI1 ``PERFWORKERS``), a page at a time."""
    result = PerfWorkerItem.directory.query("PERFWORKERS", limit=limit, last_evaluated_key=start)
    return StorePage([item.worker_id for item in result], result.last_evaluated_key)


def customer_stats(customer_id: str) -> tuple[Deltas, str | None]:
    """A customer's counters and tier (None before any TierChanged): one BatchGetItem."""
    counters: Deltas = {}
    tier = None
    for raw in _batch_get([(customer_pk(customer_id), "TOTAL"), (customer_pk(customer_id), "TIER")]):
        if raw["SK"]["S"] == "TIER":
            tier = raw["tier"]["S"]
        else:
            counters = _counters(raw)
    return counters, tier


def customers_by_tier(tier: str, limit: int, start: dict[str, Any] | None) -> StorePage[str]:
    """Ids of the customers whose latest tier is ``tier`` (GSI1), a page at a time."""
    result = TierItem.by_tier.query(f"CUSTOMERTIER#{tier}", limit=limit, last_evaluated_key=start)
    return StorePage([item.customer_id for item in result], result.last_evaluated_key)


def registered_on(
    day: date, role: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[str], dict | None]:
    """Users of ``role`` who registered on ``day`` (one Query, a page at a time)."""
    result = RegisteredItem.query(
        f"REGISTERED#{day.isoformat()}#{role}", limit=limit, last_evaluated_key=start
    )
    ids = [item.user_id for item in result]
    return ids, result.last_evaluated_key


def mark_demo_seeded(now: datetime) -> bool:
    """Claim the one-time demo history of this table; False if it was already written."""
    try:
        ActiveGuardItem("STATS#demo", "SEEDED", expires_at=int(now.timestamp()) + 10 * 365 * 86400).save(
            condition=ActiveGuardItem.PK.does_not_exist()
        )
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
