"""The workers' items in the one table (docs/access-patterns.md, "workers"):

- profile:      WORKER#{id} / PROFILE          GSI1 WORKERS#{status} / {since}#{id}  (operators' lists)
- counters:     WORKER#{id} / STATS            ADD only: active and completed orders, rating sums
- skill card:   WORKER#{id} / SKILL#{category} GSI2 SKILLGEO#{category}#{geohash4} / {geohash9}#{id}, only while
                the worker is matchable (sparse), so matching reads matchable workers near the address only
- audit:        WORKER#{id} / AUDIT#{at}#{id}       each submission and operator decision
Slot locks and active-order markers are in ``slot_store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from common.db import Item, connection
from common.geo import CellRange, encode
from common.ids import new_id
from common.pagination import StorePage
from common.table import GSI1, GSI2
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from functions.workers.models import WorkerRecord
from functions.workers.rules import CardSkill, is_matchable

CELL_PREFIX = 4  # index partitions are geohash-4 cells (≈ 39 × 20 km); sort keys carry the full home geohash


def pk(worker_id: str) -> str:
    return f"WORKER#{worker_id}"


class ProfileItem(Item):
    by_status = GSI1()
    id = UnicodeAttribute()
    status = UnicodeAttribute()
    accepting = BooleanAttribute()
    credit_score = NumberAttribute()
    credit_matchable = BooleanAttribute(null=True)
    credit_order_cap = NumberAttribute(null=True)
    profile = JSONAttribute()  # ProfileIn, as the worker sent it (holds private fields)
    skills = JSONAttribute()  # [SkillRef]
    skill_index = JSONAttribute()  # {category: {"via", "services"}}
    weekly = JSONAttribute()
    days_off = JSONAttribute()
    last_review = JSONAttribute(null=True)
    verified_at = UnicodeAttribute(null=True)
    since = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class StatsItem(Item):
    active_orders = NumberAttribute(null=True)
    completed_orders = NumberAttribute(null=True)
    rating_count = NumberAttribute(null=True)
    rating_attitude = NumberAttribute(null=True)  # sums of 1-5 scores
    rating_skill = NumberAttribute(null=True)
    rating_quality = NumberAttribute(null=True)
    rating_seq = NumberAttribute(null=True)  # +1 on every rating change, so card snapshots never go back
    matchable = BooleanAttribute(null=True)  # mirrors the profile, read with the slot locks
    order_cap = NumberAttribute(null=True)  # the credit level's concurrent-order cap (None: the platform's)


class CardItem(Item):
    """What matching needs to filter and score a worker for one category, without reading the profile."""

    by_cell = GSI2()
    worker_id = UnicodeAttribute()
    category_id = UnicodeAttribute()
    via = UnicodeAttribute()
    services = JSONAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()
    radius_km = NumberAttribute()
    health_status = UnicodeAttribute()
    health_expires_on = UnicodeAttribute()
    weekly = JSONAttribute()
    days_off = JSONAttribute()
    experience_years = NumberAttribute()
    credit_score = NumberAttribute()
    rating_count = NumberAttribute(null=True)
    rating_overall = NumberAttribute(null=True)
    rating_seq = NumberAttribute(null=True)
    name = UnicodeAttribute()
    gender = UnicodeAttribute()
    birth_year = NumberAttribute()
    hometown = UnicodeAttribute()
    photo = UnicodeAttribute(null=True)


class AuditItem(Item):
    action = UnicodeAttribute()
    status = UnicodeAttribute()
    note = UnicodeAttribute()
    by = UnicodeAttribute()
    at = UnicodeAttribute()


def tx_connection() -> Connection:
    """The one connection for transactions (``common.db.connection``, cached there: each new one builds a
    botocore client); not kept here, so a SnapStart restore that drops it drops it for this module too."""
    return connection()


def cancelled(exc: TransactWriteError) -> bool:
    return exc.cause_response_code == "TransactionCanceledException"


# --- profile, cards, counters -----------------------------------------------------------------------------


def _record(item: ProfileItem) -> WorkerRecord:
    return WorkerRecord.model_validate(
        {
            name: getattr(item, name)
            for name in WorkerRecord.model_fields
            if name not in ("version",) and getattr(item, name, None) is not None
        }
        | {"version": item.version}
    )


def load(worker_id: str, *, consistent: bool = True) -> WorkerRecord | None:
    try:
        return _record(ProfileItem.get(pk(worker_id), "PROFILE", consistent_read=consistent))
    except DoesNotExist:
        return None


def _profile_item(record: WorkerRecord) -> ProfileItem:
    data = record.model_dump(mode="json", exclude={"version"})
    item = ProfileItem(pk(record.id), "PROFILE", **data)
    if record.version is not None:
        item.version = record.version
    item.GSI1PK = f"WORKERS#{record.status}"
    item.GSI1SK = f"{record.since}#{record.id}"
    return item


def _card_fields(record: WorkerRecord, category_id: str, skill: CardSkill) -> dict[str, Any]:
    """A card's attributes that follow the profile (the rating snapshot and index keys are set apart)."""
    p = record.profile
    return {
        "worker_id": record.id,
        "category_id": category_id,
        "via": skill.via,
        "services": skill.services,
        "lat": p.home.lat,
        "lng": p.home.lng,
        "radius_km": record.radius_km,
        "health_status": p.health.status,
        "health_expires_on": p.health.certificate_expires_on.isoformat(),
        "weekly": record.weekly,
        "days_off": record.days_off,
        "experience_years": p.experience_years,
        "credit_score": record.credit_score,
        "name": p.name,
        "gender": p.gender,
        "birth_year": p.birth_year,
        "hometown": p.hometown,
        "photo": p.photos[0] if p.photos else None,
    }


def _card_actions(
    record: WorkerRecord, category_id: str, skill: CardSkill, seed: StatsItem | None
) -> list[Action]:
    fields = _card_fields(record, category_id, skill)
    actions: list[Action] = [
        getattr(CardItem, k).set(v) if v is not None else getattr(CardItem, k).remove()
        for k, v in fields.items()
    ]
    # The rating snapshot is kept up to date by ``record_rating``; a new card starts from the counters.
    count = int(seed.rating_count or 0) if seed else 0
    actions.append(CardItem.rating_count.set(CardItem.rating_count | count))
    actions.append(CardItem.rating_overall.set(CardItem.rating_overall | overall_of(seed)))
    return actions


def overall_of(stats: StatsItem | Any) -> float:
    """The mean of the three averages (0 when there is no review)."""
    if stats is None or not stats.rating_count:
        return 0.0
    total = (stats.rating_attitude or 0) + (stats.rating_skill or 0) + (stats.rating_quality or 0)
    return round(total / (3 * stats.rating_count), 4)


def card_index_keys(record: WorkerRecord, category_id: str) -> tuple[str, str]:
    home = encode(record.profile.home.lat, record.profile.home.lng, 9)
    return f"SKILLGEO#{category_id}#{home[:CELL_PREFIX]}", f"{home}#{record.id}"


def save(
    record: WorkerRecord,
    *,
    previous: WorkerRecord | None,
    audit: AuditItem | None = None,
    stats: StatsItem | None = None,
    also: Callable[[TransactWrite], None] | None = None,
) -> bool:
    """Write the profile, its skill cards (indexed only while matchable) and the matchable flag in one
    transaction, with what ``also`` adds to it (an operator's audit item); False when the profile changed since
    it was read (its version moved)."""
    matchable = is_matchable(
        record.status, record.accepting, record.profile.health.status, record.credit_matchable
    )
    key = pk(record.id)
    try:
        with TransactWrite(connection=tx_connection()) as tx:
            tx.save(_profile_item(record))
            for category_id, skill in record.skill_index.items():
                actions = _card_actions(record, category_id, skill, stats)
                if matchable:
                    gpk, gsk = card_index_keys(record, category_id)
                    actions += [CardItem.GSI2PK.set(gpk), CardItem.GSI2SK.set(gsk)]
                else:
                    actions += [CardItem.GSI2PK.remove(), CardItem.GSI2SK.remove()]
                tx.update(CardItem(key, f"SKILL#{category_id}"), actions=actions)
            for category_id in set(previous.skill_index if previous else ()) - set(record.skill_index):
                tx.delete(CardItem(key, f"SKILL#{category_id}"))
            cap = record.credit_order_cap
            stats_actions = [
                StatsItem.matchable.set(matchable),
                StatsItem.order_cap.set(cap) if cap is not None else StatsItem.order_cap.remove(),
            ]
            tx.update(StatsItem(key, "STATS"), actions=stats_actions)
            if audit is not None:
                tx.save(audit, condition=AuditItem.SK.does_not_exist())
            if also is not None:
                also(tx)
    except TransactWriteError as exc:
        if cancelled(exc):
            return False
        raise
    return True


def audit_item(worker_id: str, *, action: str, status: str, note: str, by: str, at: str) -> AuditItem:
    sk = f"AUDIT#{at}#{new_id()}"  # two decisions in one second stay two entries
    return AuditItem(pk(worker_id), sk, action=action, status=status, note=note, by=by, at=at)


def bulk_put(records: Iterable[WorkerRecord]) -> int:
    """Write new workers (profile, counters, skill cards) with BatchWriteItem, 25 items a call: for imports and
    the benchmark's table of 100,000 workers. Not for changes: those go through ``save``. Items written."""
    written = 0
    with ProfileItem.batch_write() as batch:
        for record in records:
            matchable = is_matchable(record.status, record.accepting, record.profile.health.status)
            batch.save(_profile_item(record))
            batch.save(StatsItem(pk(record.id), "STATS", matchable=matchable))
            for category_id, skill in record.skill_index.items():
                fields = {k: v for k, v in _card_fields(record, category_id, skill).items() if v is not None}
                card = CardItem(
                    pk(record.id), f"SKILL#{category_id}", rating_count=0, rating_overall=0.0, **fields
                )
                if matchable:
                    card.GSI2PK, card.GSI2SK = card_index_keys(record, category_id)
                batch.save(card)
                written += 1
            written += 2
    return written


def get_stats(worker_id: str, *, consistent: bool = False) -> StatsItem | None:
    try:
        return StatsItem.get(pk(worker_id), "STATS", consistent_read=consistent)
    except DoesNotExist:
        return None


def status_partition(status: str) -> str:
    return f"WORKERS#{status}"


def list_by_status(status: str, limit: int, start: dict | None) -> StorePage[WorkerRecord]:
    result = ProfileItem.by_status.query(status_partition(status), limit=limit, last_evaluated_key=start)
    return StorePage([_record(i) for i in result], result.last_evaluated_key)


def rating_actions(attitude: int, skill: int, quality: int, sign: int) -> list[Action]:
    """ADD one review's scores to the counters (``sign`` -1 takes a hidden review out again)."""
    return [
        StatsItem.rating_count.add(sign),
        StatsItem.rating_attitude.add(sign * attitude),
        StatsItem.rating_skill.add(sign * skill),
        StatsItem.rating_quality.add(sign * quality),
        StatsItem.rating_seq.add(1),
    ]


def add_rating(worker_id: str, attitude: int, skill: int, quality: int, sign: int = 1) -> StatsItem:
    """ADD one review's scores to the counters; the counters after it."""
    stats = StatsItem(pk(worker_id), "STATS")
    stats.update(actions=rating_actions(attitude, skill, quality, sign))
    return stats


def add_rating_in(
    tx: TransactWrite, worker_id: str, attitude: int, skill: int, quality: int, sign: int
) -> None:
    """The same ADD, inside the caller's transaction (the review and its count commit together)."""
    tx.update(StatsItem(pk(worker_id), "STATS"), actions=rating_actions(attitude, skill, quality, sign))


def refresh_card_ratings(worker_id: str, stats: StatsItem) -> None:
    """Copy the rating into each skill card, never moving a card back to an older snapshot (``rating_seq``)."""
    count, overall, seq = int(stats.rating_count or 0), overall_of(stats), int(stats.rating_seq or 0)
    for card in CardItem.query(pk(worker_id), CardItem.SK.startswith("SKILL#")):
        try:
            card.update(
                actions=[
                    CardItem.rating_count.set(count),
                    CardItem.rating_overall.set(overall),
                    CardItem.rating_seq.set(seq),
                ],
                condition=CardItem.rating_seq.does_not_exist() | (CardItem.rating_seq < seq),
            )
        except Exception as exc:  # a newer review already wrote a higher count
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise


# --- matching reads ---------------------------------------------------------------------------------------


def cards_in_ranges(category_id: str, ranges: Sequence[CellRange]) -> list[CardItem]:
    """The indexed cards of a category whose home geohash lies in the ranges: one Query per range."""
    cards: list[CardItem] = []
    for r in ranges:
        cards.extend(
            CardItem.by_cell.query(
                f"SKILLGEO#{category_id}#{r.prefix}", CardItem.GSI2SK.between(r.first, r.last + "~")
            )
        )
    return cards
