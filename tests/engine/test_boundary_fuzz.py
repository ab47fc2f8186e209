"""Fuzzing the library's boundary (issue 13): whatever an embedding caller passes, the engine
answers with a result or a ``CaseworkError`` — never another exception — and a refused call
writes nothing, identically on SQLite and PostgreSQL.

``CASEWORK_FUZZ_EXAMPLES`` sets the number of calls per database (default 300 here; 10,000
for a thorough run).
"""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.domain.roles import Actor
from casework.errors import CaseworkError
from casework.search import Criteria
from casework.store.tables import CASES, CLOCKS, EVENTS
from tests.support.actors import APPLICANT, CENTRE, CLERK
from tests.support.dates import at

EXAMPLES = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "300"))

# Values of every kind a caller can get wrong: odd text (control characters, NUL, lone
# surrogates, very long), numbers out of range, containers, moments instead of days.
odd_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)),
    st.sampled_from(["\x00", "\ud800", "a\x1bb", "x" * 5000, "", "   ", "czj", "window"]),
)
anything = st.one_of(
    odd_text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(datetime(2026, 3, 3, 10)),
    st.just(date(2026, 3, 3)),
    st.floats(allow_nan=True),
)
actors = st.one_of(
    st.just(CENTRE),
    st.just(CLERK),
    st.just(CENTRE),
    st.just(CLERK),
    st.builds(Actor, anything, anything, anything),
    anything,
)
FIELDS = [
    "channel",
    "unit",
    "applicant_name",
    "applicant_kind",
    "request",
    "applicant_id_number",
    "applicant_phone",
    "applicant_contact",
    "handler",
]
MOVES = ["reply", "extend", "forward", "transfer", "consult", "request_correction", "nope"]


def mostly(valid: object) -> st.SearchStrategy:
    """The valid value three times in four, anything else otherwise: each call then gets past
    some checks and is refused by a later one."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), anything)


def counts(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with engine.db.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.scalar(select(func.count()).select_from(t)) for t in (CASES, EVENTS, CLOCKS)
        )


@st.composite
def calls(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["register", "move", "case", "worklist", "find"]))
    now = draw(mostly(at("2026-03-20")))
    if kind == "register":
        inputs = {**APPLICANT, "channel": "window", "unit": "czj"}
        for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
            inputs[name] = draw(anything)
        on = draw(mostly("2026-03-02"))
        return kind, (draw(actors),), {"on": on, "now": now, **inputs}
    if kind == "move":
        case = draw(mostly(1))
        extra = {
            name: draw(anything)
            for name in draw(
                st.lists(
                    st.sampled_from(
                        [
                            "outcome",
                            "reasons",
                            "unit",
                            "approver",
                            "reason",
                            "items",
                            "days",
                            "party",
                        ]
                    ),
                    max_size=3,
                    unique=True,
                )
            )
        }
        version = draw(mostly(None))
        return (
            kind,
            (case, draw(st.sampled_from(MOVES)), draw(actors)),
            {
                "on": draw(mostly("2026-03-10")),
                "now": now,
                "expected_version": version,
                **extra,
            },
        )
    if kind == "case":
        reveal = draw(st.one_of(st.none(), st.none(), anything))
        return kind, (draw(mostly(1)),), {"actor": draw(actors), "now": now, "reveal": reveal}
    if kind == "find":
        criteria = Criteria(
            applicant=draw(st.one_of(st.none(), anything)),
            text=draw(st.one_of(st.none(), st.just("预算"), anything)),
            received_from=draw(st.one_of(st.none(), anything)),
            received_to=draw(st.one_of(st.none(), anything)),
            unit=draw(st.one_of(st.none(), anything)),
            limit=draw(mostly(50)),
        )
        return (
            kind,
            (draw(st.one_of(st.just(criteria), st.just(criteria), anything)),),
            {"actor": draw(actors)},
        )
    return (
        kind,
        (),
        {
            "actor": draw(actors),
            "unit": draw(st.one_of(st.none(), anything)),
            "now": now,
            "overdue": draw(st.one_of(st.just(False), anything)),
            "due_within": draw(st.one_of(st.none(), anything)),
            "limit": draw(st.one_of(st.none(), anything)),
        },
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_no_exception_escapes_the_boundary_and_a_refusal_writes_nothing(engine) -> None:
    engine.register(
        CENTRE, on="2026-03-02", now=at("2026-03-02"), channel="window", unit="czj", **APPLICANT
    )
    outcomes = {"ok": 0, "refused": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(calls())
    def one(call) -> None:  # type: ignore[no-untyped-def]
        kind, args, kwargs = call
        before = counts(engine)
        try:
            getattr(engine, kind)(*args, **kwargs)
        except CaseworkError:
            outcomes["refused"] += 1
            assert counts(engine) == before, f"{kind}{args} refused but wrote"
        else:
            outcomes["ok"] += 1

    one()
    print(f"\nboundary fuzz ({engine.db.dialect.name}): {outcomes}")  # the figure, with -s
    assert outcomes["refused"] > 0  # the fuzzer did reach the checks
    assert engine.verify() == []
