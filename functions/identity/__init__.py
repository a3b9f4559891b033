"""Identity: logins, tokens, users, a customer's profile and addresses.

Other capabilities may call: ``get_address`` (booking and matching read the service address).
"""

from functions.identity.service import get_address

__all__ = ["get_address"]
