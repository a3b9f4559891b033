"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address) and ``contact_for``
(notifications reach a customer or worker by WeChat subscription message or SMS); ``find_customers``,
``customer_profiles`` and ``list_addresses`` (analytics' customer views for operators).
"""

from functions.identity.models import Contact
from functions.identity.service import (
    contact_for,
    customer_profiles,
    find_customers,
    get_address,
    list_addresses,
)

__all__ = [
    "Contact",
    "contact_for",
    "customer_profiles",
    "find_customers",
    "get_address",
    "list_addresses",
]
