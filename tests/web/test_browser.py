"""The dashboard in headless Chromium against the real stack and the emulator.

Panels fill within 10 s of opening the page, the chart draws candles, thoughts keep
streaming, the page obeys its Content-Security-Policy (no violations), and it recovers by
itself after the ``web`` program is killed with SIGKILL and supervisord restarts it.
Screenshots: ``tests/artifacts/dashboard*.png`` (see ``tests/web/browser.py``).
"""
from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import Page

from tests.polling import poll
from tests.web.browser import artifacts, browser_page, wait_js
from tests.web.support import Stack

pytestmark = pytest.mark.slow

FILLED = """() => {
  const q = (s) => document.querySelectorAll(s);
  const prices = [...q('#scanner tbody tr .price')].map((n) => n.textContent);
  return prices.length === 8 && prices.every((t) => t !== '—')
    && q('#scanner tbody tr .spark polyline').length === 8
    && q('#thought-feed li').length > 0
    && q('#algo-pulse .pulse-row').length === 5
    && q('#risk-shield .gauge svg').length === 4
    && q('#health .dot[data-health="ok"]').length >= 6
    && document.getElementById('mode-badge').textContent === 'PAPER'
    && document.getElementById('hud-uptime').textContent !== '—'
    && Number(document.getElementById('chart').dataset.candles) >= 100
    && document.querySelector('#chart canvas') !== null
    && document.body.dataset.ws === 'live';
}"""
NEWEST = ("() => { const li = document.querySelector('#thought-feed li');"
          " return li && li.dataset.key; }")


def newest(page: Page) -> str:
    return str(page.evaluate(NEWEST))


def wait_new_thought(page: Page, after: str, timeout_s: float) -> None:
    wait_js(page, f"() => {{ const li = document.querySelector('#thought-feed li');"
                  f" return li && li.dataset.key !== {after!r}; }}", timeout_s)


def test_panels_fill_stream_and_recover_after_the_web_program_is_killed(stack: Stack) -> None:
    stack.wait_web()
    with browser_page() as (page, errors):
        page.goto(f"{stack.url}/#token={stack.token}")
        assert "token" not in page.url  # taken out of the address bar
        wait_js(page, FILLED, 10.0)
        assert page.evaluate("() => document.querySelector('#chart canvas').width") > 100
        first = newest(page)
        wait_new_thought(page, first, 10.0)  # thoughts stream in
        page.screenshot(path=str(artifacts() / "dashboard.png"), full_page=True)

        old = stack.wait_web()
        os.kill(old, signal.SIGKILL)
        wait_js(page, "() => document.body.dataset.ws !== 'live'", 15.0)
        new = poll(lambda: (p := stack.wait_web()) != old and p, 30.0, "web to be restarted")
        assert new != old
        wait_js(page, "() => document.body.dataset.ws === 'live'", 30.0)
        wait_new_thought(page, newest(page), 15.0)  # streaming again, without a reload
        wait_js(page, FILLED, 10.0)
        page.screenshot(path=str(artifacts() / "dashboard-recovered.png"), full_page=True)
    csp = [e for e in errors if "Content Security Policy" in e or "pageerror" in e]
    assert csp == []


def test_phone_layout_and_the_token_prompt(stack: Stack) -> None:
    with browser_page(390, 844) as (page, errors):
        page.goto(stack.url + "/")
        wait_js(page, "() => document.getElementById('token-dialog').open", 5.0)
        page.fill("#token-input", stack.token)
        page.click("#token-dialog button[type=submit]")
        wait_js(page, FILLED, 10.0)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390  # nothing sticks out sideways on a phone
        page.screenshot(path=str(artifacts() / "dashboard-phone.png"), full_page=True)
    assert [e for e in errors if "pageerror" in e] == []


def test_a_wrong_token_asks_again_instead_of_showing_data(stack: Stack) -> None:
    with browser_page() as (page, _):
        page.goto(f"{stack.url}/#token=wrong-token")
        wait_js(page, "() => document.getElementById('token-dialog').open", 10.0)
        assert page.inner_text("#conn-status") == "NO ACCESS"
        assert page.locator("#scanner tbody tr").count() == 0
