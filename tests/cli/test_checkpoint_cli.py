"""`casework checkpoint` (exit 1 when the database contradicts the newest checkpoint) and
`casework key rotate`, and what `casework verify` says about them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.cli import Cli

# The commands run on the suite's "today" (tests/conftest.py: pinned_today), Fri 2026-12-04.
pytestmark = pytest.mark.usefixtures("pinned_today")


def test_checkpoint_rotate_and_verify(
    cli: Cli, case: int, letters_archive: Path, chain_key_file: Path
) -> None:
    assert "检查点：尚无" in cli.ok(None, "verify").stdout
    written = cli.ok(None, "checkpoint")
    path = letters_archive / "checkpoints" / "2026-12-04.json"
    assert f"检查点已写入：{path}（1 个案件，最大案件编号 {case}，密钥 k1）" in written.stdout
    assert "检查点：已对照最新的有效检查点（最新文件 2026-12-04）" in cli.ok(None, "verify").stdout

    rotated = cli.ok(None, "key", "rotate", "--json").json
    assert (rotated["path"], rotated["current"], rotated["keys"]) == (
        str(chain_key_file),
        "k2",
        ["k1", "k2"],
    )
    cli.ok("lina", "reply", str(case), "--outcome", "disclosed", "--on", "2026-03-20")
    again = cli.ok(None, "checkpoint", "--json").json
    assert (again["written"], again["key_id"], again["cases"]) == (True, "k2", 1)
    cli.ok(None, "verify")

    # An old checkpoint put in place of a newer day: verify and checkpoint say so (exit 1).
    shutil.copy(path, path.with_name("2026-12-05.json"))
    path.with_name("2026-12-05.json").write_text(
        path.read_text(encoding="utf-8").replace('"day": "2026-12-04"', '"day": "2026-12-05"'),
        encoding="utf-8",
    )
    dirty = cli(None, "verify")
    assert dirty.exit_code == 1 and "签名不符" in dirty.stdout
    refused = cli(None, "checkpoint")
    assert refused.exit_code == 1
    assert "数据库与最新的检查点不符，未写入检查点" in refused.stdout


def test_rotating_before_any_key_file_exists_is_refused(cli: Cli, chain_key_file: Path) -> None:
    line = cli.refused(None, "key", "rotate")
    assert "尚不存在" in line and str(chain_key_file) in line
