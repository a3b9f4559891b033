"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address) and ``contact_for``
(notifications reach a customer or worker by WeChat subscription message or SMS).
"""

from typing import TYPE_CHECKING

from common.lazy import exports

if TYPE_CHECKING:
    from functions.identity.models import Contact
    from functions.identity.service import contact_for, get_address

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = exports(
    __name__,
    {
        "Contact": "functions.identity.models",
        "contact_for": "functions.identity.service",
        "get_address": "functions.identity.service",
    },
)

__all__ = ["Contact", "contact_for", "get_address"]
