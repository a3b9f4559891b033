"""An order as its worker sees it: the customer's exact address and phone only while the worker needs them, and
the way to the door once the order is accepted.

The contact window opens at acceptance (``accepted``, ``in_service``) and closes
``worker_contact_hours_after_completion`` after completion; before (an offer), after, or once cancelled, the
address is reduced to its region and street, the phone and name are masked and the point is rounded to about a
kilometre (enough to judge the distance, not to find the door).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from common.api import Call
from common.idempotency import idempotent
from common.settings import get_settings

from functions.booking.models import AddressRef, Navigation, Order, WorkerOrder

ROUTE_PLAN_URL = "https://apis.map.qq.com/uri/v1/routeplan"
_OPEN = ("accepted", "in_service")
_STREET = re.compile(r"^\D*")  # the detail up to its first number: the road (漕溪北路 88 号 … → 漕溪北路)


def completed_at(order: Order) -> datetime | None:
    """When the order was completed (its last ``completed`` timeline entry), None if it was not."""
    times = [e.at for e in order.timeline if e.status == "completed"]
    return datetime.fromisoformat(times[-1]) if times else None


def contact_visible(order: Order, *, now: datetime, hours_after_completion: int) -> bool:
    """Whether the worker may see the customer's exact address and phone now (module docstring)."""
    if order.status in _OPEN:
        return True
    done = completed_at(order) if order.status == "completed" else None
    return done is not None and now < done + timedelta(hours=hours_after_completion)


def mask_phone(phone: str) -> str:
    """``13812341234`` → ``138****1234``; anything short is masked whole."""
    digits = phone.strip()
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"


def mask_name(name: str) -> str:
    """``王小美`` → ``王**``."""
    return name[:1] + "*" * max(len(name) - 1, 1)


def masked_address(address: AddressRef) -> AddressRef:
    street = _STREET.match(address.detail)
    return AddressRef(
        id=address.id,
        contact_name=mask_name(address.contact_name),
        phone=mask_phone(address.phone),
        region=address.region,
        detail=(street.group(0).strip() if street else "") + "***",
        lat=round(address.lat, 2),
        lng=round(address.lng, 2),
    )


def route_link(lat: float, lng: float, address: str, referer: str) -> str:
    """Tencent Maps' route-plan URI (driving) to the point, labelled with the address."""
    return (
        f"{ROUTE_PLAN_URL}?type=drive&to={quote(address, safe='')}&tocoord={lat},{lng}"
        f"&referer={quote(referer, safe='')}"
    )


def for_worker(order: Order, *, now: datetime) -> WorkerOrder:
    """The worker's view of an order assigned to them (module docstring); a ``WorkerOrder`` given keeps its
    customer rating."""
    s = get_settings()
    view = WorkerOrder.model_validate(order.model_dump())
    if not contact_visible(order, now=now, hours_after_completion=s.worker_contact_hours_after_completion):
        view.address = masked_address(order.address)
        return view
    if order.status in _OPEN:
        a = order.address
        label = f"{a.region}{a.detail}".replace(" ", "")
        view.navigation = Navigation(
            lat=a.lat, lng=a.lng, address=label, url=route_link(a.lat, a.lng, label, s.map_referer)
        )
    return view


def worker_step(
    call: Call, order_id: str, action: str, fn: Callable[..., Order], *, body: bool = False
) -> WorkerOrder:
    """A worker's step on their order, once per Idempotency-Key, answered as the worker sees the order
    (``body``: ``fn`` takes the request body after the order id)."""
    args = (call.user_id, order_id, call.body) if body else (call.user_id, order_id)
    order = idempotent(call, f"order-{action}", Order, lambda: fn(*args, now=call.now), order_id=order_id)
    return for_worker(order, now=call.now)
