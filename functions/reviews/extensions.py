"""Everything reviews plugs into booking, in one place; importing this module performs it (the composition
root, ``functions.EXTENSIONS``, lists it).

- the credit price line: a booking with a chosen (or matched) worker is priced ×``credit_price_percent`` of
  the worker's level, shown as the quote line ``credit_adjustment``;
- the commission: the best level's lower ``credit_commission_percent``, fixed on the order when it is booked (so
  the worker knows it when accepting) and used by settlement;
- the customer's rating by other workers on the worker's view of an order.

Direction of dependencies: reviews imports booking's public functions (to read the order it reviews and to
register these); booking never imports reviews.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.money import percent_of

from functions import booking
from functions.reviews import credit_service, service


@dataclass(frozen=True)
class CreditPriceStep:
    """The chosen worker's credit multiplier as a signed line on the subtotal."""

    line: str = "credit_adjustment"

    def adjust(self, ctx: booking.PricingContext, subtotal_fen: int) -> booking.PriceLine | None:
        if not ctx.worker_id:
            return None
        percent = credit_service.price_percent(ctx.worker_id)
        if percent == 100:
            return None
        amount = percent_of(subtotal_fen, percent) - subtotal_fen
        note = f"信用等级价格 ×{percent / 100:.2f}"
        return booking.PriceLine(line=self.line, amount_fen=amount, note=note)


booking.register_price_step(CreditPriceStep())
booking.register_commission_rule("credit", credit_service.commission_percent)
booking.register_customer_rating_source(service.customer_rating)
