"""The on-site service's pure rules: the arrival distance at its edges, what start and complete need, photo stages,
and add-ons (加项): their price in the quote's subtotal before the discounts, their minutes in the booking."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from common.errors import InvalidTransition, RuleViolation
from common.geo import EARTH_RADIUS_KM

import functions
from functions.booking import onsite_rules, pricing, rules

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=SH)
HOME = (31.2, 121.46)
ADDONS = [
    {"id": "fridge", "name": "冰箱内部清洁", "price_fen": 3000, "minutes": 60},
    {"id": "balcony", "name": "阳台清洁", "price_fen": 2000, "minutes": 20},
]


def north_of(lat: float, lng: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` due north (along the meridian, where the great-circle distance is exact)."""
    return lat + math.degrees(metres / 1000 / EARTH_RADIUS_KM), lng


def code(exc: pytest.ExceptionInfo[BaseException]) -> str:
    return exc.value.code  # type: ignore[attr-defined]


# --- arrival -------------------------------------------------------------------------------------------------


def test_an_arrival_exactly_at_the_limit_is_near_enough() -> None:
    onsite_rules.check_arrival_distance(500.0, 500)


def test_an_arrival_one_metre_beyond_the_limit_is_too_far_and_says_how_far() -> None:
    with pytest.raises(RuleViolation) as exc:
        onsite_rules.check_arrival_distance(501.0, 500)
    assert code(exc) == "TOO_FAR_FROM_ADDRESS"
    assert exc.value.details == {"distance_m": 501, "max_distance_m": 500}  # type: ignore[attr-defined]


def test_the_distance_is_the_great_circle_in_metres_from_the_address() -> None:
    near, far = north_of(*HOME, 499.5), north_of(*HOME, 501)
    assert onsite_rules.distance_m(*near, *HOME) == pytest.approx(499.5, abs=0.01)
    onsite_rules.check_arrival_distance(onsite_rules.distance_m(*near, *HOME), 500)
    with pytest.raises(RuleViolation):
        onsite_rules.check_arrival_distance(onsite_rules.distance_m(*far, *HOME), 500)


def test_departure_is_once_and_only_on_an_accepted_order() -> None:
    onsite_rules.check_can_depart(rules.ACCEPTED, None)
    for status, progress in (
        (rules.ACCEPTED, "on_the_way"),
        (rules.ACCEPTED, "arrived"),
        ("in_service", None),
    ):
        with pytest.raises(InvalidTransition):
            onsite_rules.check_can_depart(status, progress)


def test_arrival_may_come_without_departure_but_only_once() -> None:
    onsite_rules.check_can_arrive(rules.ACCEPTED, None)
    onsite_rules.check_can_arrive(rules.ACCEPTED, "on_the_way")
    for status, progress in ((rules.ACCEPTED, "arrived"), ("pending_acceptance", None), ("in_service", None)):
        with pytest.raises(InvalidTransition):
            onsite_rules.check_can_arrive(status, progress)


def test_start_needs_arrival_where_the_service_says_so_else_the_default_decides() -> None:
    onsite_rules.check_can_start({"requires_arrival": True}, "arrived", default=False)
    onsite_rules.check_can_start({"requires_arrival": False}, None, default=True)
    onsite_rules.check_can_start({}, None, default=False)  # booked before the flag existed
    for service, default in (({"requires_arrival": True}, False), ({"requires_arrival": None}, True)):
        with pytest.raises(RuleViolation) as exc:
            onsite_rules.check_can_start(service, "on_the_way", default=default)
        assert code(exc) == "ARRIVAL_REQUIRED"


# --- photos and completion ------------------------------------------------------------------------------------


def test_before_photos_until_the_service_runs_after_photos_only_during_it() -> None:
    onsite_rules.check_photo_stage("before", rules.ACCEPTED, 0, 2, 9)
    onsite_rules.check_photo_stage("before", rules.IN_SERVICE, 0, 2, 9)
    onsite_rules.check_photo_stage("after", rules.IN_SERVICE, 0, 2, 9)
    with pytest.raises(InvalidTransition):
        onsite_rules.check_photo_stage("after", rules.ACCEPTED, 0, 1, 9)
    with pytest.raises(InvalidTransition):
        onsite_rules.check_photo_stage("before", rules.COMPLETED, 0, 1, 9)


def test_a_stage_keeps_at_most_the_limit_of_photos() -> None:
    onsite_rules.check_photo_stage("after", rules.IN_SERVICE, 7, 2, 9)
    with pytest.raises(RuleViolation) as exc:
        onsite_rules.check_photo_stage("after", rules.IN_SERVICE, 8, 2, 9)
    assert code(exc) == "TOO_MANY_PHOTOS"


def test_after_photos_are_needed_only_where_the_service_requires_them() -> None:
    onsite_rules.check_after_photos({"requires_after_photos": False}, 0)
    onsite_rules.check_after_photos({"requires_after_photos": True}, 1)
    with pytest.raises(RuleViolation) as exc:
        onsite_rules.check_after_photos({"requires_after_photos": True}, 0)
    assert code(exc) == "PHOTOS_REQUIRED"


def test_a_checklist_ticked_in_full_is_kept() -> None:
    items = ["厨房", "卫生间"]
    assert onsite_rules.checked_checklist(items, {"卫生间": True, "厨房": True}) == {
        "厨房": True,
        "卫生间": True,
    }
    assert onsite_rules.checked_checklist([], None) is None
    assert onsite_rules.checked_checklist([], {}) is None


def test_a_missing_or_unticked_item_names_what_is_left() -> None:
    cases = (
        (None, ["厨房", "卫生间"]),
        ({"厨房": True}, ["卫生间"]),
        ({"厨房": True, "卫生间": False}, ["卫生间"]),
    )
    for answers, missing in cases:
        with pytest.raises(RuleViolation) as exc:
            onsite_rules.checked_checklist(["厨房", "卫生间"], answers)
        assert code(exc) == "CHECKLIST_INCOMPLETE"
        assert exc.value.details == {"missing": missing}  # type: ignore[attr-defined]


def test_an_item_the_service_does_not_have_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        onsite_rules.checked_checklist(["厨房"], {"厨房": True, "车库": True})
    assert code(exc) == "UNKNOWN_CHECKLIST_ITEM" and exc.value.details == {"unknown": ["车库"]}  # type: ignore[attr-defined]


# --- add-ons -------------------------------------------------------------------------------------------------


def test_chosen_add_ons_are_the_services_own_in_the_order_asked() -> None:
    chosen = onsite_rules.chosen_addons(ADDONS, ["balcony", "fridge"])
    assert [a["id"] for a in chosen] == ["balcony", "fridge"]
    assert onsite_rules.addons_fen(chosen) == 5000 and onsite_rules.addon_minutes(chosen) == 80
    assert onsite_rules.chosen_addons(ADDONS, []) == []


def test_an_unknown_or_repeated_add_on_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        onsite_rules.chosen_addons(ADDONS, ["fridge", "garage"])
    assert code(exc) == "UNKNOWN_ADDON" and exc.value.details == {"unknown": ["garage"]}  # type: ignore[attr-defined]
    with pytest.raises(RuleViolation) as exc:
        onsite_rules.chosen_addons(ADDONS, ["fridge", "fridge"])
    assert code(exc) == "DUPLICATE_ADDON"


def test_add_on_minutes_lengthen_the_booking() -> None:
    start = datetime(2026, 12, 2, 9, 0, tzinfo=SH)
    assert rules.booking_end(start, 2, 60, 80) == datetime(2026, 12, 2, 12, 20, tzinfo=SH)
    assert rules.booking_end(start, 2, 60) == datetime(2026, 12, 2, 11, 0, tzinfo=SH)


def test_add_on_minutes_hold_every_half_hour_slot_they_touch() -> None:
    from functions.workers.rules import slot_keys

    start = datetime(2026, 12, 2, 9, 0, tzinfo=SH)
    keys = slot_keys(start, rules.booking_end(start, 2, 60, 20), 0, SH)  # 09:00-11:20, no travel buffer
    assert keys[-1] == "SLOT#2026-12-02#11:00" and len(keys) == 5


@dataclass(frozen=True)
class TenOff(pricing.NoDiscount):
    def discount(self, ctx: pricing.PricingContext, payable_fen: int) -> int:
        return payable_fen // 10


@pytest.fixture
def own_pipeline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(functions.EXTENSIONS, "booking.quote", ())
    monkeypatch.setattr(functions, "_loaded", set())
    pricing.reset_pipeline()
    yield
    pricing.reset_pipeline()


def test_add_ons_are_in_the_subtotal_before_the_discounts(own_pipeline: None) -> None:
    pricing.register_discount_step(TenOff("member_discount_fen"))
    ctx = pricing.PricingContext(
        customer_id="c1",
        service_id="s1",
        category_id="cat",
        unit_price_fen=5000,
        units=2,
        start=NOW,
        coupon_id=None,
        points=None,
        now=NOW,
        addons_fen=5000,
    )
    quote = pricing.quote(ctx)
    assert (quote.subtotal_fen, quote.addons_fen) == (15000, 5000)
    assert (quote.member_discount_fen, quote.total_fen) == (1500, 13500)
