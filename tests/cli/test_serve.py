"""``casework serve`` starts the service on the CLI's database (a subprocess on a free port)."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.support.cli import Cli
from tests.support.service import free_port


def test_serve_answers_on_the_port_it_was_given(sqlite_cli: Cli) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "casework", "serve", "--port", str(port), "--db", sqlite_cli.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answer = None
        for _ in range(200):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        assert answer is not None and answer.status_code == 200
        assert answer.json()["schema"] == "current"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "casework.server.access: GET /healthz 200" in output  # the request log


def test_serve_refuses_a_database_that_is_not_there(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "casework", "serve", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3 and "不存在" in done.stderr
