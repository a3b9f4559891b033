"""Operators' views of customers (客户管理) and money (财务管理), from identity's profiles, analytics' counters and
the ledger's balances (read through identity's and payments' public functions)."""

from __future__ import annotations

from datetime import datetime

from common.errors import NotFound, ValidationFailed
from common.pagination import Page, decode_cursor, encode_cursor

from functions.analytics import store
from functions.analytics.models import (
    CustomerAddress,
    CustomerDetail,
    CustomerRating,
    CustomersQuery,
    CustomerSummary,
    FinanceSummary,
    RangeQuery,
)
from functions.analytics.service import days_of, summed
from functions.identity import customer_profiles, find_customers, list_addresses
from functions.payments import account_balances, worker_of


def mask_phone(phone: str | None) -> str | None:
    """138****8001: enough to recognise a customer on the phone, not to call them from a list."""
    if not phone:
        return None
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) > 7 else phone


def _summary(profile: object, customer_id: str) -> CustomerSummary:
    counters, tier = store.customer_stats(customer_id)
    return CustomerSummary(
        id=customer_id,
        nickname=getattr(profile, "nickname", None),
        phone=mask_phone(getattr(profile, "phone", None)),
        tier=tier,
        orders=counters.get("orders", 0),
        spend_fen=counters.get("spend_fen", 0),
    )


def customers(query: CustomersQuery) -> Page[CustomerSummary]:
    """Customers found by nickname or phone prefix (identity's search index), or of one tier (analytics' copy of
    marketing's TierChanged); one of ``q`` and ``tier`` is required (there is no list of everyone)."""
    if query.q:
        page = find_customers(query.q, limit=query.limit, cursor=query.cursor)
        rows = [_summary(p, p.id) for p in page.items if p.role == "customer"]
        if query.tier:
            rows = [r for r in rows if r.tier == query.tier]
        return Page[CustomerSummary](items=rows, next_cursor=page.next_cursor)
    if query.tier:
        start = decode_cursor(query.cursor, expect={"GSI1PK": f"CUSTOMERTIER#{query.tier}"})
        page = store.customers_by_tier(query.tier, query.limit, start)
        profiles = customer_profiles(page.items)
        rows = [_summary(profiles.get(c), c) for c in page.items]
        return Page[CustomerSummary](items=rows, next_cursor=encode_cursor(page.last_key))
    raise ValidationFailed("give q (a nickname or phone prefix) or tier", code="QUERY_REQUIRED")


def customer(customer_id: str) -> CustomerDetail:
    """One customer's whole picture: profile, addresses, orders and spend, tier, points, coupons, and how the
    workers rated them (404 for an unknown id or a worker's id)."""
    profile = customer_profiles([customer_id]).get(customer_id)
    if profile is None or profile.role != "customer":
        raise NotFound("no such customer")
    counters, tier = store.customer_stats(customer_id)
    addresses = list_addresses(customer_id, limit=100, cursor=None).items
    rated = counters.get("rated", 0)
    has_coupons = "coupons_issued" in counters or "coupons_used" in counters
    return CustomerDetail(
        id=customer_id,
        nickname=profile.nickname,
        phone=profile.phone,
        region=profile.region,
        created_at=profile.created_at,
        addresses=[
            CustomerAddress(id=a.id, contact_name=a.contact_name, region=a.region, detail=a.detail)
            for a in addresses
        ],
        orders=counters.get("orders", 0),
        completed_orders=counters.get("completed", 0),
        cancelled_orders=counters.get("cancelled", 0),
        spend_fen=counters.get("spend_fen", 0),
        tier=tier,
        points=counters.get("points", 0),
        coupons={"issued": counters.get("coupons_issued", 0), "used": counters.get("coupons_used", 0)}
        if has_coupons
        else None,
        rating_by_workers=CustomerRating(
            count=rated,
            cooperation=round(counters.get("rating_cooperation", 0) / rated, 2) if rated else None,
            environment=round(counters.get("rating_environment", 0) / rated, 2) if rated else None,
        ),
    )


def finance(query: RangeQuery, *, now: datetime) -> FinanceSummary:
    """Money over the range from the day counters (paid, refunded, commission, worker earnings), and from the
    ledger's balances today: withdrawn and awaiting payout, and whether all accounts sum to zero."""
    c = summed(days_of(query, now), ["gmv_fen", "refunds_fen", "commission_fen", "worker_earnings_fen"])
    withdrawn = withdrawing = total = 0
    for account, balance in account_balances().items():
        total += balance
        owner = worker_of(account)
        if owner and owner[1] == "withdrawn":
            withdrawn += balance
        elif owner and owner[1] == "withdrawing":
            withdrawing += balance
    return FinanceSummary(
        gmv_fen=c.get("gmv_fen", 0),
        refunds_fen=c.get("refunds_fen", 0),
        commission_fen=c.get("commission_fen", 0),
        worker_earnings_fen=c.get("worker_earnings_fen", 0),
        withdrawn_fen=withdrawn,
        withdrawals_pending_fen=withdrawing,
        ledger_balanced=total == 0,
    )
