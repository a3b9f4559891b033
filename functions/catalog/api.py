"""Catalog routes: the public tree and service pages; the operators' create and edit."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.ids import new_id

from functions.catalog import service
from functions.catalog.models import Category, CategoryIn, CategoryNode, Service, ServiceIn, ServicePatch

bp = Blueprint(__name__)


@route(bp, "/v1/categories", "GET", response=list[CategoryNode], auth=None)
def list_categories(call: Call) -> list[CategoryNode]:
    """The category tree with the services on sale.

    Every category in the operators' order, each with its sub-categories (`children`) and a summary of each
    service on sale in it. Public: no token needed.
    """
    return service.category_tree()


@route(bp, "/v1/services/{service_id}", "GET", response=Service, auth=None)
def get_service(call: Call, service_id: str) -> Service:
    """One service on sale: description, duration, pricing, scenarios, media, add-ons, checklist.

    `pricing.price_range_fen` is `[lowest, highest]`, the typical total for display; what a booking costs
    comes from `POST /v1/quotes`. `addons` (加项) may be booked with it (`addons: [ids]` in quotes and orders:
    each adds its `price_fen` and its `minutes`); `checklist` is what the worker ticks at completion;
    `requires_arrival` and `requires_after_photos` say what the visit must show before start and completion.
    A service taken off sale, like an unknown id, is 404.
    """
    return service.get_service(service_id)


@route(bp, "/v1/admin/categories", "POST", body=CategoryIn, response=Category, status=201)
def create_category(call: Call) -> Category:
    """Create a category, optionally under a parent.

    Custom categories are welcome. A parent must exist (422 `UNKNOWN_CATEGORY`), and categories nest only a
    few levels deep (422 `TOO_DEEP`).
    """
    return service.create_category(call.body, new_id=new_id, by=call.user_id, now=call.now)


@route(bp, "/v1/admin/services", "POST", body=ServiceIn, response=Service, status=201)
def create_service(call: Call) -> Service:
    """Put a new service on sale.

    In an existing category (422 `UNKNOWN_CATEGORY`). Its pricing (unit, unit price, minimum units) is what
    quotes and orders charge; it appears in the category tree at once. Its `addons` (ids unique within the
    service), `checklist` (items unique) and the visit's `requires_arrival` / `requires_after_photos` apply to
    orders booked from then on (an order keeps the service as it was booked).
    """
    return service.create_service(call.body, new_id=new_id, by=call.user_id, now=call.now)


@route(bp, "/v1/admin/services/{service_id}", "PATCH", body=ServicePatch, response=Service)
def update_service(call: Call, service_id: str) -> Service:
    """Edit a service, or take it off sale.

    Only the fields sent change; `active: false` takes the service off sale (it leaves the tree and its page),
    `true` puts it back. A field cannot be cleared with null (422 `NULL_FIELD`); `addons` and `checklist` are
    replaced whole (`[]` empties them). Orders already booked keep the service as it was. 409 if someone else
    changed the service meanwhile: reload it and try again.
    """
    return service.update_service(service_id, call.body, by=call.user_id, now=call.now)
