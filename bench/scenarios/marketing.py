"""Marketing over 1,000 and 100,000 customers: quotes with and without a coupon and points, and the daily
``coupon-expiry`` and ``birthday-perks`` jobs with the same number due at both sizes.

Every customer has a member item, one coupon and a birthday. On each bench day ``DUE`` coupons end and ``DUE``
customers were born; everyone else's coupon ends and birthday falls on other days. A job must read only what is
due (its sparse index partition), so items read stay the same at 100× the customers. Each job request runs on
the next bench day (the request's body factory moves the business clock), so every run finds ``DUE`` new items.
The quote with a coupon and points may add a few reads (the coupon; the member item is read for the member line
either way) and nothing that grows with the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso

from bench.scenarios import Endpoint, progress
from bench.scenarios.matching import SH, _catalog, _customer
from functions.identity import store as identity_store
from functions.marketing import store

SIZES = (1_000, 100_000)
DUE = 20  # coupons ending, and customers born, on each bench day
BENCH_DAYS = 24  # more than the requests per endpoint (bench.run --repeat, 15) plus the look-ahead
BENCH_CUSTOMER = "bench-customer"


def _day0() -> datetime:
    today = clock.now().astimezone(SH).date()
    return datetime(today.year, today.month, today.day, 0, 30, tzinfo=SH) + timedelta(days=2)


def _due_day(n: int, size: int) -> int:
    """The day offset (from day 0) of customer ``n``'s coupon end and birthday: the bench days for the first
    ``DUE × BENCH_DAYS`` customers, days 60..340 for the rest."""
    if n < DUE * BENCH_DAYS:
        return 1 + n // DUE
    return 60 + n % 280


def _seed_customers(size: int, day0: datetime) -> None:
    now = iso(clock.now())
    with (
        store.MemberItem.batch_write() as members,
        store.CouponItem.batch_write() as coupons,
        identity_store.UserItem.batch_write() as users,
    ):
        for n in range(size):
            cid = f"m{n:07d}"
            due = day0 + timedelta(days=_due_day(n, size))
            if n < DUE * BENCH_DAYS:  # the others are regular customers without a member item yet
                member = store.MemberItem(
                    store.member_pk(cid), store.PROFILE, customer_id=cid, tier="silver", balance=0
                )
                member.GSI3PK, member.GSI3SK = store.tier_partition("silver"), cid
                members.save(member)
            until = due.replace(hour=12)
            coupon = store.CouponItem(
                *store.coupon_key(cid, f"cp{n:07d}"),
                id=f"cp{n:07d}",
                template_id="tpl-bench",
                customer_id=cid,
                name="满100减20",
                kind="threshold",
                discount_fen=2000,
                threshold_fen=10000,
                category_ids=[],
                valid_from=now,
                valid_until=iso(until),
                status="available",
                source="issue",
                issued_at=now,
                reminded=False,
            )
            coupon.GSI2PK = store.coupon_expiry_partition(until.date().isoformat())
            coupon.GSI2SK = f"{cid}#{coupon.id}"
            coupons.save(coupon)
            user = identity_store.UserItem(
                *identity_store.user_key(cid),
                id=cid,
                role="customer",
                openid=f"o{cid}",
                referral_code=cid[-8:],
                birthday=f"1990-{due.strftime('%m-%d')}",
                created_at=now,
            )
            user.GSI1PK = identity_store.birthday_partition(due.strftime("%m-%d"))
            user.GSI1SK = f"USER#{cid}"
            users.save(user)
            if (n + 1) % 10_000 == 0 or n + 1 == size:
                progress("customers", n + 1, size)


def _seed_bench_customer() -> str:
    customer, _ = _customer()
    member = store.MemberItem(store.member_pk(customer), store.PROFILE, customer_id=customer, tier="silver")
    member.balance, member.earned_total = 100_000, 100_000
    member.GSI3PK, member.GSI3SK = store.tier_partition("silver"), customer
    member.save()
    now = clock.now()
    coupon = store.CouponItem(
        *store.coupon_key(customer, "cp-bench"),
        id="cp-bench",
        template_id="tpl-bench",
        customer_id=customer,
        name="满100减20",
        kind="threshold",
        discount_fen=2000,
        threshold_fen=10000,
        category_ids=[],
        valid_from=iso(now - timedelta(days=1)),
        valid_until=iso(now + timedelta(days=365)),
        status="available",
        source="issue",
        issued_at=iso(now),
    )
    coupon.save()
    return customer


def _without_table_copies() -> None:
    """moto deep-copies the whole table before every TransactWriteItems (for its rollback), which at 100,000
    customers makes each job's small transactions take seconds and gigabytes: a cost of the stand-in, not of
    DynamoDB. The bench's moto skips that copy (no measured transaction fails; calls and items read are what the
    rows compare)."""
    import copy
    import types

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy)  # type: ignore[attr-defined]


def seed(size: int) -> dict[str, Any]:
    from app import app
    from infra.local import dev_routes, schedules

    dev_routes.install(app, schedules.jobs(app))  # POST /v1/dev/jobs/{name}, as the local stack has it
    _without_table_copies()
    ids = _catalog()
    day0 = _day0()
    _seed_customers(size, day0)
    customer = _seed_bench_customer()
    return {"service_id": ids["service"], "customer": customer, "day0": day0}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    now = clock.now()
    token = issue_token(ctx["customer"], "customer", now=now)
    day0: datetime = ctx["day0"]
    start = (now + timedelta(days=3)).astimezone(SH).replace(hour=10, minute=0, second=0, microsecond=0)
    plain = {"service_id": ctx["service_id"], "start": start.isoformat(), "units": 3}

    def on_bench_day(offset: int) -> Any:
        def body(i: int) -> None:
            # Run i happens on bench day i + offset: yesterday's DUE coupons end, tomorrow's DUE are reminded.
            clock.set(day0 + timedelta(days=i + offset))
            return None

        return body

    def quote(i: int) -> dict[str, Any]:
        clock.reset()
        return plain

    def quote_discounted(i: int) -> dict[str, Any]:
        clock.reset()
        return {**plain, "coupon_id": "cp-bench", "points": 2000}

    return [
        Endpoint("POST /v1/quotes", "POST", "/v1/quotes", body=quote, token=token),
        Endpoint(
            "POST /v1/quotes (coupon + points)", "POST", "/v1/quotes", body=quote_discounted, token=token
        ),
        Endpoint("job coupon-expiry", "POST", "/v1/dev/jobs/coupon-expiry", body=on_bench_day(2)),
        Endpoint("job birthday-perks", "POST", "/v1/dev/jobs/birthday-perks", body=on_bench_day(1)),
    ]


def teardown(ctx: dict[str, Any]) -> None:
    clock.reset()
