"""The quote pipeline: unit price × units plus the add-ons (加项), then an ordered list of discount steps (member, coupon, points).

Marketing plugs its steps in with ``register_discount_step`` (exported from ``functions.booking``) without
touching booking: a step computes its line of the quote, adds its own conditional writes to the order's
transaction (a coupon used once, points spent without going negative), and gives them back when the order is
cancelled. Until marketing lands, every step is a ``NoDiscount`` that returns 0.

Before the discounts, price steps (``register_price_step``) may raise or lower the subtotal by a signed amount
shown as its own line in ``adjustments`` (reviews: the chosen worker's credit price multiplier). A capability may
also lower the platform's commission for a worker (``register_commission_rule``; reviews: the best credit level);
the order keeps the rate it was booked with. Booking imports none of the capabilities that register here: the
modules that register are listed in the composition root (``functions.EXTENSIONS["booking.quote"]``) and
imported before the pipeline, a price step or a commission rule is first used, in whichever function uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pynamodb.transactions import TransactWrite

from functions import load_extensions
from functions.booking.models import PriceLine, Quote

Line = Literal["member_discount_fen", "coupon_discount_fen", "points_discount_fen"]


@dataclass(frozen=True)
class PricingContext:
    """What a discount may depend on."""

    customer_id: str
    service_id: str
    category_id: str
    unit_price_fen: int
    units: int
    start: datetime
    coupon_id: str | None
    points: int | None
    now: datetime
    worker_id: str | None = None  # the chosen (or matched) worker, when there is one
    addons_fen: int = 0  # the add-ons (加项) booked with the service: part of the subtotal


@dataclass(frozen=True)
class PricedOrder:
    """An order as a discount step sees it when the order is written or given back."""

    order_id: str
    customer_id: str
    coupon_id: str | None
    points: int | None
    price: Quote


class DiscountStep(Protocol):
    line: Line

    def discount(self, ctx: PricingContext, payable_fen: int) -> int:
        """This step's discount, given what is still payable after the steps before it."""
        ...

    def reserve(self, tx: TransactWrite, ctx: PricingContext, order: PricedOrder) -> None:
        """Add this step's conditional writes to the order's transaction (e.g. mark the coupon used)."""
        ...

    def release(self, order: PricedOrder) -> None:
        """Give back what ``reserve`` took, when the order is cancelled. Idempotent."""
        ...


@dataclass(frozen=True)
class NoDiscount:
    """A line that is always 0 (today's member, coupon and points lines)."""

    line: Line

    def discount(self, ctx: PricingContext, payable_fen: int) -> int:
        return 0

    def reserve(self, tx: TransactWrite, ctx: PricingContext, order: PricedOrder) -> None:
        return None

    def release(self, order: PricedOrder) -> None:
        return None


_DEFAULT: tuple[DiscountStep, ...] = (
    NoDiscount("member_discount_fen"),
    NoDiscount("coupon_discount_fen"),
    NoDiscount("points_discount_fen"),
)
_pipeline: list[DiscountStep] = list(_DEFAULT)


def register_discount_step(step: DiscountStep) -> None:
    """Put ``step`` in the pipeline, replacing the step that computes the same line (member, coupon, points
    run in that order: a coupon applies to the member price, points to what is left)."""
    for i, existing in enumerate(_pipeline):
        if existing.line == step.line:
            _pipeline[i] = step
            return
    _pipeline.append(step)


def reset_pipeline() -> None:
    """Back to the zero steps (tests)."""
    _pipeline[:] = list(_DEFAULT)


def pipeline() -> list[DiscountStep]:
    """The steps in order, after the composition root's extensions of the quote have registered theirs."""
    load_extensions("booking.quote")
    return _pipeline


def steps() -> tuple[DiscountStep, ...]:
    return tuple(pipeline())


class PriceStep(Protocol):
    """A signed change of the subtotal, shown as its own quote line (a surcharge or a reduction)."""

    line: str

    def adjust(self, ctx: PricingContext, subtotal_fen: int) -> PriceLine | None:
        """This step's line for the subtotal, or None when it does not apply."""
        ...


_price_steps: dict[str, PriceStep] = {}
CommissionRule = Callable[[str], int | None]
_commission_rules: dict[str, CommissionRule] = {}


def register_price_step(step: PriceStep) -> None:
    """Put ``step`` before the discounts, replacing a step of the same line."""
    _price_steps[step.line] = step


def register_commission_rule(name: str, rule: CommissionRule) -> None:
    """``rule(worker_id)`` → a commission percent for that worker, or None for the platform's; the lowest of the
    platform's and every rule's is taken when an order is booked."""
    _commission_rules[name] = rule


def commission_percent(worker_id: str, platform_percent: int) -> int:
    """The commission an order with this worker is booked at (never above the platform's)."""
    load_extensions("booking.quote")
    rates = [r for rule in _commission_rules.values() if (r := rule(worker_id)) is not None]
    return max(0, min([platform_percent, *rates]))


def quote(ctx: PricingContext) -> Quote:
    """The quote: subtotal (unit price × units, plus the add-ons), the price steps' signed lines (never below 0
    in all), each discount line (never more than what is still payable), the total."""
    subtotal = ctx.unit_price_fen * ctx.units + ctx.addons_fen
    lines: dict[str, int] = {}
    discounts = pipeline()  # loads the extensions first
    adjustments = [line for step in _price_steps.values() if (line := step.adjust(ctx, subtotal))]
    payable = max(0, subtotal + sum(a.amount_fen for a in adjustments))
    for step in discounts:
        amount = max(0, min(int(step.discount(ctx, payable)), payable))
        lines[step.line] = lines.get(step.line, 0) + amount
        payable -= amount
    return Quote(
        subtotal_fen=subtotal,
        addons_fen=ctx.addons_fen,
        adjustments=adjustments,
        total_fen=payable,
        **lines,
    )


def reserve_discounts(tx: TransactWrite, ctx: PricingContext, order: PricedOrder) -> None:
    """Every step's writes, in the order's transaction."""
    for step in pipeline():
        step.reserve(tx, ctx, order)


def refusal(ctx: PricingContext, order: PricedOrder) -> Exception | None:
    """After the order's transaction was refused: the error of the first step that says its own write was the
    reason (a step may define ``refused(ctx, order) -> Exception | None``, read only on this failure path)."""
    for step in _pipeline:
        check = getattr(step, "refused", None)
        if check is not None and (error := check(ctx, order)) is not None:
            return error
    return None


def release_discounts(order: PricedOrder) -> None:
    """Every step gives back what it took (compensation of a cancelled order)."""
    for step in pipeline():
        step.release(order)
