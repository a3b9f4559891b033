"""Catalog use cases: the public category tree and service pages, the operators' edits."""

from __future__ import annotations

from collections.abc import Callable

from common.errors import Conflict, NotFound, RuleViolation

from functions.catalog import store
from functions.catalog.models import (
    Category,
    CategoryIn,
    CategoryNode,
    Service,
    ServiceIn,
    ServicePatch,
    ServiceSummary,
)

MAX_DEPTH = 3


def category_tree() -> list[CategoryNode]:
    """Every category as a tree, each with the services on sale in it, in the operators' order."""
    categories: list[Category] = []
    services: list[Service] = []
    for item in store.all_items():
        if item.kind == "category":
            categories.append(Category.model_validate(item.data))
        elif item.data.get("active", True):
            services.append(Service.model_validate(item.data))
    nodes = {c.id: CategoryNode(id=c.id, name=c.name, icon=c.icon) for c in categories}
    for s in sorted(services, key=lambda s: (s.pricing.unit_price_fen, s.id)):
        if s.category_id in nodes:
            cover = next((m.url for m in s.media if m.type == "image"), None)
            summary = ServiceSummary(
                id=s.id, name=s.name, duration_minutes=s.duration_minutes, pricing=s.pricing, cover=cover
            )
            nodes[s.category_id].services.append(summary)
    roots: list[CategoryNode] = []
    for c in sorted(categories, key=lambda c: (c.sort, c.id)):
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(nodes[c.id])
    return roots


def get_service(service_id: str, *, include_inactive: bool = False) -> Service:
    """A service on sale (or any service, for operators); NotFound otherwise."""
    data = store.get("service", service_id)
    if data is None or not (include_inactive or data.get("active", True)):
        raise NotFound("no such service")
    return Service.model_validate(data)


def _depth(category_id: str) -> int:
    depth = 0
    current: str | None = category_id
    while current is not None and depth <= MAX_DEPTH:
        data = store.get("category", current)
        if data is None:
            break
        depth += 1
        current = data.get("parent_id")
    return depth


def create_category(body: CategoryIn, *, new_id: Callable[[], str]) -> Category:
    if body.parent_id is not None:
        if store.get("category", body.parent_id) is None:
            raise RuleViolation("the parent category does not exist", code="UNKNOWN_CATEGORY")
        if _depth(body.parent_id) >= MAX_DEPTH:
            raise RuleViolation(f"categories nest at most {MAX_DEPTH} deep", code="TOO_DEEP")
    category = Category(id=new_id(), **body.model_dump())
    if not store.put_new("category", category.id, category.model_dump(mode="json")):
        raise Conflict("a category with that id exists")
    return category


def _check_category(category_id: str) -> None:
    if store.get("category", category_id) is None:
        raise RuleViolation("the category does not exist", code="UNKNOWN_CATEGORY")


def create_service(body: ServiceIn, *, new_id: Callable[[], str]) -> Service:
    _check_category(body.category_id)
    service = Service(id=new_id(), **body.model_dump())
    if not store.put_new("service", service.id, service.model_dump(mode="json")):
        raise Conflict("a service with that id exists")
    return service


def update_service(service_id: str, patch: ServicePatch) -> Service:
    """Apply the fields the operator sent; 409 if someone else changed the service meanwhile."""
    item = store.load("service", service_id)
    if item is None:
        raise NotFound("no such service")
    changes = patch.model_dump(mode="json", include=patch.model_fields_set)
    if "category_id" in changes:
        _check_category(changes["category_id"])
    if any(v is None for v in changes.values()):
        raise RuleViolation("a field cannot be cleared", code="NULL_FIELD")
    service = Service.model_validate(item.data | changes)
    item.data = service.model_dump(mode="json")
    if not store.save_changed(item):
        raise Conflict("the service was changed meanwhile; reload and try again")
    return service
