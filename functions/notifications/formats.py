"""What WeChat and the SMS provider accept: subscription-message keyword values fitted to their limits, amounts
and times in the documented formats, SMS template parameters cut to the variable limit. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo

from common.money import yuan

# Value limits of subscription-message keywords (INTEGRATIONS.md; WeChat's 订阅消息参数值内容限制).
_LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "symbol": 5, "phone_number": 17}
_KEYWORD_TYPE = re.compile(r"^([a-z_]+?)\d*$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _cut(value: str, limit: int) -> str:
    """At most ``limit`` characters; a cut is marked with an ellipsis (which counts as one)."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def fit_value(keyword: str, value: str) -> str:
    """A value WeChat accepts for a keyword of this type (``thing2`` is a ``thing``): ``thing`` at most 20
    characters, ``phrase`` at most 5 Chinese characters and nothing else, ``character_string`` at most 32
    ASCII letters, digits or symbols, ``name`` at most 10. ``time``, ``date`` and ``amount`` are built in
    their required formats by this module and pass unchanged."""
    match = _KEYWORD_TYPE.match(keyword)
    kind = match.group(1) if match else keyword
    value = " ".join(_CONTROL.sub(" ", value).split())
    if kind == "phrase":
        return "".join(_HAN.findall(value))[:5]
    if kind == "character_string":
        return "".join(c for c in value if c.isascii() and c.isprintable() and c != " ")[:32]
    if kind == "number":
        return "".join(c for c in value if c.isdigit() or c == ".")[:32]
    if kind == "name":
        return _cut(value, 10)
    if kind in _LIMITS:
        return _cut(value, _LIMITS[kind])
    return value


def fit_data(fields: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """A subscription message's ``data``: each keyword's value fitted to its type's limit."""
    return {key: {"value": fit_value(key, value)} for key, value in fields.items()}


def fit_params(params: list[str], limit: int) -> list[str]:
    """SMS template parameters, each at most ``limit`` characters (providers refuse longer variables)."""
    return [_cut(" ".join(p.split()), limit) for p in params]


def amount_text(fen: int) -> str:
    """An ``amount`` keyword value: a currency sign and the yuan amount (12345 → ¥123.45)."""
    return f"¥{yuan(fen)}"


def _local(instant: datetime, tz: tzinfo) -> datetime:
    return instant.astimezone(tz)


def when_short(instant: datetime, tz: tzinfo) -> str:
    """For people: 12月1日 09:00 (business time)."""
    d = _local(instant, tz)
    return f"{d.month}月{d.day}日 {d:%H:%M}"


def when_full(instant: datetime, tz: tzinfo) -> str:
    """A ``time`` keyword value: 2026年12月1日 09:00 (24-hour clock, business time)."""
    d = _local(instant, tz)
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"
