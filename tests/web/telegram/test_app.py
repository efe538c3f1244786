"""The whole bot in process: fake Bot API, a real bus proxy, a stub executor facade."""
from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq

from ipc.bus import Publisher, run_proxy
from ipc.endpoints import Endpoints
from tests.polling import poll
from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.web.telegram.stubs import StubFacade
from web.telegram.app import TelegramBot
from web.telegram.settings import Settings


@pytest.fixture
def bus() -> Iterator[Endpoints]:
    run_dir = Path(tempfile.mkdtemp(prefix="tg", dir="/tmp"))
    eps = Endpoints.for_run_dir(run_dir)
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    thread = threading.Thread(target=run_proxy, args=(eps.bus_in, eps.bus_out, ctx), daemon=True)
    thread.start()
    yield eps
    ctx.term()
    thread.join(5)
    shutil.rmtree(run_dir, ignore_errors=True)


def start_bot(fake: FakeBotApi, eps: Endpoints, facade: StubFacade, tmp: Path,
              **kw: float) -> TelegramBot:
    settings = Settings(token=TOKEN, api_url=fake.url, chat_ids=(111,), long_poll_s=1, **kw)
    bot = TelegramBot(settings, facade, eps.bus_out, tmp / "bot.db",  # type: ignore[arg-type]
                      threading.Event())
    bot.start()
    return bot


def test_commands_strangers_and_bus_alerts(fake_api: FakeBotApi, bus: Endpoints,
                                           tmp_path: Path) -> None:
    facade = StubFacade()
    bot = start_bot(fake_api, bus, facade, tmp_path)
    pub = Publisher(bus.bus_in, "watchdog")
    try:
        fake_api.push_message(111, "/help")
        poll(lambda: any("/kill - " in m.text for m in fake_api.messages(111)), 5, "/help reply")
        assert bot.heartbeat_state() == "polling"

        fake_api.push_message(222, "/pnl")
        poll(lambda: ("audit", {"source": "telegram", "who": "222", "action": "/pnl",
                                "result": "refused"}) in facade.calls, 5, "the refusal audit")
        assert fake_api.messages(222) == []

        def alerted() -> bool:
            pub.publish("alert", "scanner-0", level="error", text="scanner-0 died <boom>")
            return any("❗ scanner-0 died &lt;boom&gt;" in m.text for m in fake_api.messages(111))
        poll(alerted, 10, "the alert in chat 111", interval_s=0.3)
    finally:
        pub.close()
        bot.stop(timeout_s=2.0)
    assert [t.name for t in bot._threads if t.is_alive()] in ([], ["tg-poller"])  # long poll


def test_an_unreachable_executor_is_reported(fake_api: FakeBotApi, bus: Endpoints,
                                             tmp_path: Path) -> None:
    bot = start_bot(fake_api, bus, StubFacade(up=False), tmp_path, executor_down_after_s=0.5,
                    ping_every_s=0.2)
    try:
        poll(lambda: any("executor unreachable" in m.text for m in fake_api.messages(111)),
             10, "the executor-unreachable alert")
    finally:
        bot.stop()
