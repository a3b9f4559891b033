"""Marketing (营销与会员): coupons, points, membership tiers, referral and sharing.

It plugs into booking and identity from ``extensions`` (listed in the composition root, ``functions.EXTENSIONS``) and reacts to order events and
UserRegistered; other capabilities call nothing here.
"""
