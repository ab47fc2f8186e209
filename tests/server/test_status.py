"""The applicant's progress lookup: the state in plain Chinese, the due date (暂定 when
provisional), the letters sent; no personal data; one answer for a wrong code and an unknown
number; rate-limited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from casework.server.config import ServerSettings
from casework.status_codes import derive, normalize
from tests.support.service import PINNED_STATUS_KEY, Service, problem, running_service

pytestmark = pytest.mark.usefixtures("pinned_today")


def code(case: int) -> str:
    return derive(PINNED_STATUS_KEY.encode(), case)


def lookup(service: Service, number: object, given: str) -> httpx.Response:
    with service.client() as anyone:  # no key: the applicant
        return anyone.get(f"/status/{number}", params={"code": given})


def test_the_applicant_sees_the_state_the_due_date_and_the_letters(service: Service) -> None:
    case = service.register().json()["id"]
    answer = lookup(service, case, code(case))
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "receipt_number": case,
        "received_on": "2026-03-02",
        "state": "正在办理",
        "finished": False,
        "due_on": "2026-03-30",
        "due_provisional": False,
        "due_text": "2026年3月30日前",
        "letters": [
            {
                "title": "政府信息公开申请登记回执",
                "number": "硚财政依申登〔2026〕1号",
                "issued_on": "2026-03-02",
            }
        ],
    }
    text = answer.text
    for private in ("张三", "139", "预算", "czj", "王敏"):
        assert private not in text
    # The code as printed, and as an applicant may type it.
    with service.client("lina") as clerk:
        receipt = clerk.get(f"/cases/{case}/letters").json()["letters"][0]
        assert f"查询码{code(case)}" in clerk.get(receipt["files"]["html"]).text
    typed = code(case).lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert lookup(service, case, typed).status_code == 200


def test_a_due_date_in_a_year_without_its_notice_is_marked_provisional(service: Service) -> None:
    case = service.register(on="2026-12-04").json()["id"]
    answer = lookup(service, case, code(case)).json()
    assert answer["due_provisional"] is True
    assert answer["due_on"] == "2027-01-04"
    assert answer["due_text"].startswith("2027年1月4日前（暂定")


def test_after_the_reply_the_answer_says_so(service: Service) -> None:
    case = service.register().json()["id"]
    with service.client("lina") as clerk:
        clerk.post(
            f"/cases/{case}/moves/reply",
            json={"on": "2026-03-20", "outcome": "disclosed", "note": "内部备注：勿外传"},
            headers={"If-Match": "1"},
        )
    answer = lookup(service, case, code(case)).json()
    assert (answer["state"], answer["finished"], answer["due_on"]) == ("已作出答复", True, None)
    assert [letter["title"] for letter in answer["letters"]][-1].startswith(
        "政府信息公开申请答复书"
    )
    assert "内部备注" not in str(answer)


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(service: Service) -> None:
    case = service.register().json()["id"]
    wrong = lookup(service, case, code(case + 1))
    unknown = lookup(service, case + 1, code(case + 1))
    assert problem(wrong, 404) == {**problem(unknown, 404), "instance": f"/status/{case}"}
    assert problem(lookup(service, case, ""), 422)["field"] == "code"
    assert problem(lookup(service, "abc", "x"), 422)["field"] == "receipt_number"


@pytest.fixture
def strict(db_url: str, pinned_today: datetime) -> Iterator[Service]:
    with running_service(db_url, ServerSettings(status_rate=3, status_window=60)) as live:
        yield live


def test_lookups_are_rate_limited_per_client(strict: Service) -> None:
    case = strict.register().json()["id"]
    answers = [lookup(strict, case, code(case)).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    refused = lookup(strict, case, code(case))
    body = problem(refused, 429)
    assert body["error"] == "TooManyRequests" and int(refused.headers["retry-after"]) >= 1


def test_codes_are_read_leniently() -> None:
    assert normalize("zh9e-oang") == "ZH9E0ANG"
    assert len(code(1)) == 9 and code(1) != code(2)
