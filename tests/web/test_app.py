"""The page, its static files and the headers every response carries."""
from __future__ import annotations

import base64
import hashlib
import re

from flask.testing import FlaskClient

from web.app import CSP, LWC_STYLE_HASH, STATIC

VENDOR = STATIC / "vendor" / "lightweight-charts-5.2.1"


def test_index_is_public_uncached_and_strictly_confined(client: FlaskClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200 and b"AI Thought Feed" in resp.data
    assert resp.headers["Cache-Control"] == "no-cache"
    assert resp.headers["Content-Security-Policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
    assert (resp.headers["X-Frame-Options"], resp.headers["Referrer-Policy"]) == (
        "DENY", "no-referrer")


def test_every_file_the_page_references_is_served(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    refs = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert len(refs) >= 4
    for ref in refs:
        assert client.get(ref).status_code == 200, ref
    for module in (STATIC / "js").glob("*.js"):
        for imported in re.findall(r'from "\./([a-z]+\.js)"', module.read_text()):
            assert (STATIC / "js" / imported).is_file(), f"{module.name} imports {imported}"
    assert client.get("/favicon.ico").status_code == 200


def test_the_chart_library_is_vendored_with_its_licence() -> None:
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    lib = (VENDOR / "lightweight-charts.standalone.production.js").read_text()
    assert "TradingView Lightweight Charts" in lib and "v5.2.1" in lib[:300]


def test_the_csp_hash_allows_exactly_the_librarys_style_element() -> None:
    lib = (VENDOR / "lightweight-charts.standalone.production.js").read_text()
    [css] = re.findall(r'createElement\("style"\),this\.\w+\.innerText="([^"]*)"', lib)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert LWC_STYLE_HASH == f"'sha256-{digest}'"
