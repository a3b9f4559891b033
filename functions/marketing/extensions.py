"""Marketing's registrations into other capabilities, all in one place: importing this module performs them
(the composition root, ``functions.EXTENSIONS``, lists it). Booking never imports marketing; marketing plugs
in here:

- booking's quote pipeline: the member, coupon and points steps (``register_discount_step``);
- booking's priority booking: the tier's longer horizon and extra best-match candidates (``register_priority``);
- identity's profile: the tier's exclusive support flag (``register_profile_flags``).
"""

from __future__ import annotations

from functions import booking, identity
from functions.marketing.membership import profile_flags
from functions.marketing.steps import CouponDiscount, MemberDiscount, PointsDiscount, priority_for


def install() -> None:
    """Register every marketing extension (idempotent: a step replaces the one computing the same line)."""
    booking.register_discount_step(MemberDiscount())
    booking.register_discount_step(CouponDiscount())
    booking.register_discount_step(PointsDiscount())
    booking.register_priority(priority_for)
    identity.register_profile_flags(profile_flags)


install()
