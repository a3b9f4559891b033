"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address) and ``contact_for``
(notifications reach a customer or worker by WeChat subscription message or SMS), ``nickname_of`` (a review shows
its author's nickname), ``customers_born_on`` (marketing's birthday perks), ``register_profile_flags``
(marketing's tier shows exclusive support on the profile); ``find_customers``, ``customer_profiles`` and
``list_addresses`` (analytics' customer views for operators).
"""

from functions.identity.models import Contact
from functions.identity.service import (
    contact_for,
    customer_profiles,
    find_customers,
    get_address,
    list_addresses,
    nickname_of,
    register_profile_flags,
)
from functions.identity.store import customers_born_on

__all__ = [
    "Contact",
    "contact_for",
    "customer_profiles",
    "customers_born_on",
    "find_customers",
    "get_address",
    "list_addresses",
    "nickname_of",
    "register_profile_flags",
]
