"""Catalog: categories and services.

Other capabilities may call: ``get_service`` (booking prices and times an order; matching reads its category).
"""

from functions.catalog.service import get_service

__all__ = ["get_service"]
