"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address) and ``contact_for``
(notifications reach a customer or worker by WeChat subscription message or SMS), ``nickname_of`` (a review shows
its author's nickname).
"""

from functions.identity.models import Contact
from functions.identity.service import contact_for, get_address, nickname_of

__all__ = ["Contact", "contact_for", "get_address", "nickname_of"]
