"""The applicant's progress lookup: ``GET /status/{receipt_number}?code=…``.

No key: the applicant has the receipt number (登记编号, the case number printed on the
registration receipt) and the code printed under it (casework/status_codes.py). The answer says
where the application stands in plain Chinese, when the reply is due (marked 暂定 when the date
is counted over a year whose holiday notice is not out), and which letters were sent to the
applicant (title, number, date). It carries no name, no request text, no contact, no unit's
internal notes and no other letter. An unknown number and a wrong code get the same 404, after
the same work, so the lookup cannot tell which numbers exist. Each client (address) may look up
``status_rate`` times per ``status_window`` seconds (429 beyond, with Retry-After).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from casework.domain.roles import Actor
from casework.engine import Engine
from casework.errors import NotFound
from casework.letters.kinds import APPLICANT_ROOTS, KINDS
from casework.letters.listing import list_letters
from casework.server.params import only, whole
from casework.server.problems import ServiceProblem
from casework.settings import TIMEZONE
from casework.status_codes import code_matches
from casework.views import jsonable

# Reads as the district-wide, read-only auditor role; the answer is cut down to the public part.
READER = Actor("进度查询服务", "auditor")
APPLICATION = "application"
# Where an application stands, as an applicant would put it.
PLAIN_STATES = {
    "awaiting_forward": "已登记，正在转交承办单位",
    "in_progress": "正在办理",
    "awaiting_correction": "等待申请人补正",
    "consulting": "正在征求有关方面意见",
    "awaiting_fee": "等待申请人缴纳信息处理费",
    "replied": "已作出答复",
    "delivered": "答复已送达",
    "closed": "已办结",
}
FINISHED = {"replied", "delivered", "closed"}
MAX_CLIENTS = 10_000


def _not_found() -> ServiceProblem:
    return ServiceProblem(
        404,
        "没有找到与该登记编号和查询码相符的申请，请核对回执上的登记编号和查询码",
        error="NotFound",
        field="code",
        rule="receipt number and code",
    )


class RateLimiter:
    """At most ``rate`` calls per ``window`` seconds per client (in this process)."""

    def __init__(self, rate: int, window: int) -> None:
        self.rate = rate
        self.window = window
        self._calls: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            calls = self._calls.pop(client, None) or deque()
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.rate:
                self._calls[client] = calls
                wait = max(1, math.ceil(calls[0] + self.window - now))
                raise ServiceProblem(
                    429,
                    f"查询过于频繁：每 {self.window} 秒最多 {self.rate} 次，请 {wait} 秒后再试",
                    error="TooManyRequests",
                    rule=f"{self.rate} lookups per {self.window} s",
                    headers={"Retry-After": str(wait)},
                )
            calls.append(now)
            self._calls[client] = calls  # most recent last
            while len(self._calls) > MAX_CLIENTS:
                self._calls.popitem(last=False)


def _due(clock: Any) -> tuple[str | None, str | None, bool]:
    if clock is None or clock.status not in ("running", "paused"):
        return None, None, False
    if clock.due_on is None:
        return None, "答复期限暂停计算（等待补正、缴费或征求意见）", False
    day = clock.due_on
    text = f"{day.year}年{day.month}月{day.day}日前"
    if clock.provisional:
        text += "（暂定：该年节假日安排尚未公布，公布后可能调整）"
    return day.isoformat(), text, bool(clock.provisional)


def lookup(engine: Engine, number: int, code: str) -> dict[str, Any]:
    if not code_matches(engine.db, number, code):
        raise _not_found()
    try:
        view = engine.case(number, actor=READER, now=datetime.now(TIMEZONE))
    except NotFound:
        raise _not_found() from None
    if view.flow != APPLICATION:
        raise _not_found()
    reply = next((c for c in reversed(view.clocks) if c.kind == "reply"), None)
    due_on, due_text, provisional = _due(reply)
    letters = [
        {"title": letter.title, "number": letter.number, "issued_on": letter.issued_on.isoformat()}
        for letter in list_letters(engine, actor=READER, case_id=number)
        if letter.kind in KINDS and KINDS[letter.kind].roots == APPLICANT_ROOTS
    ]
    return {
        "receipt_number": number,
        "received_on": jsonable(view.fields.get("received_on")),
        "state": PLAIN_STATES.get(view.state, view.state_label),
        "finished": view.state in FINISHED,
        "due_on": due_on,
        "due_provisional": provisional,
        "due_text": due_text,
        "letters": letters,
    }


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def status(request: Request) -> Response:
    request.app.state.status_limiter.check(_client(request))
    number = whole(request.path_params.get("receipt_number"), "receipt_number")
    query = only(request, ("code",))
    code = query.get("code", "")
    if not 1 <= len(code) <= 20:
        raise ServiceProblem(
            422,
            "code：请填写回执上的查询码",
            error="InvalidInput",
            field="code",
            rule="the code printed on the receipt",
        )
    engine: Engine = request.app.state.engine
    answer = await run_in_threadpool(lookup, engine, number, code)
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})
