"""Catalog use cases: the public category tree and service pages, the operators' edits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common import audit
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


def _recorded(
    by: str | None, action: str, target: str, details: dict[str, Any], now: datetime | None
) -> store.Also:
    """The audit item an operator's edit adds to its write (None for the seed's, which no one did)."""
    if by is None or now is None:
        return None
    return lambda tx: audit.add(tx, by, action, target, details, now)


def create_category(
    body: CategoryIn, *, new_id: Callable[[], str], by: str | None = None, now: datetime | None = None
) -> Category:
    """A new category (under an existing one, at most ``MAX_DEPTH`` deep); ``by``: the operator, recorded in the
    audit trail with it."""
    if body.parent_id is not None:
        if store.get("category", body.parent_id) is None:
            raise RuleViolation("the parent category does not exist", code="UNKNOWN_CATEGORY")
        if _depth(body.parent_id) >= MAX_DEPTH:
            raise RuleViolation(f"categories nest at most {MAX_DEPTH} deep", code="TOO_DEEP")
    category = Category(id=new_id(), **body.model_dump())
    also = _recorded(by, "category.create", f"category:{category.id}", {"name": category.name}, now)
    if not store.put_new("category", category.id, category.model_dump(mode="json"), also=also):
        raise Conflict("a category with that id exists")
    return category


def _check_category(category_id: str) -> None:
    if store.get("category", category_id) is None:
        raise RuleViolation("the category does not exist", code="UNKNOWN_CATEGORY")


def create_service(
    body: ServiceIn, *, new_id: Callable[[], str], by: str | None = None, now: datetime | None = None
) -> Service:
    """A new service of an existing category; ``by``: the operator, recorded in the audit trail with it."""
    _check_category(body.category_id)
    service = Service(id=new_id(), **body.model_dump())
    details = {"name": service.name, "category_id": service.category_id}
    also = _recorded(by, "service.create", f"service:{service.id}", details, now)
    if not store.put_new("service", service.id, service.model_dump(mode="json"), also=also):
        raise Conflict("a service with that id exists")
    return service


def update_service(
    service_id: str, patch: ServicePatch, *, by: str | None = None, now: datetime | None = None
) -> Service:
    """Apply the fields the operator sent (recorded in the audit trail with them: which fields changed); 409 if
    someone else changed the service meanwhile."""
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
    also = _recorded(by, "service.update", f"service:{service_id}", {"fields": sorted(changes)}, now)
    if not store.save_changed(item, also=also):
        raise Conflict("the service was changed meanwhile; reload and try again")
    return service
