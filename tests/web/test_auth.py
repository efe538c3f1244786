"""Every protected route refuses requests without the token, before any view runs."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import AUTH, TOKEN, FakeCommands, validate
from web.auth import bearer, protected, token_matches

WRONG = [{}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"},
         {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer "},
         {"Authorization": TOKEN}]


def gets(app: Flask) -> list[str]:
    return sorted(r.rule for r in app.url_map.iter_rules()
                  if "GET" in (r.methods or ()) and protected(r.rule))


def posts(app: Flask) -> list[str]:
    return sorted(r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or ()))


def test_the_protected_routes_are_the_api_and_metrics(app: Flask) -> None:
    assert "/metrics" in gets(app) and "/api/v1/status" in gets(app)
    assert posts(app) == ["/api/v1/control/close_all", "/api/v1/control/pause",
                          "/api/v1/control/resume"]
    assert not protected("/healthz") and not protected("/") and not protected("/static/x.js")


@pytest.mark.parametrize("headers", WRONG)
def test_get_without_a_valid_token_is_401(app: Flask, client: FlaskClient,
                                          headers: dict[str, str]) -> None:
    for rule in gets(app):
        resp = client.get(rule, headers=headers)
        assert resp.status_code == 401, rule
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        assert TOKEN not in resp.get_data(as_text=True)
        if rule.startswith("/api/v1/"):
            validate(rule, "get", 401, resp.get_json())


@pytest.mark.parametrize("headers", WRONG)
def test_post_without_a_valid_token_is_401_and_reaches_nothing(
        app: Flask, client: FlaskClient, commands: FakeCommands, headers: dict[str, str]) -> None:
    for rule in posts(app):
        resp = client.post(rule, headers=headers)
        assert resp.status_code == 401, rule
        validate(rule, "post", 401, resp.get_json())
    assert commands.calls == []


def test_the_token_opens_every_get(app: Flask, client: FlaskClient) -> None:
    for rule in gets(app):
        path = rule + ("?pair=BTC/USD" if rule.endswith("candles") else "")
        assert client.get(path, headers=AUTH).status_code == 200, rule


def test_token_comparison() -> None:
    assert token_matches("abc", "abc")
    assert not token_matches("abd", "abc") and not token_matches("ab", "abc")
    assert not token_matches("", "") and not token_matches(None, "abc")
    assert not token_matches("abc", "")


@pytest.mark.parametrize(("header", "expected"), [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None),
    ("", None), (None, None), ("abc", None)])
def test_bearer_header_parsing(header: str | None, expected: str | None) -> None:
    assert bearer(header) == expected
