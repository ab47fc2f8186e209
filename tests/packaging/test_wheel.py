"""A non-editable install carries states/, templates/ and the migrations inside the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_rules_templates_and_migrations(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
    )
    package = target / "casework"
    for shipped in (
        "_bundled/states/application.toml",
        "_bundled/states/rules/2019.toml",
        "_bundled/states/review.toml",
        "store/migrations/env.py",
        "store/migrations/script.py.mako",
    ):
        assert (package / shipped).is_file(), shipped
    assert sorted(p.name for p in (package / "_bundled" / "templates").iterdir())
    # Run from elsewhere, with only the installed copy importable: it finds its own rules.
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from casework.resources import bundled_dir; print(bundled_dir('states'))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(package / "_bundled" / "states")
    due = subprocess.run(
        [sys.executable, "-m", "casework", "calendar", "due", "2025-09-26", "20"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert due.stdout.strip() == "2025-10-30", due.stderr
