"""Coupon use cases: templates, claiming (领券中心), issuing to customers or a segment, the new-user and birthday
coupons, a customer's coupons, and the daily expiry with its reminder the day before."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from common import audit
from common.clock import business_tz, iso
from common.db import transact
from common.errors import CouponLimit, NotFound, OutOfStock, RuleViolation
from common.ids import derived_id
from common.log import logger
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.marketing import policy, rules, store, writes
from functions.marketing.models import Coupon, Issued, IssueRequest, Template, TemplateIn
from functions.marketing.store import CouponItem, TemplateItem


def _template(item: TemplateItem) -> Template:
    return Template(
        id=item.id,
        name=item.name,
        kind=item.kind,  # type: ignore[arg-type]
        discount_fen=_int(item.discount_fen),
        percent_off=_int(item.percent_off),
        max_discount_fen=_int(item.max_discount_fen),
        threshold_fen=int(item.threshold_fen),
        valid_from=item.valid_from,
        valid_until=item.valid_until,
        valid_days=_int(item.valid_days),
        total=int(item.total),
        per_user_limit=int(item.per_user_limit),
        category_ids=list(item.category_ids or []),
        issued=int(item.issued or 0),
        used=int(item.used or 0),
        remaining=int(item.remaining),
        created_at=item.created_at,
    )


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def to_coupon(item: CouponItem, now: datetime) -> Coupon:
    return Coupon(
        id=item.id,
        template_id=item.template_id,
        name=item.name,
        kind=item.kind,  # type: ignore[arg-type]
        discount_fen=_int(item.discount_fen),
        percent_off=_int(item.percent_off),
        max_discount_fen=_int(item.max_discount_fen),
        threshold_fen=int(item.threshold_fen),
        category_ids=list(item.category_ids or []),
        valid_from=item.valid_from,
        valid_until=item.valid_until,
        status=rules.coupon_status(item.status, policy.parse_time(item.valid_until), now),
        order_id=item.order_id,
    )


def terms_of(item: CouponItem) -> rules.CouponTerms:
    return rules.CouponTerms(
        discount_fen=_int(item.discount_fen),
        percent_off=_int(item.percent_off),
        max_discount_fen=_int(item.max_discount_fen),
        threshold_fen=int(item.threshold_fen),
        category_ids=tuple(item.category_ids or ()),
        valid_from=policy.parse_time(item.valid_from),
        valid_until=policy.parse_time(item.valid_until),
    )


def create_template(
    body: TemplateIn, *, operator_id: str, now: datetime, new_id: Callable[[], str]
) -> Template:
    """A new template with its whole ``total`` in stock, recorded in the audit trail with it."""
    template_id = new_id()
    item = TemplateItem(
        *store.template_key(template_id),
        id=template_id,
        name=body.name,
        kind=body.kind,
        discount_fen=body.discount_fen,
        percent_off=body.percent_off,
        max_discount_fen=body.max_discount_fen,
        threshold_fen=body.threshold_fen,
        valid_from=iso(body.valid_from or now),
        valid_until=iso(body.valid_until) if body.valid_until else None,
        valid_days=body.valid_days,
        total=body.total,
        per_user_limit=body.per_user_limit,
        category_ids=list(body.category_ids),
        remaining=body.total,
        issued=0,
        used=0,
        created_at=iso(now),
    )
    item.GSI1PK, item.GSI1SK = store.TEMPLATES, f"{item.created_at}#{template_id}"
    details = {"name": body.name, "kind": body.kind, "total": body.total}

    def build(tx: TransactWrite) -> None:
        tx.save(item, condition=TemplateItem.PK.does_not_exist())
        audit.add(tx, operator_id, "coupon_template.create", f"coupon_template:{template_id}", details, now)

    transact(build)
    return _template(item)


def list_templates(*, limit: int, cursor: str | None) -> Page[Template]:
    """Every template, newest first, with its issued and used counts."""
    items, last = store.templates(limit, decode_cursor(cursor, expect={"GSI1PK": store.TEMPLATES}))
    return Page(items=[_template(i) for i in items], next_cursor=encode_cursor(last))


def _claimable(item: TemplateItem, now: datetime) -> bool:
    return rules.template_claimable(
        valid_from=policy.parse_time(item.valid_from),
        valid_until=policy.parse_time(item.valid_until) if item.valid_until else None,
        remaining=int(item.remaining),
        now=now,
    )


def claimable_templates(*, now: datetime) -> list[Template]:
    """The templates a customer can claim now: live, in stock; new-user coupons come by themselves."""
    found, start = [], None
    while True:
        items, start = store.templates(100, start)
        found += [_template(i) for i in items if i.kind != "new_user" and _claimable(i, now)]
        if not start:
            return found


def _coupon_item(
    template: TemplateItem, customer_id: str, coupon_id: str, source: str, now: datetime
) -> CouponItem:
    valid_from, valid_until = rules.coupon_validity(
        policy.parse_time(template.valid_from),
        policy.parse_time(template.valid_until) if template.valid_until else None,
        _int(template.valid_days),
        issued_at=now,
    )
    return CouponItem(
        *store.coupon_key(customer_id, coupon_id),
        id=coupon_id,
        template_id=template.id,
        customer_id=customer_id,
        name=template.name,
        kind=template.kind,
        discount_fen=template.discount_fen,
        percent_off=template.percent_off,
        max_discount_fen=template.max_discount_fen,
        threshold_fen=template.threshold_fen,
        category_ids=list(template.category_ids or []),
        valid_from=iso(valid_from),
        valid_until=iso(valid_until),
        status="available",
        source=source,
        issued_at=iso(now),
    )


def give(
    template: TemplateItem,
    customer_id: str,
    coupon_id: str,
    source: str,
    *,
    now: datetime,
    also: Callable[[TransactWrite], None] | None = None,
) -> CouponItem:
    """One coupon of the template to the customer, in one transaction: the stock (never oversold), the
    customer's allowance, the coupon and its CouponIssued event (and what ``also`` adds: an operator's audit).
    ``OutOfStock`` / ``CouponLimit``; a coupon id given before (a retry) is refused as ``CouponLimit`` and
    changes nothing."""
    coupon = _coupon_item(template, customer_id, coupon_id, source, now)
    day = rules.expiry_day(policy.parse_time(coupon.valid_until), business_tz())
    try:

        def build(tx: TransactWrite) -> None:
            writes.put_coupon(tx, coupon, day, now=now)
            writes.take_stock(tx, template.id, customer_id, int(template.per_user_limit))
            if also is not None:
                also(tx)

        transact(build)
    except TransactWriteError as exc:
        if exc.cause_response_code != "TransactionCanceledException":
            raise
        fresh = store.get_template(template.id, consistent=True)
        if fresh is None or int(fresh.remaining) < 1:
            raise OutOfStock("this coupon has run out") from exc
        raise CouponLimit() from exc
    return coupon


def claim(customer_id: str, template_id: str, *, now: datetime, new_id: Callable[[], str]) -> Coupon:
    """The customer claims a coupon (409 OUT_OF_STOCK, 409 COUPON_LIMIT)."""
    template = store.get_template(template_id)
    if template is None or template.kind == "new_user":
        raise NotFound("no such coupon template")
    if not _claimable(template, now):
        raise OutOfStock("this coupon cannot be claimed now")
    return to_coupon(give(template, customer_id, new_id(), "claim", now=now), now)


def _segment_members(segment: str) -> Iterable[str]:
    kind, tier = rules.parse_segment(segment)
    for name in [tier] if kind == "tier" else list(rules.TIERS):
        start = None
        while True:
            items, start = store.members_in_tier(str(name), start)
            yield from (m.customer_id for m in items)
            if not start:
                break


def issue(
    template_id: str, body: IssueRequest, *, operator_id: str, now: datetime, new_id: Callable[[], str]
) -> Issued:
    """Issue one coupon each to customers or a segment (its members read through the tier index), never beyond
    the template's stock; customers at their per-user limit are skipped. One audit item records the issue,
    written with the first coupon and counted up in each later coupon's transaction (none if none was given)."""
    if body.segment is not None:
        rules.parse_segment(body.segment)  # 422 for an unknown segment, before anything else
    template = store.get_template(template_id)
    if template is None:
        raise NotFound("no such coupon template")
    if not _claimable(template, now):
        raise OutOfStock("this template has ended or run out")
    recipients = body.customer_ids if body.customer_ids is not None else _segment_members(body.segment or "")
    issued, cap = 0, get_settings().coupon_issue_max
    audit_id = new_id()
    requested = {"segment": body.segment} if body.segment is not None else {"customers": len(recipients)}

    def record(tx: TransactWrite) -> None:
        if issued:
            audit.add_to_count(tx, audit_id)
        else:
            target = f"coupon_template:{template_id}"
            audit.add(
                tx, operator_id, "coupon_template.issue", target, requested, now, audit_id=audit_id, count=1
            )

    for customer_id in recipients:
        if issued >= cap:
            break
        try:
            give(template, customer_id, new_id(), "issue", now=now, also=record)
            issued += 1
        except CouponLimit:
            continue
        except OutOfStock:
            break
    logger.info("coupons issued", extra={"template_id": template_id, "issued": issued})
    return Issued(issued=issued)


def give_new_user_coupons(customer_id: str, *, now: datetime) -> int:
    """A newcomer's first login: one coupon of each live new-user template. The coupon id comes from template
    and customer, so a redelivered event gives nothing twice."""
    given, start = 0, None
    while True:
        items, start = store.templates(100, start)
        for template in items:
            if template.kind != "new_user" or not _claimable(template, now):
                continue
            coupon_id = derived_id(
                policy.parse_time(template.created_at), f"new-user:{template.id}:{customer_id}"
            )
            try:
                give(template, customer_id, coupon_id, "new_user", now=now)
                given += 1
            except (CouponLimit, OutOfStock):
                continue
        if not start:
            return given


def my_coupons(
    customer_id: str, *, status: str | None, limit: int, cursor: str | None, now: datetime
) -> Page[Coupon]:
    """The customer's coupons, newest first; ``status`` as the customer sees it (an available coupon past its end
    is expired)."""
    start = decode_cursor(cursor, expect={"PK": store.member_pk(customer_id)})
    stored = "available" if status == "expired" else status
    items, last = store.coupons_of(customer_id, limit, start, None if status == "expired" else stored)
    coupons = [to_coupon(i, now) for i in items]
    if status:
        coupons = [c for c in coupons if c.status == status]
    return Page(items=coupons, next_cursor=encode_cursor(last))


def expire_due(*, now: datetime) -> dict[str, int]:
    """The daily job: coupons whose last day was yesterday (and the two days before, if a run was missed) become
    expired; coupons whose last day is ``coupon_reminder_days`` ahead get one reminder (a NotificationRequested). Reads only those days'
    partitions of the sparse expiry index."""
    today = now.astimezone(business_tz()).date()
    expired = 0
    for back in (1, 2, 3):
        for coupon in store.coupons_expiring((today - timedelta(days=back)).isoformat()):
            try:

                def build(tx: TransactWrite, coupon: CouponItem = coupon) -> None:
                    writes.expire_coupon(tx, coupon)

                transact(build)
                expired += 1
            except TransactWriteError:
                continue  # taken by an order meanwhile
    reminded = 0
    ahead = get_settings().coupon_reminder_days
    if ahead:
        for coupon in store.coupons_expiring((today + timedelta(days=ahead)).isoformat()):
            if coupon.reminded:
                continue
            try:

                def build(tx: TransactWrite, coupon: CouponItem = coupon) -> None:
                    writes.remind_expiry(tx, coupon, now=now)

                transact(build)
                reminded += 1
            except TransactWriteError:
                continue  # reminded or taken meanwhile
    return {"expired": expired, "reminded": reminded}


def give_birthday_coupon(customer_id: str, tier: rules.TierRule, *, now: datetime) -> bool:
    """A birthday coupon of the customer's tier (none for a tier without one); once a year (its id comes from
    customer and year)."""
    if tier.birthday_coupon_fen <= 0:
        return False
    year = now.astimezone(business_tz()).year
    coupon_id = derived_id(
        now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
        f"birthday:{customer_id}:{year}",
    )
    valid_until = now + timedelta(days=get_settings().birthday_coupon_valid_days)
    coupon = CouponItem(
        *store.coupon_key(customer_id, coupon_id),
        id=coupon_id,
        template_id="birthday",
        customer_id=customer_id,
        name="生日券",
        kind="holiday",
        discount_fen=tier.birthday_coupon_fen,
        threshold_fen=0,
        category_ids=[],
        valid_from=iso(now),
        valid_until=iso(valid_until),
        status="available",
        source="birthday",
        issued_at=iso(now),
    )
    try:

        def build(tx: TransactWrite) -> None:
            writes.put_coupon(tx, coupon, rules.expiry_day(valid_until, business_tz()), now=now)

        transact(build)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False  # given this year already
        raise
    return True


def check_template_exists(template_id: str) -> TemplateItem:
    item = store.get_template(template_id)
    if item is None:
        raise RuleViolation("no such coupon template", code="UNKNOWN_TEMPLATE")
    return item
