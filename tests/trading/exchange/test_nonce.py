"""NonceSource: strictly increasing, persisted across instances, thread-safe."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from trading.exchange.nonce import NonceSource


def test_strictly_increasing_even_with_a_frozen_clock(tmp_path: Path) -> None:
    source = NonceSource(tmp_path / "nonce", clock_us=lambda: 1_000)
    assert [source.next() for _ in range(3)] == [1_000, 1_001, 1_002]


def test_survives_a_restart_and_a_clock_step_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "nonce"
    first = NonceSource(path, clock_us=lambda: 5_000_000)
    issued = [first.next() for _ in range(5)]
    second = NonceSource(path, clock_us=lambda: 1_000)  # the clock went backwards
    assert second.next() == issued[-1] + 1
    assert path.read_text().strip() == str(issued[-1] + 1)


def test_follows_the_clock_when_it_is_ahead(tmp_path: Path) -> None:
    now = [10]
    source = NonceSource(tmp_path / "nonce", clock_us=lambda: now[0])
    assert source.next() == 10
    now[0] = 1_000
    assert source.next() == 1_000


def test_threads_never_share_a_nonce(tmp_path: Path) -> None:
    source = NonceSource(tmp_path / "nonce", clock_us=lambda: 7)
    out: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        got = [source.next() for _ in range(25)]
        with lock:
            out.extend(got)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == len(set(out)) == 100


def test_two_instances_on_one_file_interleave(tmp_path: Path) -> None:
    a = NonceSource(tmp_path / "nonce", clock_us=lambda: 1)
    b = NonceSource(tmp_path / "nonce", clock_us=lambda: 1)
    seq = [a.next(), b.next(), a.next(), b.next()]
    assert seq == sorted(set(seq))


def test_corrupt_file_refuses_to_guess(tmp_path: Path) -> None:
    path = tmp_path / "nonce"
    path.write_text("garbage")
    with pytest.raises(RuntimeError, match="corrupt"):
        NonceSource(path).next()


def test_file_mode_is_private(tmp_path: Path) -> None:
    path = tmp_path / "nonce"
    NonceSource(path).next()
    assert path.stat().st_mode & 0o077 == 0
