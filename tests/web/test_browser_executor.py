"""Pause / Resume / Close all from the page change the HUD *and* the executor's state.

Needs the real executor (``procs/executor.py``): against the placeholder every click ends in
"executor unavailable", so this test fails until the executor answers its command channel.
"""
from __future__ import annotations

import pytest

from config import load_config
from ipc.facade import Facade
from procs.runtime import endpoints_for
from tests.polling import poll
from tests.web.browser import artifacts, browser_page, wait_js
from tests.web.support import Stack

pytestmark = pytest.mark.slow

PAUSED = "() => !document.getElementById('paused-badge').hidden"
RUNNING = "() => document.getElementById('paused-badge').hidden"


def executor_paused(stack: Stack) -> bool | None:
    facade = Facade(endpoints_for(load_config(stack.inst.env), stack.inst.paths), "test")
    reply = facade.status()
    return reply.result.get("paused") if reply.ok and isinstance(reply.result, dict) else None


def test_pause_and_resume_clicks_reach_the_executor_and_the_hud(stack: Stack) -> None:
    stack.wait_web()
    poll(lambda: executor_paused(stack) is False, 30.0, "the executor to answer, not paused")
    with browser_page() as (page, _):
        page.goto(f"{stack.url}/#token={stack.token}")
        wait_js(page, "() => document.body.dataset.ws === 'live'", 10.0)
        wait_js(page, RUNNING, 10.0)
        page.click("#btn-pause")
        wait_js(page, PAUSED, 10.0)
        assert poll(lambda: executor_paused(stack) is True, 10.0, "the executor to be paused")
        page.screenshot(path=str(artifacts() / "dashboard-paused.png"))
        page.click("#btn-resume")
        wait_js(page, RUNNING, 10.0)
        assert poll(lambda: executor_paused(stack) is False, 10.0, "the executor to resume")


def test_close_all_asks_first_and_cancel_sends_nothing(stack: Stack) -> None:
    stack.wait_web()
    with browser_page() as (page, _):
        page.goto(f"{stack.url}/#token={stack.token}")
        wait_js(page, "() => document.body.dataset.ws === 'live'", 10.0)
        page.click("#btn-close-all")
        wait_js(page, "() => document.getElementById('confirm-dialog').open", 5.0)
        page.click("#confirm-no")
        wait_js(page, "() => !document.getElementById('confirm-dialog').open", 5.0)
        assert page.locator(".toast").count() == 0  # nothing was sent, nothing reported
        page.click("#btn-close-all")
        page.click("#confirm-yes")
        wait_js(page, "() => document.querySelector('.toast') !== null", 10.0)
        assert "Close all" in page.inner_text(".toast")
