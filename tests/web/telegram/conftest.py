"""Fixtures of the Telegram tests: a fake Bot API server on 127.0.0.1, and the whole stack
(``instance`` + ``market``) started by ``make run`` with the telegram program enabled and
pointed at that server."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Instance
from tests.procs.conftest import market  # noqa: F401  (the fixture, for tg_market)
from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi

ALLOWED, OTHER_ALLOWED, STRANGER = 111, 333, 222


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.go_away()


@pytest.fixture
def tg_env(instance: Instance, fake_api: FakeBotApi) -> Instance:
    """The instance's environment as the issue gives it (set before ``make run``)."""
    instance.env.update({
        "BOT__TELEGRAM__ENABLED": "true", "BOT__TELEGRAM__TOKEN": TOKEN,
        "BOT__TELEGRAM__API_URL": fake_api.url,
        "BOT__TELEGRAM__ALLOWED_CHAT_IDS": f"[{ALLOWED}, {OTHER_ALLOWED}]"})
    return instance


@pytest.fixture
def tg_market(tg_env: Instance, market: Instance) -> Instance:  # noqa: F811
    """``make run`` (0.25 s bars) with telegram enabled against ``fake_api``."""
    return market
