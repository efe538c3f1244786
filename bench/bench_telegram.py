"""Telegram program: reply latency on loopback and the process's memory (PSS).

Starts a throw-away instance (``make run``) with the ``telegram`` program enabled and pointed
at the fake Bot API (``tests/web/telegram/fake_bot_api.py``, 127.0.0.1), waits until it
polls, then sends ``N`` commands one at a time from an allowed chat. Latency is from the
moment an update is handed to the fake (a waiting long poll returns at once) to the moment
the fake receives the reply's ``sendMessage``: getUpdates, parsing, authorization, the view
(ledger read, bus state) and sendMessage, all through pyTelegramBotAPI. The commands cycle
through those that do not ask the executor (``/help /pnl /positions /trades /thoughts
/risk``); ``/status`` adds one command round trip to the executor (~1 ms when it answers,
1.6 s "unavailable" when it does not). PSS is read at the end, after those commands, from
``/proc/<pid>/smaps_rollup`` of the telegram process, once with the token in the environment
and once with it in the vault (which imports ``cryptography``). Budgets: p99 <= 1000 ms,
PSS <= 40 MB.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_memory import pss_kb, tree
from bench.common import Row, percentile
from bench.instance import MAKE, instance_env
from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi
from tools.supervisor_client import Supervisor
from trading.vault import Vault
from trading.vault.fileformat import TEST_KDF

N = 300
CHAT = 111
COMMANDS = ("/help", "/pnl", "/positions", "/trades", "/thoughts", "/risk")
P99_BUDGET_MS = 1000.0
PSS_BUDGET_MB = 40.0
PASSPHRASE = "bench passphrase, not a secret"


def _wait(cond: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.0005)


def _latencies(fake: FakeBotApi) -> list[float]:
    out = []
    for i in range(N):
        before = len(fake.sent)
        t0 = time.monotonic()
        fake.push_message(CHAT, COMMANDS[i % len(COMMANDS)])
        _wait(lambda: len(fake.sent) > before, 10.0, f"reply {i}")
        reply = max(fake.sent.values(), key=lambda m: m.message_id)
        out.append((reply.t - t0) * 1000.0)
    return out


@contextmanager
def _instance(vault: bool) -> Iterator[tuple[FakeBotApi, Supervisor]]:
    """A throw-away instance with telegram on; the token in the environment or the vault."""
    fake = FakeBotApi().start()
    home = Path(tempfile.mkdtemp(prefix="bi", dir="/tmp"))
    env = instance_env(home, BOT__TELEGRAM__ENABLED="true", BOT__TELEGRAM__API_URL=fake.url,
                       BOT__TELEGRAM__ALLOWED_CHAT_IDS=f"[{CHAT}]")
    if vault:
        Vault.create(home / "vault.bin", PASSPHRASE, kdf=TEST_KDF).set("telegram.token", TOKEN)
        env["BOT_VAULT_PASSPHRASE"] = PASSPHRASE
    else:
        env["BOT__TELEGRAM__TOKEN"] = TOKEN
    try:
        subprocess.run([*MAKE, "run"], env=env, check=True, capture_output=True)
        _wait(lambda: fake.calls_of("getUpdates"), 30.0, "the first getUpdates")
        yield fake, Supervisor(home / "run" / "supervisor.sock", home / "run" / "supervisord.pid")
    finally:
        subprocess.run([*MAKE, "stop"], env=env, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
        fake.go_away()


def _pss_mb(sup: Supervisor) -> float:
    pid = next(p["pid"] for p in sup.processes() if p["name"] == "telegram")
    return sum(pss_kb(p) for p in tree(pid)) / 1024


def run() -> list[Row]:
    with _instance(vault=False) as (fake, sup):
        for _ in range(20):  # warm-up: sessions, first ledger open
            _latencies_one(fake)
        lat = _latencies(fake)
        pss_env = _pss_mb(sup)
    with _instance(vault=True) as (fake, sup):
        for _ in range(50):
            _latencies_one(fake)
        pss_vault = _pss_mb(sup)
    return [Row("telegram reply latency p50", percentile(lat, 50), "ms", f"n={N}, loopback"),
            Row("telegram reply latency p99", percentile(lat, 99), "ms",
                f"budget {P99_BUDGET_MS:.0f} ms"),
            Row("telegram reply latency max", max(lat), "ms"),
            Row("telegram PSS (token in env)", pss_env, "MB", f"budget {PSS_BUDGET_MB:.0f} MB"),
            Row("telegram PSS (token in vault)", pss_vault, "MB",
                f"budget {PSS_BUDGET_MB:.0f} MB; imports cryptography")]


def _latencies_one(fake: FakeBotApi) -> None:
    before = len(fake.sent)
    fake.push_message(CHAT, "/help")
    _wait(lambda: len(fake.sent) > before, 10.0, "a warm-up reply")
