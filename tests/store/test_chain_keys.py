"""The chain key file: where it is, what it holds, made once (0600) by the first signature."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from casework.errors import CaseworkError
from casework.store.chain_keys import KeyFile, default_key_file, parse_key_file
from casework.store.event_chain import event_hash
from tests.support.actors import CLERK
from tests.support.dates import at

HEX = "ab" * 32


def test_the_default_key_file_sits_beside_a_sqlite_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert default_key_file(f"sqlite:///{tmp_path / 'office.db'}") == tmp_path / "office.key"
    monkeypatch.chdir(tmp_path)
    assert default_key_file("postgresql+psycopg://casework@db/casework") == (
        tmp_path / "casework-chain.key"
    )
    assert default_key_file("sqlite://") == tmp_path / "casework-chain.key"  # in memory


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('current = "k1"\n', "缺少 [keys]"),
        (f'current = "k2"\n[keys]\nk1 = "{HEX}"\n', "current = 'k2'"),
        ('current = "k1"\n[keys]\nk1 = "abcd"\n', "至少 32 位十六进制数"),
        ('current = "k1"\n[keys]\nk1 = "not hex at all, not hex at all, not hex"\n', "十六进制"),
        (f'current = "a b"\n[keys]\n"a b" = "{HEX}"\n', "密钥编号 'a b'"),
        (f'current = "k1"\nlegacy_cases_upto = "7"\n[keys]\nk1 = "{HEX}"\n', "整数"),
        ("current = [", "TOML"),
    ],
)
def test_a_bad_key_file_names_its_problem(text: str, problem: str) -> None:
    with pytest.raises(CaseworkError) as err:
        parse_key_file(Path("chain.key"), text.encode())
    assert problem in err.value.message and "chain.key" in err.value.message
    assert err.value.field == "chain_key_file"


def test_a_hand_written_key_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chain.key"
    path.write_text(f'current = "2025b"\n[keys]\nold = "{HEX}"\n2025b = "{"cd" * 16}"\n')
    ring = KeyFile(path).ring()
    assert ring is not None
    assert (ring.current, ring.legacy_cases_upto) == ("2025b", None)
    assert ring.signing().secret == bytes.fromhex("cd" * 16)
    assert "cd" * 16 not in repr(ring)  # secrets stay out of logs and tracebacks


def test_the_first_signature_makes_the_file_once_even_when_racing(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "chain.key"  # its folder is made too
    db = create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with db.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE cases (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO cases (id) VALUES (1), (41)")
    assert KeyFile(path).ring() is None and not path.exists()  # reading makes nothing
    keys: list[bytes] = []
    barrier = threading.Barrier(8)

    def sign() -> None:
        barrier.wait()
        with db.connect() as conn:
            keys.append(KeyFile(path).signing_key(conn).secret)  # a KeyFile per "process"

    threads = [threading.Thread(target=sign) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["chain.key"]  # no temporary file left
    ring = KeyFile(path).ring()
    assert ring is not None and (ring.current, ring.legacy_cases_upto) == ("k1", 41)
    db.dispose()


def test_rotation_keeps_the_old_keys_and_a_running_process_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "chain.key"
    path.write_text(f'current = "k1"\nlegacy_cases_upto = 3\n[keys]\nk1 = "{HEX}"\n')
    running = KeyFile(path)
    assert running.ring().current == "k1"  # type: ignore[union-attr]
    rotated = KeyFile(path).rotate()  # e.g. `casework key rotate` in another process
    assert (rotated.current, list(rotated.keys), rotated.legacy_cases_upto) == (
        "k2",
        ["k1", "k2"],
        3,
    )
    assert running.ring() == rotated
    assert path.stat().st_mode & 0o777 == 0o600
    assert KeyFile(path).rotate().current == "k3"
    with pytest.raises(CaseworkError, match="尚不存在"):
        KeyFile(tmp_path / "none.key").rotate()


def test_a_keyed_hash_differs_from_the_plain_one_and_needs_the_key() -> None:
    event = dict(
        case_id=1,
        seq=1,
        move="register",
        from_state="new",
        to_state="in_progress",
        actor=CLERK,
        on=at("2026-03-02").date(),
        recorded_at=at("2026-03-02"),
        payload={"unit": "czj"},
        prev_hash="0" * 64,
    )
    plain = event_hash(**event)  # type: ignore[arg-type]
    keyed = event_hash(**event, key=bytes.fromhex(HEX))  # type: ignore[arg-type]
    other = event_hash(**event, key=bytes.fromhex("cd" * 32))  # type: ignore[arg-type]
    assert len({plain, keyed, other}) == 3
    assert keyed == event_hash(**event, key=bytes.fromhex(HEX))  # type: ignore[arg-type]
