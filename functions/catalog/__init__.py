"""Catalog: categories and services.

Other capabilities may call: ``get_service`` (booking prices and times an order; matching reads its category),
``category_tree`` (workers resolve the skills a worker names: categories, services, sub-categories).
"""

from functions.catalog.service import category_tree, get_service

__all__ = ["category_tree", "get_service"]
