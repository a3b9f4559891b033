"""Catalog: categories and services.

Other capabilities may call: ``get_service`` (booking prices and times an order; matching reads its category),
``category_tree`` (workers resolve the skills a worker names: categories, services, sub-categories).
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.catalog.service import category_tree, get_service

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "category_tree": "functions.catalog.service",
        "get_service": "functions.catalog.service",
    },
)

__all__ = ["category_tree", "get_service"]
