"""A worker's earnings and withdrawals through the HTTP API; the ledger is audited after every scenario."""

from __future__ import annotations

from common.settings import get_settings

from tests.integration.conftest import Api


def worker(api: Api, name: str) -> tuple[str, str]:
    reply = api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"})
    return reply.body["token"], reply.body["user"]["id"]


def test_earnings_show_balance_pending_and_the_statement(api: Api, earn) -> None:
    token, worker_id = worker(api, "wang")
    order_id = earn(worker_id, 25000)
    body = api.get("/v1/worker/earnings", token=token).body
    assert (body["balance_fen"], body["pending_fen"], body["withdrawing_fen"], body["withdrawn_fen"]) == (
        20000,
        0,
        0,
        0,
    )
    lines = {(line["kind"], line["account"], line["amount_fen"], line["order_id"]) for line in body["items"]}
    assert lines == {
        ("earning_pending", "pending", 20000, order_id),
        ("settlement", "pending", -20000, order_id),
        ("settlement", "available", 20000, order_id),
    }
    assert all(type(line["amount_fen"]) is int for line in body["items"])


def test_the_statement_pages_and_a_cursor_cannot_read_another_worker(api: Api, earn) -> None:
    token, worker_id = worker(api, "li")
    for _ in range(3):
        earn(worker_id, 10000)
    first = api.get("/v1/worker/earnings?limit=4", token=token).body
    second = api.get(f"/v1/worker/earnings?limit=4&cursor={first['next_cursor']}", token=token).body
    assert len(first["items"]) == 4 and len(second["items"]) == 4 and first["balance_fen"] == 24000
    other_token, _ = worker(api, "zhao")
    stolen = api.get(f"/v1/worker/earnings?cursor={first['next_cursor']}", token=other_token)
    assert stolen.status == 400 and stolen.body["error"]["code"] == "INVALID_CURSOR"


def test_a_withdrawal_below_the_minimum_or_above_the_balance_is_refused(api: Api, earn) -> None:
    token, worker_id = worker(api, "zhou")
    earn(worker_id, 20000)  # 16000 available
    minimum = get_settings().withdrawal_min_fen
    small = api.post("/v1/worker/withdrawals", {"amount_fen": minimum - 1}, token=token)
    large = api.post("/v1/worker/withdrawals", {"amount_fen": 16001}, token=token)
    fraction = api.post("/v1/worker/withdrawals", {"amount_fen": 12000.5}, token=token)
    assert (small.status, small.body["error"]["code"]) == (422, "BELOW_MINIMUM")
    assert (large.status, large.body["error"]["code"]) == (422, "INSUFFICIENT_BALANCE")
    assert fraction.status == 422
    assert api.get("/v1/worker/earnings", token=token).body["balance_fen"] == 16000


def test_only_one_withdrawal_is_open_at_a_time(api: Api, earn) -> None:
    token, worker_id = worker(api, "sun")
    earn(worker_id, 50000)  # 40000 available
    first = api.post("/v1/worker/withdrawals", {"amount_fen": 10000}, token=token)
    second = api.post("/v1/worker/withdrawals", {"amount_fen": 10000}, token=token)
    assert first.status == 201 and first.body["status"] == "requested"
    assert (second.status, second.body["error"]["code"]) == (409, "WITHDRAWAL_OPEN")
    body = api.get("/v1/worker/earnings", token=token).body
    assert (body["balance_fen"], body["withdrawing_fen"]) == (30000, 10000)


def test_an_approved_withdrawal_is_paid_and_the_next_one_may_open(
    api: Api, earn, operator_token: str
) -> None:
    token, worker_id = worker(api, "qian")
    earn(worker_id, 50000)
    wd = api.post("/v1/worker/withdrawals", {"amount_fen": 15000}, token=token).body
    queue = api.get("/v1/admin/withdrawals?status=requested", token=operator_token).body["items"]
    assert [w["id"] for w in queue] == [wd["id"]]
    approved = api.post(f"/v1/admin/withdrawals/{wd['id']}/approve", token=operator_token)
    assert approved.status == 200 and approved.body["status"] == "paid" and approved.body["decided_by"]
    again = api.post(f"/v1/admin/withdrawals/{wd['id']}/approve", token=operator_token)
    assert again.status == 200 and again.body["status"] == "paid"
    reject = api.post(f"/v1/admin/withdrawals/{wd['id']}/reject", {"reason": "late"}, token=operator_token)
    assert (reject.status, reject.body["error"]["code"]) == (409, "WITHDRAWAL_DECIDED")
    body = api.get("/v1/worker/earnings", token=token).body
    assert (body["balance_fen"], body["withdrawing_fen"], body["withdrawn_fen"]) == (25000, 0, 15000)
    assert api.post("/v1/worker/withdrawals", {"amount_fen": 10000}, token=token).status == 201
    assert (
        api.get("/v1/admin/withdrawals?status=paid", token=operator_token).body["items"][0]["id"] == wd["id"]
    )


def test_a_rejected_withdrawal_returns_the_money(api: Api, earn, operator_token: str) -> None:
    token, worker_id = worker(api, "wu")
    earn(worker_id, 30000)  # 24000
    wd = api.post("/v1/worker/withdrawals", {"amount_fen": 24000}, token=token).body
    rejected = api.post(
        f"/v1/admin/withdrawals/{wd['id']}/reject", {"reason": "银行卡信息有误"}, token=operator_token
    )
    assert rejected.body["status"] == "rejected" and rejected.body["note"] == "银行卡信息有误"
    body = api.get("/v1/worker/earnings", token=token).body
    assert (body["balance_fen"], body["withdrawing_fen"], body["withdrawn_fen"]) == (24000, 0, 0)
    mine = api.get("/v1/worker/withdrawals", token=token).body["items"]
    assert [(w["id"], w["status"]) for w in mine] == [(wd["id"], "rejected")]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_withdrawal(api: Api, earn) -> None:
    token, worker_id = worker(api, "zheng")
    earn(worker_id, 50000)
    key = {"Idempotency-Key": "tap-1"}
    first = api.post("/v1/worker/withdrawals", {"amount_fen": 12000}, token=token, headers=key)
    retry = api.post("/v1/worker/withdrawals", {"amount_fen": 12000}, token=token, headers=key)
    other = api.post("/v1/worker/withdrawals", {"amount_fen": 13000}, token=token, headers=key)
    assert first.status == retry.status == 201 and first.body == retry.body
    assert (other.status, other.body["error"]["code"]) == (
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )  # one rule for all keys
    assert api.get("/v1/worker/earnings", token=token).body["withdrawing_fen"] == 12000


def test_earnings_are_for_workers_and_decisions_for_operators(api: Api, earn) -> None:
    customer = api.login("customer-x")
    token, _ = worker(api, "feng")
    assert api.get("/v1/worker/earnings", token=customer).status == 403
    assert api.get("/v1/admin/withdrawals", token=token).status == 403
    assert api.post("/v1/admin/withdrawals/wdnope/approve", token=token).status == 403
    assert api.get("/v1/worker/earnings").status == 401


def test_deciding_an_unknown_withdrawal_is_404(api: Api, earn, operator_token: str) -> None:
    assert api.post("/v1/admin/withdrawals/wdnope/approve", token=operator_token).status == 404
