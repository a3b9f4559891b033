"""Workers keep a profile and availability; operators verify, reject, suspend and reinstate them; anyone sees
the public profile, which never shows personal data."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import boto3
import requests
from common.clock import clock
from common.settings import get_settings

from functions.workers import record_rating, set_credit_score
from tests.integration.conftest import Api
from tests.integration.worker_helpers import make_catalog, profile, register, verified_worker


def test_a_new_profile_waits_for_review_in_the_operators_queue(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    token, worker_id = register(api, "ayi_new", profile([cat.cleaning, cat.nanny_service]))

    own = api.get("/v1/worker/profile", token=token).body
    queue = api.get("/v1/admin/workers?status=pending", token=operator_token).body

    assert own["status"] == "pending"
    assert {s["name"] for s in own["skills"]} == {"保洁", "育儿嫂"}
    assert own["availability"]["accepting"] is True
    assert [w["id"] for w in queue["items"]] == [worker_id]
    assert api.get(f"/v1/workers/{worker_id}").status == 404  # not public before verification


def test_an_approved_worker_is_verified_with_the_note_and_becomes_public(
    api: Api, operator_token: str
) -> None:
    cat = make_catalog(api, operator_token)
    token, worker_id = register(api, "ayi_ok", profile([cat.cleaning]))

    reply = api.post(
        f"/v1/admin/workers/{worker_id}/verify", {"approved": True, "note": "证件齐全"}, token=operator_token
    )

    assert reply.status == 200 and reply.body["status"] == "verified"
    own = api.get("/v1/worker/profile", token=token).body
    assert own["last_review"]["action"] == "approved" and own["last_review"]["note"] == "证件齐全"
    assert api.get("/v1/admin/workers?status=pending", token=operator_token).body["items"] == []
    assert [
        w["id"] for w in api.get("/v1/admin/workers?status=verified", token=operator_token).body["items"]
    ] == [worker_id]
    public = api.get(f"/v1/workers/{worker_id}").body
    assert public["verified"] is True and public["credit"] == {"score": 600, "level": "good"}


def test_a_rejected_worker_reads_why_and_resubmitting_puts_them_back_in_the_queue(
    api: Api, operator_token: str
) -> None:
    cat = make_catalog(api, operator_token)
    token, worker_id = register(api, "ayi_fix", profile([cat.cleaning]))
    api.post(
        f"/v1/admin/workers/{worker_id}/verify",
        {"approved": False, "note": "健康证照片不清晰"},
        token=operator_token,
    )

    rejected = api.get("/v1/worker/profile", token=token).body
    api.put("/v1/worker/profile", profile([cat.cleaning], bio="已重新上传健康证"), token=token)

    assert rejected["status"] == "rejected" and rejected["last_review"]["note"] == "健康证照片不清晰"
    assert api.get("/v1/worker/profile", token=token).body["status"] == "pending"
    assert [
        w["id"] for w in api.get("/v1/admin/workers?status=pending", token=operator_token).body["items"]
    ] == [worker_id]


def test_a_verified_worker_who_changes_certificates_is_reviewed_again_but_a_new_bio_is_not(
    api: Api, operator_token: str
) -> None:
    cat = make_catalog(api, operator_token)
    token, _ = verified_worker(api, operator_token, "ayi_edit", profile([cat.cleaning]))

    api.put("/v1/worker/profile", profile([cat.cleaning], bio="新的自我评价"), token=token)
    after_bio = api.get("/v1/worker/profile", token=token).body["status"]
    new_cert = [{"type": "育婴师证", "number": "YY-2026-77", "expires_on": "2030-01-01"}]
    api.put("/v1/worker/profile", profile([cat.cleaning], certificates=new_cert), token=token)

    assert after_bio == "verified"
    assert api.get("/v1/worker/profile", token=token).body["status"] == "pending"


def test_operators_suspend_and_reinstate_and_wrong_moves_are_conflicts(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    _, worker_id = verified_worker(api, operator_token, "ayi_susp", profile([cat.cleaning]))
    admin = f"/v1/admin/workers/{worker_id}"

    suspended = api.post(f"{admin}/suspend", {"note": "客户投诉核实中"}, token=operator_token)
    listed = api.get("/v1/admin/workers?status=suspended", token=operator_token).body["items"]
    public_while_suspended = api.get(f"/v1/workers/{worker_id}").body
    verify_again = api.post(f"{admin}/verify", {"approved": True}, token=operator_token)
    reinstated = api.post(f"{admin}/reinstate", {"note": "投诉不成立"}, token=operator_token)
    reinstate_again = api.post(f"{admin}/reinstate", {}, token=operator_token)

    assert suspended.status == 200 and suspended.body["status"] == "suspended"
    assert [w["id"] for w in listed] == [worker_id]
    assert public_while_suspended["accepting"] is False and public_while_suspended["verified"] is False
    assert verify_again.status == 409 and verify_again.body["error"]["code"] == "WORKER_STATUS"
    assert reinstated.body["status"] == "verified"
    assert reinstate_again.status == 409
    assert api.post("/v1/admin/workers/nobody/suspend", {}, token=operator_token).status == 404


def test_the_public_profile_never_shows_phone_id_certificate_numbers_or_home(
    api: Api, operator_token: str
) -> None:
    cat = make_catalog(api, operator_token)
    body = profile([cat.cleaning], lat=31.1234567, lng=121.4567891)
    _, worker_id = verified_worker(api, operator_token, "ayi_private", body)

    reply = api.get(f"/v1/workers/{worker_id}")
    text = json.dumps(reply.body, ensure_ascii=False)

    assert reply.status == 200
    for secret in (
        "13900001111",
        "31010419750101002X",
        "JZ-310-000123",
        "31.1234567",
        "121.4567891",
        "img.example/c.jpg",
    ):
        assert secret not in text
    assert reply.body["certificates"] == [{"type": "家政服务员证", "expires_on": "2031-06-30", "valid": True}]
    assert reply.body["health"] == {"status": "healthy", "certificate_valid": True}
    assert reply.body["age"] > 40 and reply.body["hometown"] == "安徽安庆"
    assert reply.body["rating"]["count"] == 0 and reply.body["completed_orders"] == 0


def test_operators_see_everything_for_review(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    _, worker_id = register(api, "ayi_check", profile([cat.cleaning]))

    full = api.get(f"/v1/admin/workers/{worker_id}", token=operator_token).body

    assert full["profile"]["certificates"][0]["number"] == "JZ-310-000123"
    assert full["profile"]["id_number"] == "31010419750101002X"


def test_ratings_and_credit_reach_the_public_profile(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    _, worker_id = verified_worker(api, operator_token, "ayi_rated", profile([cat.cleaning]))

    record_rating(worker_id, attitude=5, skill=4, quality=5)
    record_rating(worker_id, attitude=5, skill=5, quality=4)
    set_credit_score(worker_id, 720, now=clock.now())
    public = api.get(f"/v1/workers/{worker_id}").body

    assert public["rating"] == {"count": 2, "attitude": 5.0, "skill": 4.5, "quality": 4.5, "overall": 4.67}
    assert public["credit"] == {"score": 720, "level": "excellent"}


def test_reviews_are_an_empty_page_for_a_new_worker_and_404_for_nobody(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    _, worker_id = verified_worker(api, operator_token, "ayi_reviews", profile([cat.cleaning]))

    assert api.get(f"/v1/workers/{worker_id}/reviews?limit=5").body == {"items": [], "next_cursor": None}
    assert api.get("/v1/workers/nobody/reviews").status == 404


def test_availability_is_replaced_and_past_days_off_are_dropped(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    token, _ = register(api, "ayi_week", profile([cat.cleaning]))
    body = {
        "weekly": {"mon": [["13:00", "18:00"], ["08:00", "12:00"]], "sat": []},
        "days_off": ["2020-01-01", "2099-12-24"],
    }

    reply = api.put("/v1/worker/availability", body, token=token)
    resting = api.put("/v1/worker/accepting", {"accepting": False}, token=token)

    assert reply.status == 200
    assert reply.body["weekly"] == {"mon": [["08:00", "12:00"], ["13:00", "18:00"]]}
    assert reply.body["days_off"] == ["2099-12-24"] and reply.body["travel_buffer_minutes"] == 30
    assert resting.body["accepting"] is False
    assert api.get("/v1/worker/availability", token=token).body["accepting"] is False


def test_bad_profiles_and_templates_are_refused_with_the_reason(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    token = api.login("ayi_bad", role="worker")

    too_young = api.put("/v1/worker/profile", profile([cat.cleaning], birth_year=2015), token=token)
    too_far = api.put("/v1/worker/profile", profile([cat.cleaning], service_radius_km=50), token=token)
    unknown = api.put("/v1/worker/profile", profile(["no-such-skill"]), token=token)
    missing = api.put("/v1/worker/profile", {"name": "王"}, token=token)
    no_profile = api.put("/v1/worker/availability", {"weekly": {}}, token=token)
    backwards = api.put("/v1/worker/availability", {"weekly": {"mon": [["18:00", "08:00"]]}}, token=token)
    quarter = api.put("/v1/worker/availability", {"weekly": {"mon": [["08:15", "12:00"]]}}, token=token)

    assert (too_young.status, too_young.body["error"]["code"]) == (422, "TOO_YOUNG")
    assert (too_far.status, too_far.body["error"]["code"]) == (422, "RADIUS_TOO_LARGE")
    assert (unknown.status, unknown.body["error"]["code"]) == (422, "UNKNOWN_SKILL")
    assert (missing.status, missing.body["error"]["code"]) == (422, "VALIDATION_FAILED")
    assert no_profile.status == 404
    assert backwards.status == quarter.status == 422


def test_only_workers_keep_profiles_and_only_operators_verify(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    customer = api.login("not_a_worker")
    worker_token, worker_id = register(api, "ayi_roles", profile([cat.cleaning]))

    assert api.put("/v1/worker/profile", profile([cat.cleaning]), token=customer).status == 403
    assert (
        api.post(f"/v1/admin/workers/{worker_id}/verify", {"approved": True}, token=worker_token).status
        == 403
    )
    assert api.get("/v1/worker/profile", token=api.login("ayi_blank", role="worker")).status == 404


def test_a_worker_uploads_a_photo_through_a_presigned_url(api: Api) -> None:
    login = api.post("/v1/auth/wechat", {"code": "dev:ayi_photo", "role": "worker"}).body
    token, worker_id = login["token"], login["user"]["id"]

    reply = api.post("/v1/worker/media", {"kind": "photo", "content_type": "image/jpeg"}, token=token)
    put = requests.put(
        reply.body["upload_url"], data=b"\xff\xd8jpeg", headers={"Content-Type": "image/jpeg"}, timeout=5
    )

    assert reply.status == 200 and put.status_code == 200
    key = urlsplit(reply.body["url"]).path.lstrip("/")
    assert (
        key.startswith(f"workers/{worker_id}/photo/")
        and key.endswith(".jpg")
        and not urlsplit(reply.body["url"]).query
    )
    stored = boto3.client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)
    assert stored["Body"].read() == b"\xff\xd8jpeg" and stored["ContentType"] == "image/jpeg"


def test_media_of_an_unknown_kind_or_type_is_refused(api: Api) -> None:
    token = api.login("ayi_exe", role="worker")
    assert (
        api.post(
            "/v1/worker/media", {"kind": "photo", "content_type": "application/x-msdownload"}, token=token
        ).status
        == 422
    )


def test_the_admin_list_pages_with_a_cursor(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    ids = [register(api, f"ayi_page{i}", profile([cat.cleaning]))[1] for i in range(3)]

    first = api.get("/v1/admin/workers?status=pending&limit=2", token=operator_token).body
    second = api.get(
        f"/v1/admin/workers?status=pending&limit=2&cursor={first['next_cursor']}", token=operator_token
    ).body
    forged = api.get(f"/v1/admin/workers?status=verified&cursor={first['next_cursor']}", token=operator_token)

    assert [w["id"] for w in first["items"] + second["items"]] == ids
    assert forged.status == 400
