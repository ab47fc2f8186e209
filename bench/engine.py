"""Print how fast the engine runs whole cases, next to a raw-SQL floor writing the same rows.

Run from the repository::

    python bench/engine.py [--cases N] [--db-url URL] [--repeat R] [--profile] [--dir DIR]

Each of N cases goes through the real engine, one transaction per move, with ``now`` passed
explicitly: register (channel "online", by the duty office) -> forward (to "czj") -> reply
("disclosed", by czj's clerk) -> deliver ("post") -> close. The floor then writes the same rows
(same values, same hash chain) with the plain driver in the same number of transactions, into a
fresh database created by the engine's own schema, with the engine's SQLite pragmas (WAL,
foreign_keys=ON, synchronous=FULL, BEGIN IMMEDIATE). Both databases are compared row by row.

SQLite always runs (a file in a temporary directory). ``--db-url postgresql+psycopg://...``
adds PostgreSQL: each run gets a fresh schema (``?options=-csearch_path%3D<schema>``), dropped
at the end. ``--profile`` adds a cProfile of the engine's loop on SQLite, summarised by package
and by casework function.

The script prints figures; it asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import hmac
import json
import platform
import pstats
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import casework
from casework import Actor
from casework.calendar_sources import load_calendar
from casework.engine import Engine
from casework.settings import TIMEZONE, Settings

NOW = datetime(2026, 7, 15, 10, tzinfo=TIMEZONE)
AT = NOW.astimezone(UTC).isoformat(timespec="microseconds")  # the instant, as the chain hashes it
GENESIS = "0" * 64
# The chain key both sides sign events with (the engine reads it from KEY_FILE, written in the
# temporary directory), so that their rows are the same.
KEY_ID, KEY = "k1", bytes(range(32))
KEY_FILE: Path | None = None


def settings() -> Settings:
    """The environment's settings, with the bench's key file."""
    return Settings.from_env(chain_key_file=KEY_FILE)


DUTY = Actor("熊值班", "duty_office")
CLERK = Actor("李娜", "unit_clerk", "czj")
UNIT = "czj"
MOVES_PER_CASE = 5
TARGET = 3.0  # the target: the engine within 3x the floor's time
# Clock lengths of the 2019 rule set and states/local.toml (working days); the row comparison
# after each run catches any drift from what the engine writes.
CLOCKS = (("reply", 20), ("correction_notice", 7), ("forwarding", 1))


# ---------------------------------------------------------------- the workload


@dataclass(frozen=True)
class Plan:
    """One case's dates and inputs, fixed before any timing starts."""

    received: date
    forwarded: date
    replied: date
    delivered: date
    closed: date
    due: tuple[date, ...]  # per CLOCKS
    applicant: dict[str, str]


def plans(n: int) -> list[Plan]:
    """Received dates spread over the working days 2026-03-02..2026-06-30."""
    cal = load_calendar(Settings().states_dir)
    days, day = [], date(2026, 3, 1)
    while (day := cal.add_working_days(day, 1)) <= date(2026, 6, 30):
        days.append(day)
    out = []
    for i in range(n):
        received = days[i % len(days)]
        replied = cal.add_working_days(received, 5)
        delivered = cal.add_working_days(replied, 1)
        out.append(
            Plan(
                received=received,
                forwarded=cal.add_working_days(received, 1),
                replied=replied,
                delivered=delivered,
                closed=cal.add_working_days(delivered, 1),
                due=tuple(cal.add_working_days(received, length) for _, length in CLOCKS),
                applicant={
                    "channel": "online",
                    "applicant_name": f"张三{i}",
                    "applicant_kind": "natural_person",
                    "request": f"2025年区财政局部门预算及“三公”经费预算（第{i}件）",
                },
            )
        )
    return out


WITH_LETTERS = False  # set by --letters


def open_engine(url: str) -> Engine:
    """The engine under test. By default its core is measured: the letter hook is removed,
    because the floor writes no letters (rendering and archiving them is measured by
    bench/letters.py)."""
    engine = casework.open(url, upgrade=True, settings=settings())
    if not WITH_LETTERS:
        engine.hooks.clear()
    return engine


def run_cases(engine: Engine, work: list[Plan]) -> None:
    for p in work:
        case = engine.register(DUTY, on=p.received, now=NOW, **p.applicant)
        engine.move(case.id, "forward", DUTY, on=p.forwarded, now=NOW, unit=UNIT)
        engine.move(case.id, "reply", CLERK, on=p.replied, now=NOW, outcome="disclosed")
        engine.move(case.id, "deliver", CLERK, on=p.delivered, now=NOW, method="post")
        engine.move(case.id, "close", CLERK, on=p.closed, now=NOW)


def run_engine(url: str, work: list[Plan]) -> float:
    """Seconds to run every case through the engine (opening it is not timed)."""
    engine = open_engine(url)
    try:
        started = time.perf_counter()
        run_cases(engine, work)
        return time.perf_counter() - started
    finally:
        engine.db.dispose()


def create_schema(url: str) -> None:
    """Tables and units exactly as the engine makes them; then let go of the connections."""
    casework.open(url, upgrade=True, settings=settings()).db.dispose()


# ---------------------------------------------------------------- the raw-SQL floor


def event_hash(
    case_id: int,
    seq: int,
    move: str,
    states: tuple[str, str],
    actor: Actor,
    on: date,
    payload: dict[str, Any],
    prev: str,
) -> str:
    """The same body and keyed digest as casework.store.event_chain.event_hash."""
    body = json.dumps(
        {
            "case": case_id,
            "seq": seq,
            "move": move,
            "from": states[0],
            "to": states[1],
            "actor": [actor.name, actor.role, actor.unit],
            "on": on.isoformat(),
            "at": AT,
            "payload": payload,
            "prev": prev,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hmac.new(KEY, body.encode(), hashlib.sha256).hexdigest()


@dataclass
class Driver:
    """What differs between sqlite3 and psycopg: SQL text, value adapters, BEGIN, new ids."""

    conn: Any
    sql: Callable[[str], str]
    day: Callable[[date | None], Any]
    moment: Any
    payload: Callable[[dict[str, Any]], Any]
    begin: Callable[[], None]
    commit: Callable[[], None]
    insert_id: Callable[[str, tuple[Any, ...]], int]

    def run(self, sql: str, params: tuple[Any, ...]) -> None:
        self.conn.execute(self.sql(sql), params)


INSERT_CASE = (
    "INSERT INTO cases (flow, state, rule_set, channel, received_on, applicant_name,"
    " applicant_kind, applicant_id_number, applicant_phone, applicant_contact, request, unit,"
    " handler, outcome, replied_on, delivered_on, closed_on, details, last_on, last_event_hash,"
    " event_count, version, updated_at)"
    " VALUES ('application', ?, '2019', ?, ?, ?, ?, NULL, NULL, NULL, ?, NULL, NULL, NULL,"
    " NULL, NULL, NULL, '{}', ?, ?, 0, 0, ?)"
)
INSERT_EVENT = (
    "INSERT INTO events (case_id, seq, move, from_state, to_state, actor_name, actor_role,"
    " actor_unit, occurred_on, recorded_at, payload, prev_hash, hash, key_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_CLOCK = (
    "INSERT INTO clocks (case_id, seq, kind, unit, length, started_on, extension_days, status,"
    " due_on, stopped_on) VALUES (?, ?, ?, 'working_days', ?, ?, 0, 'running', ?, NULL)"
)
STOP_CLOCK = "UPDATE clocks SET status = ?, stopped_on = ? WHERE case_id = ? AND seq = ?"
# The engine's optimistic lock: every case update bumps the version it read.
UPDATE_CASE = (
    "UPDATE cases SET {sets}, last_on = ?, updated_at = ?, last_event_hash = ?,"
    " event_count = ?, version = ? WHERE id = ? AND version = ?"
)


def run_floor(d: Driver, work: list[Plan]) -> float:
    """Seconds to write the engine's rows for every case: 5 transactions per case."""
    started = time.perf_counter()
    for p in work:
        # tx1 register: case, event, three clocks, then the case's hash/count (version 1)
        d.begin()
        states = ("new", "awaiting_forward")
        case_id = d.insert_id(
            INSERT_CASE,
            (
                states[1],
                p.applicant["channel"],
                d.day(p.received),
                p.applicant["applicant_name"],
                p.applicant["applicant_kind"],
                p.applicant["request"],
                d.day(p.received),
                GENESIS,
                d.moment,
            ),
        )
        prev = event(d, case_id, 1, "register", states, DUTY, p.received, p.applicant, GENESIS)
        for seq, ((kind, length), due) in enumerate(zip(CLOCKS, p.due, strict=True)):
            d.run(INSERT_CLOCK, (case_id, seq, kind, length, d.day(p.received), d.day(due)))
        d.run(
            "UPDATE cases SET last_event_hash = ?, event_count = ?, version = ?"
            " WHERE id = ? AND version = ?",
            (prev, 1, 1, case_id, 0),
        )
        d.commit()
        # tx2 forward: stop the forwarding clock
        d.begin()
        states = ("awaiting_forward", "in_progress")
        new = event(d, case_id, 2, "forward", states, DUTY, p.forwarded, {"unit": UNIT}, prev)
        update_case(d, case_id, 2, "state = ?, unit = ?", (states[1], UNIT), p.forwarded, new)
        d.run(STOP_CLOCK, ("met", d.day(p.forwarded), case_id, 2))
        d.commit()
        # tx3 reply: stop the reply clock, cancel the correction-notice window
        d.begin()
        prev, states = new, ("in_progress", "replied")
        payload = {"outcome": "disclosed"}
        new = event(d, case_id, 3, "reply", states, CLERK, p.replied, payload, prev)
        update_case(
            d,
            case_id,
            3,
            "state = ?, outcome = ?, replied_on = ?",
            (states[1], "disclosed", d.day(p.replied)),
            p.replied,
            new,
        )
        d.run(STOP_CLOCK, ("met", d.day(p.replied), case_id, 0))
        d.run(STOP_CLOCK, ("cancelled", d.day(p.replied), case_id, 1))
        d.commit()
        # tx4 deliver
        d.begin()
        prev, states = new, ("replied", "delivered")
        new = event(d, case_id, 4, "deliver", states, CLERK, p.delivered, {"method": "post"}, prev)
        update_case(
            d,
            case_id,
            4,
            "state = ?, delivered_on = ?",
            (states[1], d.day(p.delivered)),
            p.delivered,
            new,
        )
        d.commit()
        # tx5 close
        d.begin()
        prev, states = new, ("delivered", "closed")
        new = event(d, case_id, 5, "close", states, CLERK, p.closed, {}, prev)
        update_case(
            d, case_id, 5, "state = ?, closed_on = ?", (states[1], d.day(p.closed)), p.closed, new
        )
        d.commit()
    return time.perf_counter() - started


def event(
    d: Driver,
    case_id: int,
    seq: int,
    move: str,
    states: tuple[str, str],
    actor: Actor,
    on: date,
    payload: dict[str, Any],
    prev: str,
) -> str:
    digest = event_hash(case_id, seq, move, states, actor, on, payload, prev)
    d.run(
        INSERT_EVENT,
        (
            case_id,
            seq,
            move,
            *states,
            actor.name,
            actor.role,
            actor.unit,
            d.day(on),
            d.moment,
            d.payload(payload),
            prev,
            digest,
            KEY_ID,
        ),
    )
    return digest


def update_case(
    d: Driver,
    case_id: int,
    seq: int,
    sets: str,
    values: tuple[Any, ...],
    on: date,
    digest: str,
) -> None:
    version = seq - 1  # register leaves version 1; each later move adds one
    d.run(
        UPDATE_CASE.format(sets=sets),
        (*values, d.day(on), d.moment, digest, seq, version + 1, case_id, version),
    )


# ---------------------------------------------------------------- SQLite


def sqlite_driver(path: Path) -> Driver:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL", "busy_timeout=30000"):
        conn.execute(f"PRAGMA {pragma}")

    def insert_id(sql: str, params: tuple[Any, ...]) -> int:
        return conn.execute(sql, params).lastrowid  # type: ignore[return-value]

    return Driver(
        conn=conn,
        sql=lambda s: s,
        day=lambda d: d.isoformat() if d else None,  # as SQLAlchemy stores DATE on SQLite
        moment=NOW.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),  # UTCDateTime on SQLite
        payload=json.dumps,  # SQLAlchemy's JSON type: json.dumps with its defaults
        begin=lambda: conn.execute("BEGIN IMMEDIATE"),  # type: ignore[arg-type,return-value]
        commit=conn.commit,
        insert_id=insert_id,
    )


def sqlite_rows(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return rows_digest(lambda sql: conn.execute(sql).fetchall())
    finally:
        conn.close()


def bench_sqlite(work: list[Plan], tmp: Path) -> dict[str, Any]:
    engine_db, floor_db = tmp / "engine.db", tmp / "floor.db"
    engine_s = run_engine(f"sqlite:///{engine_db}", work)
    create_schema(f"sqlite:///{floor_db}")
    d = sqlite_driver(floor_db)
    try:
        floor_s = run_floor(d, work)
    finally:
        d.conn.close()
    return {
        "backend": "sqlite",
        "engine_s": engine_s,
        "floor_s": floor_s,
        "same_rows": sqlite_rows(engine_db) == sqlite_rows(floor_db),
    }


# ---------------------------------------------------------------- PostgreSQL


def plain(url: str) -> str:
    """The URL psycopg understands (no SQLAlchemy driver suffix, no query)."""
    base = url.split("?", 1)[0]
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if base.startswith(prefix):
            return "postgresql://" + base[len(prefix) :]
    return base


@contextmanager
def pg_schema(url: str) -> Iterator[tuple[str, str]]:
    """A fresh schema: yields (SQLAlchemy URL with search_path, schema); dropped afterwards."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain(url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        base = url.split("?", 1)[0]
        if base.startswith(("postgresql://", "postgres://")):
            base = "postgresql+psycopg://" + base.split("://", 1)[1]
        yield f"{base}?options=-csearch_path%3D{schema}", schema
    finally:
        with psycopg.connect(plain(url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def pg_connect(url: str, schema: str) -> Any:
    import psycopg

    return psycopg.connect(plain(url), options=f"-csearch_path={schema}")


def pg_driver(conn: Any) -> Driver:
    from psycopg.types.json import Json

    def insert_id(sql: str, params: tuple[Any, ...]) -> int:
        return conn.execute(sql.replace("?", "%s") + " RETURNING id", params).fetchone()[0]  # type: ignore[no-any-return]

    return Driver(
        conn=conn,
        sql=lambda s: s.replace("?", "%s"),
        day=lambda d: d,
        moment=NOW,
        payload=Json,
        begin=lambda: None,  # psycopg opens the transaction at the first statement
        commit=conn.commit,
        insert_id=insert_id,
    )


def pg_rows(url: str, schema: str) -> str:
    with pg_connect(url, schema) as conn:
        return rows_digest(lambda sql: conn.execute(sql).fetchall())


def bench_postgres(work: list[Plan], url: str) -> dict[str, Any]:
    with pg_schema(url) as (engine_url, engine_schema), pg_schema(url) as (floor_url, floor_schema):
        engine_s = run_engine(engine_url, work)
        create_schema(floor_url)
        with pg_connect(url, floor_schema) as conn:
            floor_s = run_floor(pg_driver(conn), work)
        same = pg_rows(url, engine_schema) == pg_rows(url, floor_schema)
    return {"backend": "postgresql", "engine_s": engine_s, "floor_s": floor_s, "same_rows": same}


def pg_version(url: str) -> str:
    import psycopg

    with psycopg.connect(plain(url)) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


# ---------------------------------------------------------------- reporting


def rows_digest(fetch: Callable[[str], list[Any]]) -> str:
    h = hashlib.sha256()
    for table in ("cases", "events", "clocks", "clock_pauses"):
        for row in fetch(f"SELECT * FROM {table} ORDER BY id"):
            h.update(json.dumps(list(row), default=str, ensure_ascii=False).encode())
    return h.hexdigest()


def best(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per backend: the fastest engine and floor times, and whether every run matched."""
    out: dict[str, dict[str, Any]] = {}
    for r in runs:
        b = out.setdefault(r["backend"], dict(r))
        b["engine_s"], b["floor_s"] = (
            min(b["engine_s"], r["engine_s"]),
            min(b["floor_s"], r["floor_s"]),
        )
        b["same_rows"] = b["same_rows"] and r["same_rows"]
    return list(out.values())


def print_table(n: int, results: list[dict[str, Any]]) -> None:
    head = (
        f"{'backend':<11}{'N':>6}{'engine cases/s':>16}{'engine moves/s':>16}"
        f"{'floor cases/s':>15}{'floor tx/s':>12}{'engine/floor':>14}  target<={TARGET:g}x"
        "  same rows"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        ratio = r["engine_s"] / r["floor_s"]
        print(
            f"{r['backend']:<11}{n:>6}{n / r['engine_s']:>16.1f}"
            f"{n * MOVES_PER_CASE / r['engine_s']:>16.1f}{n / r['floor_s']:>15.1f}"
            f"{n * MOVES_PER_CASE / r['floor_s']:>12.1f}{ratio:>13.2f}x"
            f"  {'met' if ratio <= TARGET else 'NOT met':<12}{'yes' if r['same_rows'] else 'NO'}"
        )


def profile_engine(work: list[Plan], tmp: Path, top: int) -> None:
    """cProfile of the engine's loop alone (SQLite), summarised for the engine's author."""
    profiler = cProfile.Profile()
    url = f"sqlite:///{tmp / 'profile.db'}"
    engine = open_engine(url)
    try:
        profiler.enable()
        run_cases(engine, work)
        profiler.disable()
    finally:
        engine.db.dispose()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in stats.values())
    root = str(Path(casework.__file__).resolve().parent)

    def bucket(file: str, func: str) -> str:
        if file == "~":
            return f"C: {func}" if "sqlite3" in func or "commit" in func else "C: other builtins"
        if file.startswith(root):
            return "casework"
        for name in ("sqlalchemy", "sqlmodel", "pydantic", "transitions", "json", "hashlib"):
            if f"/{name}/" in file or file.endswith(f"/{name}.py"):
                return name
        return "other Python"

    by_bucket: dict[str, float] = {}
    for (file, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.items():
        key = bucket(file, func)
        by_bucket[key] = by_bucket.get(key, 0.0) + tt
    print(f"\nprofile of the engine loop, SQLite, N={len(work)}: {total:.2f} s of own time")
    print("own time by package:")
    for key, tt in sorted(by_bucket.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {tt / total:6.1%}  {key}")
    ours = [
        (ct, tt, nc, f"{Path(file).relative_to(Path(root).parent)}:{func}")
        for (file, _line, func), (_cc, nc, tt, ct, _callers) in stats.items()
        if file.startswith(root)
    ]
    print("casework functions by cumulative time (% of the loop):")
    for ct, tt, nc, name in sorted(ours, reverse=True)[:top]:
        print(f"  {ct / total:6.1%} cum {tt / total:6.1%} own {nc:>7} calls  {name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=500, help="cases per backend (500)")
    parser.add_argument("--db-url", help="also benchmark this PostgreSQL server")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the best time counts (1)")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine loop")
    parser.add_argument("--top", type=int, default=25, help="casework functions to list")
    parser.add_argument(
        "--dir",
        help="where the SQLite files go (default: the system's temporary directory); "
        "/dev/shm shows the engine's CPU alone, since a commit there costs no disk sync",
    )
    parser.add_argument(
        "--letters",
        action="store_true",
        help="keep the letter hook (the engine then also writes letters the "
        "floor does not: the ratio no longer compares like with like)",
    )
    args = parser.parse_args(argv)
    global WITH_LETTERS
    WITH_LETTERS = args.letters
    print(
        "engine core (letter hook removed)"
        if not args.letters
        else "engine with letters (HTML per CASEWORK_LETTER_FORMATS); floor writes none"
    )
    if args.db_url and not args.db_url.startswith(("postgresql", "postgres://")):
        parser.error("--db-url must be a PostgreSQL URL (SQLite always runs)")

    work = plans(args.cases)
    global KEY_FILE
    with tempfile.TemporaryDirectory(prefix="casework-bench-", dir=args.dir) as tmp:
        KEY_FILE = Path(tmp) / "chain.key"
        KEY_FILE.write_text(f'current = "{KEY_ID}"\n[keys]\n{KEY_ID} = "{KEY.hex()}"\n')
        print(
            f"{args.cases} cases x {MOVES_PER_CASE} moves, one transaction per move; now={NOW}; "
            f"best of {args.repeat}"
        )
        print(f"SQLite files in {tmp}")
        runs = []
        for r in range(args.repeat):
            (Path(tmp) / f"run{r}").mkdir()
            runs.append(bench_sqlite(work, Path(tmp) / f"run{r}"))
            if args.db_url:
                runs.append(bench_postgres(work, args.db_url))
        results = best(runs)
        print()
        print_table(args.cases, results)
        if args.profile:
            profile_engine(work, Path(tmp), args.top)

    import sqlalchemy

    print()
    print(f"Python {platform.python_version()} ({sys.implementation.name}), ", end="")
    print(f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}", end="")
    if args.db_url:
        import psycopg

        print(f", psycopg {psycopg.__version__}, PostgreSQL {pg_version(args.db_url)}", end="")
    print()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak RSS {peak / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
