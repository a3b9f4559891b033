"""Pure decisions of the on-site service (DESIGN.md "On-site service"): the arrival distance, what `start` and
`complete` need, which photos a stage takes, and the add-ons a booking chose. No I/O, no clock: the facts and
the limits come in as arguments.

Progress inside ``accepted``: none → ``on_the_way`` (出发) → ``arrived`` (到达); arrival may come without a
departure. The order's status never changes here; a wrong status is 409 ``INVALID_TRANSITION`` like any move.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from common.errors import InvalidTransition, RuleViolation
from common.geo import haversine_km

from functions.booking.rules import ACCEPTED, IN_SERVICE

Progress = Literal["on_the_way", "arrived"]
ON_THE_WAY: Progress = "on_the_way"
ARRIVED: Progress = "arrived"
PhotoStage = Literal["before", "after"]
# Where each stage's photos may be added: before-photos until the service is under way, after-photos during it.
PHOTO_STATUSES: dict[str, frozenset[str]] = {
    "before": frozenset({ACCEPTED, IN_SERVICE}),
    "after": frozenset({IN_SERVICE}),
}


# --- progress ------------------------------------------------------------------------------------------------


def check_can_depart(status: str, progress: str | None) -> None:
    """Departure (出发) is once, on an accepted order before arrival."""
    if status != ACCEPTED:
        raise InvalidTransition(f"cannot depart for an order that is {status}")
    if progress is not None:
        raise InvalidTransition(f"the worker is already {progress.replace('_', ' ')}")


def check_can_arrive(status: str, progress: str | None) -> None:
    """Arrival (到达) is once, on an accepted order, with or without a departure first."""
    if status != ACCEPTED:
        raise InvalidTransition(f"cannot arrive for an order that is {status}")
    if progress == ARRIVED:
        raise InvalidTransition("the worker has already arrived")


def distance_m(lat: float, lng: float, to_lat: float, to_lng: float) -> float:
    """Metres between two points, great-circle (``common.geo.haversine_km``)."""
    return haversine_km(lat, lng, to_lat, to_lng) * 1000


def check_arrival_distance(distance: float, max_distance_m: int) -> None:
    """At most ``max_distance_m`` metres from the address (exactly at the limit is near enough); farther is
    422 ``TOO_FAR_FROM_ADDRESS`` with the distance rounded up to the metre."""
    if distance > max_distance_m:
        raise RuleViolation(
            f"{math.ceil(distance)} m from the order's address; check in within {max_distance_m} m",
            code="TOO_FAR_FROM_ADDRESS",
            details={"distance_m": math.ceil(distance), "max_distance_m": max_distance_m},
        )


def arrival_required(service: Mapping[str, Any], default: bool) -> bool:
    """Whether the order's service (its snapshot at booking) needs the arrival check-in before `start`."""
    value = service.get("requires_arrival")
    return default if value is None else bool(value)


def check_can_start(service: Mapping[str, Any], progress: str | None, *, default: bool) -> None:
    """`start` on a service that requires arrival needs ``progress == "arrived"``: 422 ``ARRIVAL_REQUIRED``."""
    if arrival_required(service, default) and progress != ARRIVED:
        raise RuleViolation("check in at the address first (arrive)", code="ARRIVAL_REQUIRED")


# --- photos --------------------------------------------------------------------------------------------------


def check_photo_stage(stage: str, status: str, have: int, adding: int, max_per_stage: int) -> None:
    """Before-photos on an accepted or in-service order, after-photos in service (409 otherwise); at most
    ``max_per_stage`` of a stage in all (422 ``TOO_MANY_PHOTOS``)."""
    if status not in PHOTO_STATUSES[stage]:
        raise InvalidTransition(f"cannot add {stage} photos to an order that is {status}")
    if have + adding > max_per_stage:
        raise RuleViolation(
            f"an order keeps at most {max_per_stage} {stage} photos ({have} already)", code="TOO_MANY_PHOTOS"
        )


# --- completion ----------------------------------------------------------------------------------------------


def checked_checklist(items: Sequence[str], answers: Mapping[str, bool] | None) -> dict[str, bool] | None:
    """The ticked checklist kept on the order (None when the service has none and none was sent).

    Every item of the service's checklist must be answered ``true``: one missing or ``false`` is 422
    ``CHECKLIST_INCOMPLETE`` (``details.missing`` names them); an item the service does not have is 422
    ``UNKNOWN_CHECKLIST_ITEM`` (``details.unknown``)."""
    answers = dict(answers or {})
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise RuleViolation(
            "not on the service's checklist: " + ", ".join(unknown),
            code="UNKNOWN_CHECKLIST_ITEM",
            details={"unknown": unknown},
        )
    missing = [i for i in items if answers.get(i) is not True]
    if missing:
        raise RuleViolation(
            "tick every checklist item first: " + ", ".join(missing),
            code="CHECKLIST_INCOMPLETE",
            details={"missing": missing},
        )
    return {i: True for i in items} if items else None


def check_after_photos(service: Mapping[str, Any], after_photos: int) -> None:
    """A service with ``requires_after_photos`` completes only with at least one after-photo: 422
    ``PHOTOS_REQUIRED``."""
    if service.get("requires_after_photos") and after_photos < 1:
        raise RuleViolation("add the after-service photos first", code="PHOTOS_REQUIRED")


# --- add-ons (加项) ------------------------------------------------------------------------------------------


def chosen_addons(offered: Iterable[Mapping[str, Any]], ids: Sequence[str]) -> list[dict[str, Any]]:
    """The add-ons ``ids`` names, as the service offers them (id, name, price_fen, minutes), in the order asked;
    an id the service does not offer is 422 ``UNKNOWN_ADDON``, one named twice 422 ``DUPLICATE_ADDON``."""
    by_id = {str(a["id"]): dict(a) for a in offered}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise RuleViolation(
            "the service has no add-on " + ", ".join(unknown),
            code="UNKNOWN_ADDON",
            details={"unknown": unknown},
        )
    if len(set(ids)) != len(ids):
        raise RuleViolation("an add-on is booked once", code="DUPLICATE_ADDON")
    return [
        {k: by_id[i][k] for k in ("id", "name", "price_fen", "minutes")}  # the booking's snapshot
        for i in ids
    ]


def addons_fen(addons: Iterable[Mapping[str, Any]]) -> int:
    return sum(int(a["price_fen"]) for a in addons)


def addon_minutes(addons: Iterable[Mapping[str, Any]]) -> int:
    """How much longer the booking is: the add-ons' minutes (the slot locks cover every 30-minute slot the
    longer booking touches, so a part slot holds a whole one)."""
    return sum(int(a["minutes"]) for a in addons)
