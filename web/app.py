"""The Flask app factory: ``create_app()`` for gunicorn, ``create_app(ctx)`` for tests.

Without a context it boots one from the environment (config, ``BOT_HOME``, the token) and
starts its threads, so it must run in the serving process after gunicorn forked
(``gunicorn 'web.app:create_app()'`` does that; so does ``web.server``). Routes: the page
at ``/`` and ``/static/*`` (public), ``/healthz`` (public), ``/metrics`` and ``/api/v1/*``
(token), ``/ws/live`` (token). Every response carries a strict Content-Security-Policy.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, send_from_directory

from config import Paths, load_config
from procs.logjson import add_secret
from web import (
    api_algo,
    api_control,
    api_ledger,
    api_market,
    api_status,
    auth,
    errors,
    metrics,
    openapi,
    ws,
)
from web.context import EXTENSION, WebContext
from web.token import ensure_token

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
#: The hash allows the one <style> element lightweight-charts 5.2.1 creates (its attribution
#: logo); recompute it when the vendored library changes (tests/web/test_app.py checks it).
LWC_STYLE_HASH = "'sha256-3pRED1tOXas1FXFoPb9TGCjmYe9XQsmO9OV23khV2nY='"
CSP = (f"default-src 'self'; script-src 'self'; style-src 'self' {LWC_STYLE_HASH}; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
BLUEPRINTS = (api_status.bp, api_ledger.bp, api_market.bp, api_algo.bp, api_control.bp,
              metrics.bp, openapi.bp)


def context_from_env() -> WebContext:
    """Config, paths and token from the environment, threads started."""
    cfg = load_config()
    paths = Paths.from_env()
    token = ensure_token(paths, cfg)
    add_secret(token)
    ctx = WebContext.create(cfg, paths, token)
    ctx.start()
    return ctx


def _headers(resp: Response) -> Response:
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp


def create_app(ctx: WebContext | None = None) -> Flask:
    ctx = ctx or context_from_env()
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")
    app.extensions[EXTENSION] = ctx
    app.config["SOCK_SERVER_OPTIONS"] = ws.OPTIONS
    app.json.sort_keys = False  # type: ignore[attr-defined]
    errors.install(app)
    auth.install(app, lambda: ctx.token)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    ws.sock.init_app(app)
    app.after_request(_headers)

    @app.get("/")
    def index() -> Response:
        resp = send_from_directory(STATIC, "index.html")
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml")

    return app
