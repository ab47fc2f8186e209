"""The type checker is clean: ``python -m mypy`` over ``casework/`` with the settings of
``[tool.mypy]`` in pyproject.toml (strict; every ``# type: ignore`` names its code and a reason).

CI installs the dev extras (``.ci/run``), which bring mypy and the stub packages, so this runs
there; on a machine without mypy it skips and says why.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# A `# type: ignore` that names its error codes and then gives the reason in a comment.
EXPLAINED_IGNORE = re.compile(r"# type: ignore\[[a-z-]+(, [a-z-]+)*\]  # \S")


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (pip install -e '.[dev]' brings it): the type check is skipped",
)
def test_mypy_is_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout}{done.stderr}"


def test_every_type_ignore_names_its_code_and_reason() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "casework").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "type: ignore" in line and not EXPLAINED_IGNORE.search(line)
    ]
    assert not bare, "a `# type: ignore` without `[code]  # reason`:\n" + "\n".join(bare)
