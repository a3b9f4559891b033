"""Money is integer fen (CNY cents) everywhere: no floats, no Decimal on the wire."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

Fen = Annotated[StrictInt, Field(ge=0, description="amount in fen (CNY cents)")]


def percent_of(amount_fen: int, percent: int | float) -> int:
    """``percent`` % of an amount, rounded half up to a whole fen."""
    return (amount_fen * round(percent * 100) + 5000) // 10000


def yuan(amount_fen: int) -> str:
    """For people: 12345 → '123.45'."""
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


def fen(amount: object, *, minimum: int | None = 0, what: str = "amount") -> int:
    """The one integer-fen guard: ``amount`` unchanged if it is an int (not a bool, never a float) of at least
    ``minimum`` (None: any sign, for ledger movements). Anything else is a bug upstream, not something to
    round: ``TypeError``."""
    if type(amount) is not int or (minimum is not None and amount < minimum):
        floor = "" if minimum is None else f" ≥ {minimum}"
        raise TypeError(f"{what} must be integer fen{floor}, got {amount!r}")
    return amount
