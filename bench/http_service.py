"""Print the HTTP service's registration throughput and latency next to direct engine calls.

Run from the repository::

    python bench/http_service.py [--clients 8] [--each 500] [--retry 0.1] [--db-url URL]
        [--formats html]

``casework serve`` runs in a subprocess on a free port of 127.0.0.1 over a fresh database (the
sample directory loaded, an API key for the service centre's 王敏). ``--clients`` threads each
register ``--each`` window applications with their own platform reference (``reference``);
``--retry`` of them (10%) are first sent with a 2 ms read timeout, so that the client gives up
while the server goes on, and then sent again, as an intake system retries an answer it lost.
The script prints the number of cases (exactly clients × each: a retry must never register a
second case), the duplicates (cases sharing a reference: must be 0), the status codes, the
latency percentiles of the answered requests and the requests per second, next to the same
workload made with direct ``engine.register`` calls from as many threads on another fresh
database in the same run. SQLite always (files in a temporary directory); ``--db-url
postgresql+psycopg://...`` runs on PostgreSQL instead, in fresh schemas dropped at the end.
Letters are issued in ``--formats`` (default html: a PDF per registration measures WeasyPrint).

The script prints figures; it asserts nothing about timings.
"""

# ruff: noqa: E402  (the imports follow the sys.path fix below)
from __future__ import annotations

import sys

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# standard library's ``http`` package (which httpx and uvicorn import).
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

import casework
from casework import Actor
from casework.store.tables import CASES

CENTRE = Actor("王敏", "service_centre")
BODY = {
    "on": "2026-11-02",
    "channel": "window",
    "unit": "czj",
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "request": "2025年区财政局部门预算",
}


@contextmanager
def databases(base: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """Two fresh databases: one for the service, one for the direct calls."""
    if base is None:
        yield f"sqlite:///{folder / 'http.db'}", f"sqlite:///{folder / 'direct.db'}"
        return
    import psycopg

    plain = base.replace("postgresql+psycopg://", "postgresql://")
    schemas = [f"bench_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(plain, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = f"{base}?options=-csearch_path%3D"
        yield url + schemas[0], url + schemas[1]
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def casework_cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "casework", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"casework {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """``casework serve`` on a fresh database; yields its base URL and an API key."""
    casework_cli("db", "upgrade", "--db", url, env=env)
    casework_cli("directory", "load", "--sample", "--db", url, env=env)
    made = casework_cli(
        "apikey",
        "create",
        "wangmin",
        "--label",
        "bench",
        "--json",
        "--db",
        url,
        env={**env, "CASEWORK_USER": "zonghe"},
    )
    key = json.loads(made)["key"]
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "casework", "serve", "--port", str(port), "--db", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the service did not start")
        yield base, key
    finally:
        process.terminate()
        process.wait(30)


def run_http(base: str, key: str, clients: int, each: int, retry: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    timeouts = 0

    def client(n: int) -> None:
        nonlocal timeouts
        headers = {"Authorization": f"Bearer {key}"}
        every = round(1 / retry) if retry else 0
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            for i in range(each):
                body = {**BODY, "reference": f"BENCH-{n}-{i}"}
                if every and i % every == 0:
                    try:  # the answer is lost: the client gives up after 2 ms
                        http.post("/applications", json=body, timeout=httpx.Timeout(30, read=0.002))
                    except httpx.TimeoutException:
                        with lock:
                            timeouts += 1
                started = time.perf_counter()
                answer = http.post("/applications", json=body)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    statuses[str(answer.status_code)] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "latencies": latencies, "statuses": statuses, "timeouts": timeouts}


def run_direct(url: str, clients: int, each: int, retry: float) -> dict[str, Any]:
    engine = casework.open(url, upgrade=True)
    latencies: list[float] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        every = round(1 / retry) if retry else 0
        for i in range(each):
            body = {**BODY, "reference": f"BENCH-{n}-{i}"}
            if every and i % every == 0:
                engine.register(CENTRE, **body)
            started = time.perf_counter()
            engine.register(CENTRE, **body)
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    cases, duplicates = count(engine)
    engine.db.dispose()
    return {"seconds": seconds, "latencies": latencies, "cases": cases, "duplicates": duplicates}


def count(engine: Any) -> tuple[int, int]:
    with engine.db.connect() as conn:
        cases = int(conn.scalar(select(func.count()).select_from(CASES)) or 0)
        references = int(conn.scalar(select(func.count(CASES.c.reference.distinct()))) or 0)
    return cases, cases - references


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    p50, p95, p99 = (cuts[n] * 1000 for n in (49, 94, 98))
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--each", type=int, default=500)
    parser.add_argument("--retry", type=float, default=0.1)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--formats", default="html")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        databases(args.db_url, Path(tmp)) as (http_url, direct_url),
    ):
        env = {
            **os.environ,
            "CASEWORK_LETTER_FORMATS": args.formats,
            "CASEWORK_LETTERS_DIR": str(Path(tmp) / "letters-http"),
        }
        os.environ["CASEWORK_LETTER_FORMATS"] = args.formats
        os.environ["CASEWORK_LETTERS_DIR"] = str(Path(tmp) / "letters-direct")
        expected = args.clients * args.each
        with server(http_url, env) as (base, key):
            http = run_http(base, key, args.clients, args.each, args.retry)
        engine = casework.open(http_url)
        cases, duplicates = count(engine)
        engine.db.dispose()
        direct = run_direct(direct_url, args.clients, args.each, args.retry)
    database = "PostgreSQL" if args.db_url else "SQLite"
    requests = len(http["latencies"])
    rate = requests / http["seconds"]
    print(
        f"{database}, {args.clients} clients × {args.each} registrations, {args.retry:.0%} "
        f"retried after a client-side timeout, letters: {args.formats}"
    )
    print(
        f"HTTP:   cases {cases} (expected {expected}), duplicates {duplicates}, "
        f"timed-out first attempts {http['timeouts']}, answers {dict(http['statuses'])}"
    )
    print(
        f"        {rate:.1f} requests/s ({requests} answered in {http['seconds']:.1f} s); "
        f"{percentiles(http['latencies'])}"
    )
    calls = len(direct["latencies"])
    direct_rate = calls / direct["seconds"]
    print(f"direct: cases {direct['cases']}, duplicates {direct['duplicates']}")
    print(
        f"        {direct_rate:.1f} calls/s ({calls} in {direct['seconds']:.1f} s); "
        f"{percentiles(direct['latencies'])}"
    )
    print(f"HTTP throughput / direct: {rate / direct_rate:.0%} (target ≥ 50%)")


if __name__ == "__main__":
    main()
