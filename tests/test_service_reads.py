"""The events feed never skips an event: writers commit out of id order on PostgreSQL, and a
reader following the cursor while they write still sees every event exactly once."""

from __future__ import annotations

import threading

import pytest

from casework.errors import InvalidInput
from casework.service_reads import events_after, parse_cursor
from tests.support.actors import APPLICANT, CENTRE, GENERAL
from tests.support.dates import at


def test_a_reader_following_the_feed_sees_every_event_once(engine) -> None:  # type: ignore[no-untyped-def]
    writers, each = 4, 15
    done = threading.Event()
    seen: list[int] = []

    def write() -> None:
        for _ in range(each):
            engine.register(
                CENTRE,
                on="2026-03-02",
                now=at("2026-03-02"),
                channel="window",
                unit="czj",
                **APPLICANT,
            )

    def read() -> None:
        cursor = "0"
        while True:
            finished = done.is_set()
            page = events_after(engine, actor=GENERAL, after=cursor, limit=7)
            seen.extend(int(e.cursor) for e in page.events)
            cursor = page.next
            if finished and not page.events:
                return

    threads = [threading.Thread(target=write) for _ in range(writers)]
    reader = threading.Thread(target=read)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join(60)
    everything = [int(e.cursor) for e in events_after(engine, actor=GENERAL, limit=500).events]
    assert len(everything) == writers * each
    assert seen == everything  # in order, none skipped, none twice


def test_cursors_are_checked() -> None:
    assert parse_cursor(None) == parse_cursor("") == 0
    for bad in ("-1", "x", "1.5", str(2**31), "１２"):
        with pytest.raises(InvalidInput):
            parse_cursor(bad)
