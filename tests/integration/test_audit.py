"""The audit trail (API.md "Operators"): every operator action leaves exactly one audit item naming the staff
member who did it, written with the action; a refused action leaves none; the list is newest first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from common.clock import clock, iso

from functions.booking import mark_paid
from tests.client import Reply
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.review_helpers import completed_order, review
from tests.integration.staff_helpers import staff_token
from tests.integration.worker_helpers import profile, register

ROLES = ("dispatcher", "finance", "support", "marketing")


@dataclass
class Office:
    world: World
    admin: str
    staff: dict[str, str]  # role → token of a staff member with only that role
    ids: dict[str, str]  # role → staff id

    def trail(self) -> list[dict[str, Any]]:
        """The whole audit trail, newest first, page by page."""
        items, cursor = [], None
        while True:
            path = "/v1/admin/audit?limit=3" + (f"&cursor={cursor}" if cursor else "")
            page = self.world.api.get(path, token=self.admin).body
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def recorded(self, act: Callable[[], Reply], status: int = 200) -> list[dict[str, Any]]:
        """Do ``act`` (expecting ``status``); the audit entries it added, newest first."""
        before = len(self.trail())
        reply = act()
        assert reply.status == status, reply.body
        after = self.trail()
        return after[: len(after) - before]


@pytest.fixture
def office(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Office]:
    with long_lived_tokens(monkeypatch):  # tokens outlive the hours a completed order moves the clock by
        admin = operator(api)
        world = make_world(api, admin)
        staff = {role: staff_token(api, admin, f"audit_{role}", [role]) for role in ROLES}
        ids = {role: f"op_audit_{role}" for role in ROLES}
        yield Office(world, admin, staff, ids)


def one(entries: list[dict[str, Any]], staff: str, action: str, target: str) -> dict[str, Any]:
    assert len(entries) == 1, entries
    [entry] = entries
    assert (entry["staff"], entry["action"], entry["target"]) == (staff, action, target), entry
    assert entry["at"] and entry["staff_username"] == staff.removeprefix("op_")
    return entry


def test_worker_decisions_are_recorded_with_the_dispatcher_who_made_them(office: Office) -> None:
    api, token, me = office.world.api, office.staff["dispatcher"], office.ids["dispatcher"]
    _, worker_id = register(api, "ayi_new", profile([office.world.category_id]))
    base = f"/v1/admin/workers/{worker_id}"
    target = f"worker:{worker_id}"
    verify = office.recorded(
        lambda: api.post(f"{base}/verify", {"approved": True, "note": "齐全"}, token=token)
    )
    assert one(verify, me, "worker.approve", target)["details"] == {"note": "齐全"}
    suspend = office.recorded(lambda: api.post(f"{base}/suspend", {"note": "投诉多"}, token=token))
    one(suspend, me, "worker.suspend", target)
    reinstate = office.recorded(lambda: api.post(f"{base}/reinstate", {"note": "整改"}, token=token))
    one(reinstate, me, "worker.reinstate", target)
    violation = {"kind": "misconduct", "note": "迟到"}
    recorded = office.recorded(lambda: api.post(f"{base}/violations", violation, token=token), 201)
    one(recorded, me, "worker.violation", target)
    # refused: reinstating a worker who is not suspended, verifying nobody
    assert office.recorded(lambda: api.post(f"{base}/reinstate", {"note": "x"}, token=token), 409) == []
    nobody = "/v1/admin/workers/nobody/verify"
    assert office.recorded(lambda: api.post(nobody, {"approved": True, "note": "x"}, token=token), 404) == []


def test_reassigning_and_cancelling_an_order_are_recorded(office: Office) -> None:
    world, api = office.world, office.world.api
    order = world.book("amy", slot(5), worker="wang").body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-1", now=clock.now()
    )
    li = world.worker("li").id
    path = f"/v1/admin/orders/{order['id']}"
    dispatcher = office.staff["dispatcher"]
    moved = office.recorded(lambda: api.post(f"{path}/reassign", {"worker_id": li}, token=dispatcher))
    entry = one(moved, office.ids["dispatcher"], "order.reassign", f"order:{order['id']}")
    assert entry["details"]["worker_id"] == li
    same = office.recorded(lambda: api.post(f"{path}/reassign", {"worker_id": li}, token=dispatcher), 422)
    assert same == []
    finance = office.staff["finance"]
    body = {"reason": "客户要求", "refund_fen": 1000}
    cancelled = office.recorded(lambda: api.post(f"{path}/cancel", body, token=finance))
    entry = one(cancelled, office.ids["finance"], "order.cancel", f"order:{order['id']}")
    assert entry["details"]["refund_fen"] == 1000
    assert office.recorded(lambda: api.post(f"{path}/cancel", body, token=finance), 409) == []


def test_resolving_a_complaint_is_recorded_and_resolving_it_again_is_not(office: Office) -> None:
    world, api = office.world, office.world.api
    order = world.book("amy", slot(5), worker="wang").body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-2", now=clock.now()
    )
    complaint = api.post(
        f"/v1/orders/{order['id']}/complaints", {"text": "迟到"}, token=world.customer("amy").token
    ).body
    path = f"/v1/admin/complaints/{complaint['id']}/resolve"
    support = office.staff["support"]
    resolved = office.recorded(lambda: api.post(path, {"resolution": "已致歉"}, token=support))
    one(resolved, office.ids["support"], "complaint.resolve", f"complaint:{complaint['id']}")
    assert office.recorded(lambda: api.post(path, {"resolution": "再次"}, token=support), 409) == []


def test_hiding_a_review_and_deciding_an_appeal_are_recorded(office: Office) -> None:
    world, api = office.world, office.world.api
    order = completed_order(world, "amy", "wang")
    posted = review(world, "amy", order["id"], 1)
    assert posted.status == 201, posted.body
    hide = f"/v1/admin/reviews/{posted.body['id']}/hide"
    support = office.staff["support"]
    hidden = office.recorded(lambda: api.post(hide, {"reason": "辱骂"}, token=support))
    one(hidden, office.ids["support"], "review.hide", f"review:{posted.body['id']}")
    assert office.recorded(lambda: api.post(hide, {"reason": "again"}, token=support), 409) == []

    wang = world.worker("wang")
    violation = api.post(
        f"/v1/admin/workers/{wang.id}/violations", {"kind": "misconduct", "note": "x"}, token=office.admin
    ).body
    subject = {"kind": "violation", "id": violation["id"]}
    appeal = api.post("/v1/worker/appeals", {"subject": subject, "text": "误会"}, token=wang.token).body
    decide = f"/v1/admin/appeals/{appeal['id']}/decide"
    dispatcher = office.staff["dispatcher"]
    decided = office.recorded(lambda: api.post(decide, {"upheld": False, "note": "属实"}, token=dispatcher))
    entry = one(decided, office.ids["dispatcher"], "appeal.decide", f"appeal:{appeal['id']}")
    assert entry["details"]["status"] == "rejected"
    assert (
        office.recorded(lambda: api.post(decide, {"upheld": True, "note": "x"}, token=dispatcher), 409) == []
    )


def test_coupon_templates_issues_and_rewards_are_recorded_with_the_count_issued(office: Office) -> None:
    world, api, marketing = office.world, office.world.api, office.staff["marketing"]
    body = {
        "name": "满100减20",
        "kind": "threshold",
        "discount_fen": 2000,
        "threshold_fen": 10000,
        "valid_until": iso(clock.now() + timedelta(days=30)),
        "total": 5,
        "per_user_limit": 1,
    }
    created = office.recorded(lambda: api.post("/v1/admin/coupon-templates", body, token=marketing), 201)
    entry = one(created, office.ids["marketing"], "coupon_template.create", created[0]["target"])
    assert entry["details"] == {"name": "满100减20", "kind": "threshold", "total": 5}
    template_id = entry["target"].removeprefix("coupon_template:")

    customers = [world.customer(name).id for name in ("amy", "ben")]
    issue = f"/v1/admin/coupon-templates/{template_id}/issue"
    issued = office.recorded(lambda: api.post(issue, {"customer_ids": customers}, token=marketing))
    entry = one(issued, office.ids["marketing"], "coupon_template.issue", f"coupon_template:{template_id}")
    assert entry["details"] == {"customers": 2, "count": 2}
    # everyone is at the per-user limit now: nothing issued, nothing recorded
    again = office.recorded(lambda: api.post(issue, {"customer_ids": customers}, token=marketing))
    assert again == []
    nothing = "/v1/admin/coupon-templates/nope/issue"
    assert office.recorded(lambda: api.post(nothing, {"customer_ids": customers}, token=marketing), 404) == []

    reward = {"name": "抱枕", "kind": "gift", "points_cost": 100, "stock": 3}
    made = office.recorded(lambda: api.post("/v1/admin/rewards", reward, token=marketing), 201)
    entry = one(made, office.ids["marketing"], "reward.create", made[0]["target"])
    assert entry["target"].startswith("reward:")


def test_withdrawal_decisions_are_recorded_and_a_repeat_is_not(office: Office, earn: Any) -> None:
    api, finance = office.world.api, office.staff["finance"]
    login = api.post("/v1/auth/wechat", {"code": "dev:wd_worker", "role": "worker"}).body
    token, worker_id = login["token"], login["user"]["id"]
    earn(worker_id, 50000)
    first = api.post("/v1/worker/withdrawals", {"amount_fen": 10000}, token=token).body
    approve = f"/v1/admin/withdrawals/{first['id']}/approve"
    # the dispatcher may not: 403, and nothing recorded
    assert office.recorded(lambda: api.post(approve, token=office.staff["dispatcher"]), 403) == []
    approved = office.recorded(lambda: api.post(approve, token=finance))
    entry = one(approved, office.ids["finance"], "withdrawal.approve", f"withdrawal:{first['id']}")
    assert entry["details"]["amount_fen"] == 10000
    # the same decision again answers it, changes nothing and records nothing
    assert office.recorded(lambda: api.post(approve, token=finance)) == []
    second = api.post("/v1/worker/withdrawals", {"amount_fen": 10000}, token=token).body
    reject = f"/v1/admin/withdrawals/{second['id']}/reject"
    rejected = office.recorded(lambda: api.post(reject, {"reason": "卡号有误"}, token=finance))
    one(rejected, office.ids["finance"], "withdrawal.reject", f"withdrawal:{second['id']}")


def test_catalog_edits_and_staff_changes_are_recorded_with_the_admin(office: Office) -> None:
    api, admin = office.world.api, office.admin
    category = office.recorded(lambda: api.post("/v1/admin/categories", {"name": "收纳"}, token=admin), 201)
    entry = one(category, "op_admin", "category.create", category[0]["target"])
    category_id = entry["target"].removeprefix("category:")
    body = {
        "category_id": category_id,
        "name": "衣橱整理",
        "description": "整理衣橱",
        "duration_minutes": 120,
        "pricing": {
            "unit": "visit",
            "unit_price_fen": 20000,
            "min_units": 1,
            "price_range_fen": [20000, 20000],
        },
    }
    service = office.recorded(lambda: api.post("/v1/admin/services", body, token=admin), 201)
    service_id = one(service, "op_admin", "service.create", service[0]["target"])["target"].split(":")[1]
    patch = f"/v1/admin/services/{service_id}"
    changed = office.recorded(lambda: api.patch(patch, {"name": "衣橱收纳"}, token=admin))
    assert one(changed, "op_admin", "service.update", f"service:{service_id}")["details"] == {
        "fields": ["name"]
    }
    assert (
        office.recorded(lambda: api.patch("/v1/admin/services/nope", {"name": "x"}, token=admin), 404) == []
    )

    new = {"username": "temp1", "password": "temp-pass-1", "roles": ["support"]}
    created = office.recorded(lambda: api.post("/v1/admin/staff", new, token=admin), 201)
    assert one(created, "op_admin", "staff.create", "staff:op_temp1")["details"] == {
        "username": "temp1",
        "roles": ["support"],
    }
    disabled = office.recorded(lambda: api.patch("/v1/admin/staff/op_temp1", {"disabled": True}, token=admin))
    assert one(disabled, "op_admin", "staff.update", "staff:op_temp1")["details"] == {"disabled": True}
    assert office.recorded(lambda: api.post("/v1/admin/staff", new, token=admin), 409) == []
    assert office.recorded(lambda: api.post("/v1/admin/staff", new, token=office.staff["support"]), 403) == []


def test_the_trail_is_newest_first_and_only_the_admin_reads_it(office: Office) -> None:
    api, admin = office.world.api, office.admin
    for name in ("一", "二", "三"):
        assert api.post("/v1/admin/categories", {"name": name}, token=admin).status == 201
    trail = office.trail()
    ats = [e["at"] for e in trail]
    assert ats == sorted(ats, reverse=True)
    names = [e["details"].get("name") for e in trail if e["action"] == "category.create"]
    assert names[:3] == ["三", "二", "一"]
    for token in office.staff.values():
        assert api.get("/v1/admin/audit", token=token).status == 403
