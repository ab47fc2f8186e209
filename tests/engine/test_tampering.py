"""`verify` catches the tampers of issue 13, on SQLite and PostgreSQL.

Someone with the database (and the letter archive) but not the chain key file: (a) edits an
event's payload and re-hashes the chain with the public ``event_hash``; (b) deletes a case's
last event and sets its row back; (c) moves a closed clock's due date; (d) changes a case's
version; (e) deletes a whole case with its letter folder. The chain is keyed (HMAC, key file
outside the database) and its heads are checkpointed into the archive (signed), so each shows.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

import casework
from casework.calendar_office import register_notice
from casework.domain.roles import Actor
from casework.letters.checkpoints import FOLDER
from casework.notify import NotifySettings
from casework.scheduler import NightlyJobs
from casework.store import migrate
from casework.store.event_chain import GENESIS, event_hash
from casework.store.tables import CASES, CLOCK_PAUSES, CLOCKS, ESCALATIONS, EVENTS, LETTERS, OUTBOX
from tests.support.actors import APPLICANT, CENTRE, CLERK, GENERAL
from tests.support.application import NOW, register
from tests.support.dates import at

NOTICE = Path(__file__).resolve().parents[1] / "data" / "calendar" / "notice-2027.toml"
ADMIN = Actor("赵综合", "general_section")
DAY = at("2026-07-15")  # the day the tests checkpoint on (NOW's day)


def conference(engine: Any, case_id: int, topic: str = "会商", on: str = "2026-03-05") -> None:
    """A move that changes nothing but the event log (and the date of the last act)."""
    engine.move(case_id, "conference", CLERK, on=on, now=NOW, topic=topic, participants="财政局")


def whats(found: list[Any]) -> list[tuple[int, str]]:
    return [(d.case_id, d.what) for d in found]


def rehash(
    engine: Any,
    case_id: int,
    *,
    seq: int | None = None,
    edit: Callable[[dict[str, Any]], None] | None = None,
    unkeyed: bool = False,
) -> None:
    """What one can do without the key: change event ``seq``'s payload, recompute the chain
    with the public ``event_hash`` (plain SHA-256) and point the case at the new head;
    ``unkeyed`` also clears every event's key id (as if written before the key existed)."""
    with engine.db.begin() as conn:
        events = conn.execute(
            select(EVENTS).where(EVENTS.c.case_id == case_id).order_by(EVENTS.c.seq)
        ).all()
        prev = GENESIS
        for e in events:
            payload = dict(e.payload)
            if edit is not None and e.seq == seq:
                edit(payload)
            digest = event_hash(
                case_id=case_id,
                seq=e.seq,
                move=e.move,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=Actor(e.actor_name, e.actor_role, e.actor_unit),
                on=e.occurred_on,
                recorded_at=e.recorded_at,
                payload=payload,
                prev_hash=prev,
            )
            values: dict[str, Any] = {"payload": payload, "prev_hash": prev, "hash": digest}
            if unkeyed:
                values["key_id"] = None
            conn.execute(update(EVENTS).where(EVENTS.c.id == e.id).values(**values))
            prev = digest
        conn.execute(update(CASES).where(CASES.c.id == case_id).values(last_event_hash=prev))


def delete_case(engine: Any, case_id: int, letters_root: Path) -> None:
    """A case and everything that names it, rows and letter folder."""
    with engine.db.begin() as conn:
        clocks = select(CLOCKS.c.id).where(CLOCKS.c.case_id == case_id)
        conn.execute(delete(OUTBOX).where(OUTBOX.c.case_id == case_id))
        conn.execute(delete(ESCALATIONS).where(ESCALATIONS.c.case_id == case_id))
        conn.execute(delete(LETTERS).where(LETTERS.c.case_id == case_id))
        conn.execute(delete(CLOCK_PAUSES).where(CLOCK_PAUSES.c.clock_id.in_(clocks)))
        conn.execute(delete(CLOCKS).where(CLOCKS.c.case_id == case_id))
        conn.execute(delete(EVENTS).where(EVENTS.c.case_id == case_id))
        conn.execute(delete(CASES).where(CASES.c.id == case_id))
    shutil.rmtree(letters_root / "2026" / str(case_id))


def checkpoints(letters_root: Path) -> list[str]:
    return sorted(p.name for p in (letters_root / FOLDER).glob("*.json"))


# ---------------------------------------------------------------- clean


def test_a_clean_database_verifies_clean_against_its_checkpoint(engine, letters_archive) -> None:
    first = register(engine).id
    conference(engine, first)
    engine.move(first, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")
    second = register(engine, on="2026-03-03").id
    result = engine.checkpoint(now=DAY)
    assert result.path == letters_archive / FOLDER / "2026-07-15.json"
    assert (result.cases, result.highest_case_id, result.key_id) == (2, second, "k1")
    assert result.differences == []
    assert engine.verify() == []
    # Work goes on after the checkpoint; the next night's checkpoint extends it.
    conference(engine, second, on="2026-03-06")
    assert engine.verify() == []
    assert engine.checkpoint(now=DAY + timedelta(days=1)).path is not None
    assert engine.verify() == []
    assert checkpoints(letters_archive) == ["2026-07-15.json", "2026-07-16.json"]
    # Every event is signed by the key file's key.
    with engine.db.connect() as conn:
        assert set(conn.scalars(select(EVENTS.c.key_id))) == {"k1"}


# ---------------------------------------------------------------- (a) a payload re-hashed


def test_a_payload_edited_and_rehashed_without_the_key_is_caught(engine) -> None:
    case = register(engine).id
    conference(engine, case, topic="“三公”经费")
    engine.move(case, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")
    rehash(engine, case, seq=2, edit=lambda p: p.update(topic="无关事项"))
    # The chain links again, but each re-hashed event's HMAC fails.
    assert whats(engine.verify()) == [
        (case, "event 1 hash"),
        (case, "event 2 hash"),
        (case, "event 3 hash"),
    ]


def test_a_chain_rehashed_as_unkeyed_is_caught_with_or_without_a_checkpoint(
    engine, letters_archive
) -> None:
    old = register(engine).id
    conference(engine, old)
    engine.checkpoint(now=DAY)
    new = register(engine, on="2026-03-04").id
    conference(engine, new)
    # Both chains re-hashed and their key ids cleared, as if written before the key existed.
    for case in (old, new):
        rehash(engine, case, seq=2, edit=lambda p: p.update(topic="无关事项"), unkeyed=True)
    found = whats(engine.verify())
    # Both cases were registered after the key file was made: no event of theirs is unkeyed.
    assert (old, "event 1 key") in found and (new, "event 1 key") in found
    # The checkpoint holds the old case's head, and knows the new case came after it.
    assert (old, "checkpoint 2026-07-15 event 2 hash") in found
    assert (new, "checkpoint 2026-07-15 unkeyed event 2") in found
    # The next checkpoint refuses to bless it.
    refused = engine.checkpoint(now=DAY + timedelta(days=1))
    assert refused.path is None and refused.differences
    assert checkpoints(letters_archive) == ["2026-07-15.json"]


# ---------------------------------------------------------------- (b) a tail deleted


def test_a_last_event_deleted_with_the_case_row_set_back_is_caught(engine, letters_archive):
    case = register(engine).id
    conference(engine, case, topic="第一次", on="2026-03-04")
    with engine.db.connect() as conn:
        before = conn.execute(select(CASES).where(CASES.c.id == case)).one()._asdict()
    conference(engine, case, topic="第二次", on="2026-03-05")
    engine.checkpoint(now=DAY)
    with engine.db.begin() as conn:
        conn.execute(delete(EVENTS).where(EVENTS.c.case_id == case, EVENTS.c.seq == 3))
        conn.execute(update(CASES).where(CASES.c.id == case).values(**before))
    # The remaining chain is whole and the row replays: only the checkpoint remembers.
    assert whats(engine.verify()) == [(case, "checkpoint 2026-07-15 event count")]
    [found] = engine.verify()
    assert (found.stored, found.replayed) == (2, 3)
    refused = engine.checkpoint(now=DAY + timedelta(days=1))
    assert refused.path is None
    assert whats(refused.differences) == [(case, "checkpoint 2026-07-15 event count")]


# ---------------------------------------------------------------- (c) a closed clock's due date


def test_a_closed_clocks_due_date_moved_is_caught(engine) -> None:
    case = register(engine).id
    engine.move(case, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")
    with engine.db.begin() as conn:
        reply = (CLOCKS.c.case_id == case) & (CLOCKS.c.kind == "reply")
        due = conn.scalar(select(CLOCKS.c.due_on).where(reply))
        assert due == date(2026, 3, 30)
        # The reply, made on 3/20, is to look on time by a wider margin (the timeliness report).
        conn.execute(update(CLOCKS).where(reply).values(due_on=due + timedelta(days=30)))
    [found] = engine.verify()
    assert (found.case_id, found.what) == (case, "clock 0 reply due_on")
    assert (found.stored, found.replayed) == (date(2026, 4, 29), date(2026, 3, 30))


def test_a_closed_clock_moved_by_a_notice_registered_after_it_closed_verifies(engine) -> None:
    # Received Fri 2027-01-08: provisional due Thu 2/11; the (fictional) notice moves it to Sun
    # 2/14 (tests/engine/test_calendar_notices.py counts the days). Replied, so closed, on 1/20.
    case = engine.register(
        CENTRE, on="2027-01-08", now=at("2027-01-08"), channel="window", unit="czj", **APPLICANT
    ).id
    engine.move(case, "reply", CLERK, on="2027-01-20", now=at("2027-01-20"), outcome="disclosed")
    register_notice(engine, ADMIN, NOTICE, now=at("2027-01-21"))
    view = engine.case(case, actor=GENERAL, now=at("2027-01-21"))
    clock = next(c for c in view.clocks if c.kind == "reply")
    assert (clock.status, clock.due_on) == ("met", date(2027, 2, 14))
    assert view.events[-1].move == "calendar_recomputed"  # hashed and keyed: the reason is kept
    assert engine.verify() == []
    with engine.db.begin() as conn:
        conn.execute(
            update(CLOCKS)
            .where(CLOCKS.c.case_id == case, CLOCKS.c.kind == "reply")
            .values(due_on=date(2027, 2, 11))
        )
    assert whats(engine.verify()) == [(case, "clock 0 reply due_on")]


# ---------------------------------------------------------------- (d) the version


def test_a_version_that_no_longer_matches_the_events_is_caught(engine) -> None:
    case = register(engine).id
    conference(engine, case)
    with engine.db.begin() as conn:
        conn.execute(update(CASES).where(CASES.c.id == case).values(version=7))
    [found] = engine.verify()
    assert (found.case_id, found.what, found.stored, found.replayed) == (case, "version", 7, 2)


# ---------------------------------------------------------------- (e) a whole case deleted


@pytest.mark.parametrize("which", ["last", "middle"])
def test_a_case_deleted_with_its_letter_folder_is_caught(
    engine, letters_archive: Path, which: str
) -> None:
    ids = [register(engine, on=f"2026-03-0{d}").id for d in (2, 3, 4)]
    victim = ids[-1] if which == "last" else ids[1]
    assert (letters_archive / "2026" / str(victim)).is_dir()  # its receipt
    engine.checkpoint(now=DAY)
    assert engine.verify() == []
    delete_case(engine, victim, letters_archive)
    expected = [(victim, "checkpoint 2026-07-15 case")]
    if which == "last":
        expected.insert(0, (victim, "checkpoint 2026-07-15 highest case id"))
    assert whats(engine.verify()) == expected
    assert engine.checkpoint(now=DAY + timedelta(days=1)).path is None


# ---------------------------------------------------------------- checkpoint files


def test_a_checkpoint_edited_or_renamed_is_reported_and_the_older_one_used(
    engine, letters_archive: Path
) -> None:
    case = register(engine).id
    engine.checkpoint(now=DAY)
    conference(engine, case)
    engine.checkpoint(now=DAY + timedelta(days=1))
    folder = letters_archive / FOLDER
    newest = folder / "2026-07-16.json"
    # Someone lowers the recorded number of events (to hide a deletion still to come).
    newest.write_text(newest.read_text(encoding="utf-8").replace("2,", "1,", 1), encoding="utf-8")
    assert whats(engine.verify()) == [(0, "checkpoint 2026-07-16.json")]
    assert "签名不符" in engine.verify()[0].stored
    # An old valid checkpoint copied under a newer day's name is not that day's.
    shutil.copy(folder / "2026-07-15.json", folder / "2026-07-17.json")
    found = engine.verify()
    assert whats(found) == [(0, "checkpoint 2026-07-17.json"), (0, "checkpoint 2026-07-16.json")]
    assert "文件名与其日期" in found[0].stored
    # Nothing is written over a checkpoint that cannot be trusted.
    assert engine.checkpoint(now=DAY + timedelta(days=3)).path is None


def test_old_checkpoints_are_pruned_to_a_month_and_the_first_of_each_month(
    engine, letters_archive: Path
) -> None:
    register(engine)
    start = date(2026, 5, 25)
    for n in range(60):
        day = start + timedelta(days=n)
        result = engine.checkpoint(now=at(day.isoformat()))
        assert result.path is not None
    # The last is 7/23: every day from 6/22 on is kept, before that the first of June only.
    kept = checkpoints(letters_archive)
    assert kept[:2] == ["2026-06-01.json", "2026-06-22.json"]
    assert kept[-1] == "2026-07-23.json" and len(kept) == 1 + 32
    assert engine.verify() == []


def test_the_nightly_job_writes_the_checkpoint(engine, letters_archive: Path) -> None:
    register(engine)
    no_server = {
        "CASEWORK_SMTP_HOST": "127.0.0.1",
        "CASEWORK_SMTP_PORT": "9",
        "CASEWORK_SMTP_FROM": "gkb@qiaokou.gov.example",
        "CASEWORK_RETRY_SECONDS": "3600",
    }
    jobs = NightlyJobs(engine, NotifySettings.from_env(no_server), clock=lambda: DAY)
    jobs.nightly()
    assert checkpoints(letters_archive) == ["2026-07-15.json"]
    assert engine.verify() == []


# ---------------------------------------------------------------- keys


def test_events_signed_by_k1_and_k2_both_verify(engine, chain_key_file: Path) -> None:
    case = register(engine).id  # the first event makes the key file, with k1
    assert chain_key_file.stat().st_mode & 0o777 == 0o600
    engine.checkpoint(now=DAY)  # signed by k1
    ring = engine.keys.rotate()
    assert (ring.current, sorted(ring.keys)) == ("k2", ["k1", "k2"])
    conference(engine, case)
    with engine.db.connect() as conn:
        keys = list(conn.scalars(select(EVENTS.c.key_id).order_by(EVENTS.c.seq)))
    assert keys == ["k1", "k2"]
    assert engine.verify() == []  # events of both keys, the checkpoint signed by k1
    assert engine.checkpoint(now=DAY + timedelta(days=1)).key_id == "k2"
    assert engine.verify() == []


def test_a_missing_key_file_is_reported_and_a_read_does_not_make_one(
    engine, chain_key_file: Path, letters_archive: Path
) -> None:
    case = register(engine).id
    conference(engine, case)
    engine.checkpoint(now=DAY)
    chain_key_file.unlink()
    found = engine.verify()
    assert whats(found) == [(case, "chain key k1"), (0, "checkpoint 2026-07-15.json")]
    assert "没有事件链密钥文件" in found[0].replayed
    assert "2 个事件（1 个案件）" in found[0].stored
    engine.case(case, actor=GENERAL, now=NOW)
    assert not chain_key_file.exists()  # verify and reads never create it


def test_a_key_file_that_lost_a_key_or_is_broken_is_reported(engine, chain_key_file: Path) -> None:
    case = register(engine).id
    engine.keys.rotate()
    text = chain_key_file.read_text(encoding="utf-8")
    k1 = next(line for line in text.splitlines() if line.startswith("k1 = "))
    chain_key_file.write_text(text.replace(k1 + "\n", ""), encoding="utf-8")
    found = engine.verify()
    assert whats(found) == [(case, "chain key k1")]
    assert "中没有密钥 k1" in found[0].replayed
    chain_key_file.write_text("current = 1\n", encoding="utf-8")
    found = engine.verify()
    assert whats(found) == [(case, "chain key k1")]
    assert "缺少 [keys]" in found[0].replayed
    # A move cannot sign with a broken key file: it is refused and writes nothing.
    with pytest.raises(casework.CaseworkError) as err:
        conference(engine, case)
    assert err.value.field == "chain_key_file"
    assert engine.case(case, actor=GENERAL, now=NOW).version == 1


def test_a_database_from_before_the_keys_still_verifies(
    db_url: str, chain_key_file: Path, letters_archive: Path
) -> None:
    """Events written before migration 0008 have no key id and a plain SHA-256 chain."""
    engine = casework.open(db_url, upgrade=True)
    old = [register(engine).id, register(engine, on="2026-03-03").id]
    conference(engine, old[0])
    for case in old:
        rehash(engine, case, unkeyed=True)  # as the engine wrote them before keys existed
    db = engine.db
    from alembic import command

    config = migrate._config()
    with db.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")  # the schema before keys
    chain_key_file.unlink()
    engine.db.dispose()

    engine = casework.open(db_url, upgrade=True)  # 0008 on a database that has events
    assert engine.verify() == []
    assert not chain_key_file.exists()  # reads never create the key file
    conference(engine, old[1], on="2026-03-06")  # the first keyed event makes the key file
    new = register(engine, on="2026-03-09").id
    assert chain_key_file.exists()
    with engine.db.connect() as conn:
        keyed = conn.execute(select(EVENTS.c.case_id, EVENTS.c.seq, EVENTS.c.key_id)).all()
    assert sorted(keyed) == [
        (old[0], 1, None),
        (old[0], 2, None),
        (old[1], 1, None),
        (old[1], 2, "k1"),
        (new, 1, "k1"),
    ]
    assert engine.verify() == []
    assert engine.checkpoint(now=DAY).path is not None
    assert engine.verify() == []
    # A case registered after the key file cannot pass for an old one.
    rehash(engine, new, unkeyed=True)
    assert (new, "event 1 key") in whats(engine.verify())
    engine.db.dispose()
