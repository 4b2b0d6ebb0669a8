"""An installation key is made once, private to its owner, and the same for every process."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

from engine import Engine


def test_every_engine_on_a_data_dir_reads_the_one_key_made_on_first_use(make_engine) -> None:
    first: Engine = make_engine()
    others = [make_engine() for _ in range(3)]  # other processes on the same data dir
    with ThreadPoolExecutor(max_workers=4) as pool:
        keys = set(pool.map(lambda e: e.installation_key("secret_key"), [first, *others]))
    (key,) = keys
    assert len(key) == 64 and int(key, 16) >= 0
    path = first.data_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in first.data_dir.iterdir() if p.name.startswith(".")]  # no temporary
    assert first.installation_key("other_key") != key


def test_engines_starting_together_sign_with_the_one_signing_key(make_engine) -> None:
    engines: list[Engine] = [make_engine() for _ in range(4)]  # a fresh data dir, no key yet
    with ThreadPoolExecutor(max_workers=4) as pool:
        keys = set(pool.map(lambda e: e.public_key(), engines))
    (key,) = keys
    assert key.startswith("-----BEGIN PUBLIC KEY-----")
    (path,) = (engines[0].data_dir).rglob("ed25519.pem")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary
