"""Document numbers under concurrent issuers, on SQLite and PostgreSQL: no duplicate, no gap.

Threads register cases (each issues a receipt) and issue receipts again by hand on a few shared
cases, in the same series. A third of the registrations fail after their number was taken (the
edited template refuses them), and hand issues on the same case race for its version, so some
fail with StaleCase: none of those may consume a number.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

import casework
from casework.errors import CaseworkError
from casework.resources import bundled_dir
from tests.support.actors import APPLICANT, CENTRE, CLERK
from tests.support.letters import NOW, extended_states, letters

THREADS = 6
PER_THREAD = 9
FAIL = "（触发模板错误）"


def test_numbers_have_no_duplicates_and_no_gaps(
    db_url: str, tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(bundled_dir("templates"), templates)
    receipt = templates / "receipt.html.j2"
    receipt.write_text(
        receipt.read_text(encoding="utf-8").replace(
            "<p>特此告知。</p>",
            f'{{% if "{FAIL}" in case.request %}}{{{{ case.no_such_field }}}}{{% endif %}}'
            "<p>特此告知。</p>",
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CASEWORK_TEMPLATES_DIR", str(templates))
    engine = casework.open(db_url, upgrade=True, states_dir=extended_states(tmp_path))
    shared = [
        engine.register(
            CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
        ).id
        for _ in range(3)
    ]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        start.wait()
        for i in range(PER_THREAD):
            try:
                if i % 3 == 2:
                    engine.move(
                        shared[(n + i) % len(shared)],
                        "issue_letter",
                        CLERK,
                        on="2026-03-03",
                        now=NOW,
                        kind="receipt",
                    )
                else:
                    request = APPLICANT["request"] + (FAIL if (n + i) % 3 == 0 else "")
                    inputs = {**APPLICANT, "request": request}
                    engine.register(
                        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **inputs
                    )
                result = "issued"
            except CaseworkError as err:
                result = type(err).__name__
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len(outcomes) == THREADS * PER_THREAD
        assert "DefinitionError" in outcomes  # failures after a number was taken did happen
        rows = [r for r in letters(engine) if r.series == "receipt"]
        issued = outcomes.count("issued") + len(shared)
        assert len(rows) == issued
        assert sorted(r.seq for r in rows) == list(range(1, issued + 1))
        assert len({r.number for r in rows}) == issued
        assert len(list(archive.rglob("receipt-czj-*.html"))) == issued
        assert engine.verify() == []
    finally:
        engine.db.dispose()
