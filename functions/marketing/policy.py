"""Marketing's rules as configured: the settings turned into the pure rules' parameters."""

from __future__ import annotations

from datetime import datetime

from common.clock import business_tz
from common.settings import get_settings

from functions.marketing import rules


def tiers() -> tuple[rules.TierRule, ...]:
    """The tiers, lowest threshold first (settings ``membership_tiers``)."""
    found = tuple(rules.TierRule(**t) for t in get_settings().membership_tiers)
    return tuple(sorted(found, key=lambda t: t.min_spend_fen))


def tier_rule(tier: str) -> rules.TierRule:
    for rule in tiers():
        if rule.tier == tier:
            return rule
    return tiers()[0]


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day_of(instant: datetime) -> str:
    return instant.astimezone(business_tz()).date().isoformat()
