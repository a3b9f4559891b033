"""The quote pipeline: unit price × units, then discount lines that marketing plugs in without touching booking."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import functions
from functions.booking import pricing

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def ctx(units: int = 3, unit_price_fen: int = 5000, coupon_id: str | None = None) -> pricing.PricingContext:
    return pricing.PricingContext(
        customer_id="c1",
        service_id="s1",
        category_id="cat",
        unit_price_fen=unit_price_fen,
        units=units,
        start=NOW,
        coupon_id=coupon_id,
        points=None,
        now=NOW,
    )


@dataclass(frozen=True)
class Fixed(pricing.NoDiscount):
    amount: int = 0

    def discount(self, ctx: pricing.PricingContext, payable_fen: int) -> int:
        return self.amount


@pytest.fixture(autouse=True)
def clean_pipeline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # booking's own pipeline: no module of the composition root plugs into the quote here
    monkeypatch.setitem(functions.EXTENSIONS, "booking.quote", ())
    monkeypatch.setattr(functions, "_loaded", set())
    pricing.reset_pipeline()
    yield
    pricing.reset_pipeline()


def test_today_a_quote_is_unit_price_times_units_with_zero_discount_lines() -> None:
    quote = pricing.quote(ctx(units=3, unit_price_fen=5000, coupon_id="whatever"))
    assert quote.model_dump() == {
        "subtotal_fen": 15000,
        "addons_fen": 0,
        "adjustments": [],
        "member_discount_fen": 0,
        "coupon_discount_fen": 0,
        "points_discount_fen": 0,
        "total_fen": 15000,
        "deposit_fen": None,
        "balance_fen": None,
    }


def test_a_registered_step_fills_its_line_in_the_pipeline_order() -> None:
    pricing.register_discount_step(Fixed("coupon_discount_fen", amount=2000))
    pricing.register_discount_step(Fixed("member_discount_fen", amount=1500))
    quote = pricing.quote(ctx())
    assert (quote.member_discount_fen, quote.coupon_discount_fen, quote.total_fen) == (1500, 2000, 11500)
    assert [s.line for s in pricing.steps()] == [
        "member_discount_fen",
        "coupon_discount_fen",
        "points_discount_fen",
    ]


def test_discounts_never_take_the_total_below_zero() -> None:
    pricing.register_discount_step(Fixed("coupon_discount_fen", amount=14000))
    pricing.register_discount_step(Fixed("points_discount_fen", amount=5000))
    quote = pricing.quote(ctx())
    assert (quote.coupon_discount_fen, quote.points_discount_fen, quote.total_fen) == (14000, 1000, 0)
