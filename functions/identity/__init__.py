"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address) and ``contact_for``
(notifications reach a customer or worker by WeChat subscription message or SMS), ``nickname_of`` (a review shows
its author's nickname), ``customers_born_on`` (marketing's birthday perks) and ``register_profile_flags``
(marketing's tier shows exclusive support on the profile).
"""

from functions.identity.models import Contact
from functions.identity.service import contact_for, get_address, nickname_of, register_profile_flags
from functions.identity.store import customers_born_on

__all__ = [
    "Contact",
    "contact_for",
    "customers_born_on",
    "get_address",
    "nickname_of",
    "register_profile_flags",
]
