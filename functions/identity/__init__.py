"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address) and ``contact_for``
(notifications reach a customer or worker by WeChat subscription message or SMS), ``nickname_of`` (a review shows
its author's nickname), ``customers_born_on`` (marketing's birthday perks), ``register_profile_flags``
(marketing's tier shows exclusive support on the profile); ``find_customers``, ``customer_profiles`` and
``list_addresses`` (analytics' customer views for operators).
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
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

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "Contact": "functions.identity.models",
        "contact_for": "functions.identity.service",
        "customer_profiles": "functions.identity.service",
        "customers_born_on": "functions.identity.store",
        "find_customers": "functions.identity.service",
        "get_address": "functions.identity.service",
        "list_addresses": "functions.identity.service",
        "nickname_of": "functions.identity.service",
        "register_profile_flags": "functions.identity.service",
    },
)

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
