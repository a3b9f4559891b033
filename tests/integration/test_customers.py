"""A customer's own profile and addresses."""

from tests.integration.conftest import Api

ADDRESS = {
    "contact_name": "李女士",
    "phone": "13800138000",
    "region": "上海市浦东新区",
    "detail": "世纪大道 100 号 2 栋 1201",
    "lat": 31.2304,
    "lng": 121.4737,
}


def test_a_customer_fills_in_their_profile(api: Api) -> None:
    token = api.login("dora")
    me = api.get("/v1/me", token=token).body
    assert me["nickname"] is None and me["role"] == "customer"
    changed = api.patch(
        "/v1/me", {"nickname": "小多", "birthday": "1990-05-20", "region": "上海"}, token=token
    )
    assert changed.status == 200
    assert (changed.body["nickname"], changed.body["birthday"], changed.body["region"]) == (
        "小多",
        "1990-05-20",
        "上海",
    )
    assert api.get("/v1/me", token=token).body["nickname"] == "小多"


def test_a_bad_profile_change_writes_nothing(api: Api) -> None:
    token = api.login("eve")
    api.patch("/v1/me", {"nickname": "阿夏"}, token=token)
    reply = api.patch("/v1/me", {"nickname": "新名字", "birthday": "not-a-date"}, token=token)
    assert reply.status == 422
    assert api.get("/v1/me", token=token).body["nickname"] == "阿夏"


def test_addresses_are_private_to_their_owner(api: Api) -> None:
    owner, other = api.login("fay"), api.login("gus")
    saved = api.post("/v1/me/addresses", ADDRESS, token=owner)
    assert saved.status == 201 and saved.body["detail"] == ADDRESS["detail"]
    assert [a["id"] for a in api.get("/v1/me/addresses", token=owner).body["items"]] == [saved.body["id"]]
    assert api.get("/v1/me/addresses", token=other).body == {"items": [], "next_cursor": None}


def test_addresses_page_with_a_cursor(api: Api) -> None:
    token = api.login("hal")
    ids = {
        api.post("/v1/me/addresses", {**ADDRESS, "detail": f"{n} 号"}, token=token).body["id"]
        for n in range(5)
    }
    first = api.get("/v1/me/addresses?limit=3", token=token).body
    second = api.get(f"/v1/me/addresses?limit=3&cursor={first['next_cursor']}", token=token).body
    assert len(first["items"]) == 3 and second["next_cursor"] is None
    assert {a["id"] for a in first["items"] + second["items"]} == ids


def test_another_users_cursor_is_refused(api: Api) -> None:
    owner, other = api.login("ida"), api.login("jon")
    for n in range(3):
        api.post("/v1/me/addresses", {**ADDRESS, "detail": f"{n} 号"}, token=owner)
    cursor = api.get("/v1/me/addresses?limit=1", token=owner).body["next_cursor"]
    reply = api.get(f"/v1/me/addresses?cursor={cursor}", token=other)
    assert reply.status == 400 and reply.body["error"]["code"] == "INVALID_CURSOR"


def test_out_of_range_coordinates_are_refused(api: Api) -> None:
    token = api.login("kim")
    reply = api.post("/v1/me/addresses", {**ADDRESS, "lat": 123.0}, token=token)
    assert reply.status == 422
    assert api.get("/v1/me/addresses", token=token).body["items"] == []
