"""Bad query parameters: 400 with one line naming the parameter, validated against the doc."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.support import AUTH, validate

CASES = [
    ("trades?limit=0", "limit must be 1..500, got 0"),
    ("trades?limit=501", "limit must be 1..500, got 501"),
    ("trades?limit=ten", "limit must be an integer 1..500, got 'ten'"),
    ("trades?limit=-1", "limit must be an integer"),
    ("trades?limit=1.5", "limit must be an integer"),
    ("trades?offset=-3", "offset must be an integer"),
    ("trades?pair=btcusd", "pair must look like BTC/USD, got 'btcusd'"),
    ("trades?since=yesterday", "since must be an integer"),
    ("trades?limit=5&limit=6", "parameter 'limit' given more than once"),
    ("trades?limt=5", "unknown parameter 'limt'; allowed: limit, offset, pair, since"),
    ("thoughts?n=0", "n must be 1..500, got 0"),
    ("thoughts?n=9999999999999999999", "n must be an integer"),
    ("performance?points=1", "points must be 2..2000, got 1"),
    ("candles", "pair is required, e.g. pair=BTC/USD"),
    ("candles?pair=DOGE/USD", "pair 'DOGE/USD' is not traded; known: BTC/USD, ETH/USD"),
    ("candles?pair=BTC/USD&limit=513", "limit must be 1..512, got 513"),
    ("status?verbose=1", "unknown parameter 'verbose'; allowed: none"),
    ("scanner?x=", "unknown parameter 'x'"),
    ("positions?pair=BTC/USD", "unknown parameter 'pair'"),
    ("strategies?a=1", "unknown parameter 'a'"),
    ("risk?a=1", "unknown parameter 'a'"),
]


@pytest.mark.parametrize(("path", "message"), CASES)
def test_bad_parameter_is_400_with_a_message(client: FlaskClient, path: str,
                                             message: str) -> None:
    resp = client.get(f"/api/v1/{path}", headers=AUTH)
    assert resp.status_code == 400
    body = resp.get_json()
    validate(f"/api/v1/{path.split('?')[0]}", "get", 400, body)
    assert message in body["error"]
    assert "\n" not in body["error"]


def test_a_control_post_with_parameters_is_refused_before_the_executor(
        client: FlaskClient) -> None:
    resp = client.post("/api/v1/control/pause?force=1", headers=AUTH)
    assert resp.status_code == 400
    assert "unknown parameter 'force'" in resp.get_json()["error"]


def test_unknown_api_route_and_method_are_json_errors(client: FlaskClient) -> None:
    missing = client.get("/api/v1/nope", headers=AUTH)
    assert (missing.status_code, missing.get_json()) == (
        404, {"error": "not found: GET /api/v1/nope"})
    wrong = client.get("/api/v1/control/pause", headers=AUTH)
    assert wrong.status_code == 405 and "method not allowed" in wrong.get_json()["error"]
