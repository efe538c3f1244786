"""Headless Chromium for the dashboard tests (Debian's ``/usr/bin/chromium`` via Playwright).

Never downloads a browser (``playwright install`` is not used): without ``/usr/bin/chromium``
the browser tests fail with a line saying how to install it. Screenshots go to
``$BOT_TEST_ARTIFACTS`` (default ``tests/artifacts/``, git-ignored).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from config import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


def artifacts() -> Path:
    path = Path(os.environ.get("BOT_TEST_ARTIFACTS") or REPO_ROOT / "tests" / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def browser_page(width: int = 1400, height: int = 900) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page and the list its console errors and page errors are appended to."""
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            yield page, errors
        finally:
            browser.close()


DIAGNOSE = """() => ({
  ws: document.body.dataset.ws, conn: document.getElementById('conn-status').textContent,
  prices: [...document.querySelectorAll('#scanner tbody tr .price')].map((n) => n.textContent),
  thoughts: document.querySelectorAll('#thought-feed li').length,
  pulse: document.querySelectorAll('#algo-pulse .pulse-row').length,
  health: [...document.querySelectorAll('#health .dot')].map((d) => d.title),
  candles: document.getElementById('chart').dataset.candles,
  mode: document.getElementById('mode-badge').textContent,
})"""


def wait_js(page: Page, predicate: str, timeout_s: float) -> None:
    """Wait until the JS arrow function ``predicate`` is truthy (CSP-safe: no string eval);
    on a timeout the failure shows what the page had."""
    try:
        page.wait_for_function(predicate, timeout=timeout_s * 1000, polling=100)
    except PlaywrightError as err:
        raise AssertionError(f"page not ready within {timeout_s} s: "
                             f"{page.evaluate(DIAGNOSE)}") from err
