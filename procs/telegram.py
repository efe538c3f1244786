"""Program ``telegram``: the Telegram command center and alerts (logic in ``web.telegram``).

Exits 0 at once when it is not configured (``telegram.enabled`` false, or no bot token in the
config, ``BOT__TELEGRAM__TOKEN`` or the vault): with ``startsecs=0``, ``exitcodes=0`` and
``autorestart=unexpected`` supervisord counts that as a normal exit and leaves it stopped.
Otherwise it is the one process that polls the bot token, answers allowed chats and pushes
alerts, until SIGTERM (it stops within ~2 s; a long-poll in flight is abandoned).
"""
from __future__ import annotations

import logging
import sys

from ipc.facade import Facade
from procs.logjson import add_secret
from procs.runtime import boot
from web.telegram.app import TelegramBot
from web.telegram.settings import Disabled, resolve

logger = logging.getLogger(__name__)
NAME = "telegram"


def main() -> None:
    rt = boot(NAME)
    try:
        settings = resolve(rt.cfg, rt.paths)
    except Disabled as e:
        level = logging.INFO if not rt.cfg.telegram.enabled else logging.ERROR
        logger.log(level, "telegram not started: %s", e)
        rt.close()
        sys.exit(0)
    add_secret(settings.token)  # e.g. a token from the vault: never in a log line
    beat_s = rt.cfg.runtime.heartbeat_seconds
    bot = TelegramBot(settings, Facade(rt.endpoints, NAME), rt.endpoints.bus_out, rt.paths.db,
                      rt.stopping, liveness_max_age_s=max(3 * beat_s, 1.5))
    rt.state = bot.heartbeat_state
    bot.start()
    try:
        while not rt.stopping.wait(min(0.5, beat_s)):
            rt.heartbeat.maybe_beat()
    finally:
        bot.stop()
        rt.close()


if __name__ == "__main__":
    main()
