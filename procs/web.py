"""Program ``web``: the dashboard (REST API, ``/ws/live``, static UI) under gunicorn.

Thin on purpose: boot (config, JSON logging, secrets registered), make sure the access token
exists (``${BOT_HOME}/web.token`` unless ``web.token`` is set), then run gunicorn in this
process with one gthread worker that builds the app after the fork (see ``web.server``).
SIGTERM: the arbiter stops the worker (live clients are closed first) and exits 0 within
a few seconds. A bad config or an unusable token file exits 2 with one line.
"""
from __future__ import annotations

import logging

from procs.logjson import add_secret
from procs.runtime import boot, fail
from web.server import serve
from web.token import TokenError, ensure_token

logger = logging.getLogger(__name__)


def main() -> None:
    rt = boot("web")
    try:
        add_secret(ensure_token(rt.paths, rt.cfg))
    except (TokenError, OSError) as err:
        fail(rt.name, str(err))
    logger.info("dashboard on http://%s:%d/ (token in %s)", rt.cfg.web.host, rt.cfg.web.port,
                "the config" if rt.cfg.web.token else rt.paths.home / "web.token")
    try:
        serve(rt.cfg)
    finally:
        rt.close()


if __name__ == "__main__":
    main()
