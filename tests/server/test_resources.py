"""The case resources against a live server, on SQLite and PostgreSQL: register (idempotent by
reference), moves with If-Match, reads scoped like the CLI's, letters, the events feed."""

from __future__ import annotations

import pytest

from tests.support.service import Service, problem

pytestmark = pytest.mark.usefixtures("pinned_today")


def test_register_answers_201_with_location_then_200_for_the_same_reference(
    service: Service,
) -> None:
    first = service.register(reference="ZWFW-1")
    assert first.status_code == 201, first.text
    case = first.json()
    assert first.headers["location"] == f"/cases/{case['id']}"
    assert first.headers["etag"] == '"1"'
    assert case["state"] == "in_progress"
    assert case["fields"]["applicant_phone"] == "139****5678"  # masked for the caller too
    again = service.register(reference="ZWFW-1")
    assert again.status_code == 200
    assert again.json()["id"] == case["id"]
    assert again.headers["location"] == first.headers["location"]
    assert service.cases() == 1


def test_a_reference_with_other_inputs_is_refused_and_nothing_is_written(service: Service) -> None:
    case = service.register(reference="ZWFW-2").json()["id"]
    events = service.events()
    body = problem(service.register(reference="ZWFW-2", request="另一项申请"), 422)
    assert (body["error"], body["field"], body["case"]) == ("InvalidInput", "reference", case)
    assert body["rule"] == "a platform reference names one application"
    assert service.events() == events


def test_registrations_without_reference_are_new_cases(service: Service) -> None:
    assert service.register().status_code == 201
    assert service.register().status_code == 201
    assert service.cases() == 2


def test_a_move_names_the_version_it_was_decided_on(service: Service) -> None:
    case = service.register().json()["id"]
    with service.client("lina") as clerk:
        read = clerk.get(f"/cases/{case}")
        assert read.status_code == 200 and read.headers["etag"] == '"1"'
        assert "reply" in read.json()["allowed_moves"]
        reply = {"on": "2026-03-20", "outcome": "disclosed"}
        moved = clerk.post(f"/cases/{case}/moves/reply", json=reply, headers={"If-Match": '"1"'})
        assert moved.status_code == 200, moved.text
        assert moved.json()["state"] == "replied" and moved.headers["etag"] == '"2"'
        events = service.events()
        deliver = {"on": "2026-03-21", "method": "post", "tracking_number": "EMS1"}
        stale = clerk.post(f"/cases/{case}/moves/deliver", json=deliver, headers={"If-Match": "1"})
        body = problem(stale, 412)
        assert (body["error"], body["case"], body["state"]) == ("StaleCase", case, "replied")
        body = problem(clerk.post(f"/cases/{case}/moves/deliver", json=deliver), 428)
        assert body["field"] == "if-match"
        assert service.events() == events
        ok = clerk.post(f"/cases/{case}/moves/deliver", json=deliver, headers={"If-Match": 'W/"2"'})
        assert ok.status_code == 200, ok.text
        timeline = clerk.get(f"/cases/{case}").json()["events"]
    # Audited with the key: the event names the person and the key's id.
    assert timeline[-1]["actor_name"] == f"李娜（API密钥{service.key_ids['lina']}）"


def test_moves_are_judged_with_the_keys_person(service: Service) -> None:
    case = service.register().json()["id"]
    events = service.events()
    reply = {"on": "2026-03-20", "outcome": "disclosed"}
    with service.client("chenjing") as other_unit:  # a clerk of jyj, the case is czj's
        body = problem(
            other_unit.post(f"/cases/{case}/moves/reply", json=reply, headers={"If-Match": "1"}),
            403,
        )
        assert (body["error"], body["field"], body["case"]) == ("PermissionDenied", "unit", case)
        problem(other_unit.get(f"/cases/{case}"), 403)
        problem(other_unit.get(f"/cases/{case}/letters"), 403)
    with service.client("sun") as auditor:  # reads everything, moves nothing
        assert auditor.get(f"/cases/{case}").status_code == 200
        problem(
            auditor.post(f"/cases/{case}/moves/reply", json=reply, headers={"If-Match": "1"}), 403
        )
    with service.client("wangmin") as centre:  # the window may not reply for the unit
        problem(
            centre.post(f"/cases/{case}/moves/reply", json=reply, headers={"If-Match": "1"}), 403
        )
    assert service.events() == events


def test_refused_moves_are_4xx_problems(service: Service) -> None:
    case = service.register().json()["id"]
    events = service.events()
    with service.client("lina") as clerk:
        match = {"If-Match": "1"}
        body = problem(clerk.post(f"/cases/{case}/moves/close", json={}, headers=match), 409)
        assert (body["error"], body["move"], body["state"]) == (
            "MoveNotAllowed",
            "close",
            "in_progress",
        )
        body = problem(
            clerk.post(f"/cases/{case}/moves/reply", json={"on": "2026-03-20"}, headers=match), 422
        )
        assert (body["field"], body["move"]) == ("outcome", "reply")
        body = problem(
            clerk.post(
                f"/cases/{case}/moves/reply",
                json={"outcome": "disclosed", "bogus": 1},
                headers=match,
            ),
            422,
        )
        assert body["field"] == "bogus"
        body = problem(
            clerk.post(f"/cases/{case}/moves/reply", json={"case_id": 3}, headers=match), 422
        )
        assert body["field"] == "case_id"
        problem(
            clerk.post("/cases/999/moves/reply", json={"outcome": "disclosed"}, headers=match), 404
        )
        problem(clerk.post(f"/cases/{case}/moves/reply", json={}, headers={"If-Match": "x"}), 400)
        problem(clerk.get("/cases/0"), 422)
        problem(clerk.get("/cases/abc"), 422)
    assert service.events() == events


def test_the_worklist_is_scoped_like_the_clis(service: Service) -> None:
    czj = service.register().json()["id"]
    jyj = service.register(unit="jyj").json()["id"]
    with service.client("lina") as clerk:
        items = clerk.get("/worklist").json()["items"]
        assert {i["case_id"] for i in items} == {czj}
        problem(clerk.get("/worklist", params={"unit": "jyj"}), 403)
        problem(clerk.get("/worklist", params={"bogus": "1"}), 422)
        problem(clerk.get("/worklist", params={"due_within": "-1"}), 422)
    with service.client("zonghe") as general:
        items = general.get("/worklist", params={"overdue": "true"}).json()["items"]
        assert {i["case_id"] for i in items} == {czj, jyj}  # received 2026-03-02: long overdue
        assert (
            general.get("/worklist", params={"unit": "jyj", "limit": "5"}).json()["items"][0][
                "case_id"
            ]
            == jyj
        )


def test_letters_of_a_case_and_their_files(service: Service) -> None:
    case = service.register().json()["id"]
    with service.client("lina") as clerk:
        letters = clerk.get(f"/cases/{case}/letters").json()["letters"]
        assert [letter["kind"] for letter in letters] == ["receipt"]
        receipt = letters[0]
        assert receipt["files"]["html"] == f"/letters/{receipt['id']}.html"
        html = clerk.get(receipt["files"]["html"])
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        assert "登记回执" in html.text and "查询码" in html.text
        # The tests issue HTML only: there is no PDF to give.
        assert receipt["files"]["pdf"] is None
        body = problem(clerk.get(f"/letters/{receipt['id']}.pdf"), 404)
        assert body["field"] == "format"
        problem(clerk.get(f"/letters/{receipt['id']}.exe"), 404)
        problem(clerk.get("/letters/9999.html"), 404)
    with service.client("chenjing") as other_unit:
        problem(other_unit.get(f"/letters/{receipt['id']}.html"), 403)


def test_the_events_feed_is_ordered_and_goes_on_from_its_cursor(service: Service) -> None:
    first = service.register().json()["id"]
    second = service.register(unit="jyj").json()["id"]
    with service.client("lina") as clerk:
        clerk.post(
            f"/cases/{first}/moves/reply",
            json={"on": "2026-03-20", "outcome": "disclosed"},
            headers={"If-Match": "1"},
        )
    with service.client("zonghe") as general:
        page = general.get("/events", params={"limit": "2"}).json()
        assert [(e["case_id"], e["move"]) for e in page["events"]] == [
            (first, "register"),
            (second, "register"),
        ]
        rest = general.get("/events", params={"after": page["next"]}).json()
        assert [
            (e["case_id"], e["move"], e["from_state"], e["to_state"]) for e in rest["events"]
        ] == [(first, "reply", "in_progress", "replied")]
        assert rest["events"][0]["state_label"] == "已答复"
        assert "payload" not in rest["events"][0]
        empty = general.get("/events", params={"after": rest["next"]}).json()
        assert empty == {"events": [], "next": rest["next"]}
        problem(general.get("/events", params={"after": "x"}), 422)
        problem(general.get("/events", params={"after": str(2**31)}), 422)  # ids are 32-bit
    with service.client("chenjing") as other_unit:  # jyj: its own case's events only
        page = other_unit.get("/events").json()
        assert {e["case_id"] for e in page["events"]} == {second}
        assert page["next"] == rest["next"]
