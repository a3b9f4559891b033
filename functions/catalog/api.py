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
    """The category tree with the services on sale."""
    return service.category_tree()


@route(bp, "/v1/services/{service_id}", "GET", response=Service, auth=None)
def get_service(call: Call, service_id: str) -> Service:
    """One service: description, duration, pricing, scenarios, media."""
    return service.get_service(service_id)


@route(bp, "/v1/admin/categories", "POST", body=CategoryIn, response=Category, status=201)
def create_category(call: Call) -> Category:
    """Create a category (custom categories welcome), optionally under a parent."""
    return service.create_category(call.body, new_id=new_id)


@route(bp, "/v1/admin/services", "POST", body=ServiceIn, response=Service, status=201)
def create_service(call: Call) -> Service:
    """Put a new service on sale."""
    return service.create_service(call.body, new_id=new_id)


@route(bp, "/v1/admin/services/{service_id}", "PATCH", body=ServicePatch, response=Service)
def update_service(call: Call, service_id: str) -> Service:
    """Edit a service, or take it off sale with active=false."""
    return service.update_service(service_id, call.body)
