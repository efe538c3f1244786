"""Fixtures for the dashboard tests: an app on a fake executor, and a whole running stack.

``app``/``client`` serve the real Flask app over Flask's test client with a fake command
facade (it records every call), a real read-only ledger under ``tmp_path`` and no threads.
``stack`` (session-scoped, slow) is a whole instance under supervisord with the emulator's
fast market (0.25 s bars), served by the real gunicorn exactly as ``make run`` starts it.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import Paths, load_config
from ipc.endpoints import Endpoints
from shared.shm import remove_namespace
from tests.conftest import Instance
from tests.web import ledger_data, market_data
from tests.web.support import TOKEN, FakeCommands, Stack
from web.app import create_app
from web.context import WebContext


@pytest.fixture
def commands() -> FakeCommands:
    return FakeCommands()


@pytest.fixture
def ctx(tmp_path: Path, commands: FakeCommands) -> Iterator[WebContext]:
    """A context on a fresh BOT_HOME and namespace (no ledger, no stores yet), never started."""
    home = tmp_path / "home"
    home.mkdir()
    namespace = "w" + uuid.uuid4().hex[:8]
    cfg = load_config({"BOT__WEB__TOKEN": TOKEN, "BOT__RUNTIME__NAMESPACE": namespace,
                       "BOT__AI__WEIGHTS__TREND": "2.5"})
    c = WebContext.create(cfg, Paths(home=home), TOKEN, commands=commands,
                          endpoints=Endpoints.for_tcp("127.0.0.1", 1))
    yield c
    c.stop()
    remove_namespace(namespace)


@pytest.fixture
def filled(ctx: WebContext) -> Iterator[WebContext]:
    """``ctx`` with the hand-computed ledger of ``ledger_data`` and shared-memory stores."""
    ledger_data.write(ctx.paths.db)
    bars, books = market_data.write(ctx.cfg.runtime.namespace, ctx.cfg.trading.pairs)
    yield ctx
    ctx.market.close()
    bars.close()
    books.close()


@pytest.fixture
def app(ctx: WebContext) -> Flask:
    return create_app(ctx)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """One stack for every slow dashboard test; tests that kill or stop a program wait until
    it is back before they return."""
    inst = Instance.new(BOT__SIM__BAR_SECONDS="0.25")
    try:
        out = inst.make("run")
        assert out.returncode == 0, out.stdout + out.stderr
        yield Stack(inst, out.stdout)
    finally:
        inst.teardown()
