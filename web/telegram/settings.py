"""Whether the Telegram bot runs, and with what: config + the bot token.

``resolve(cfg, paths)`` returns ``Settings`` or raises ``Disabled`` with one line saying why
(the program then exits 0 and supervisord leaves it stopped). It runs only when
``telegram.enabled`` is true **and** a token is found:

1. ``telegram.token`` from the config, i.e. ``BOT__TELEGRAM__TOKEN`` or the config file
   (the environment wins over the file, as for every key);
2. else the vault's secret ``telegram.token`` (``python -m trading.vault set telegram.token``),
   opened with ``BOT_VAULT_PASSPHRASE`` / ``BOT_VAULT_PASSPHRASE_FILE``. The vault module (and
   ``cryptography``) is imported only when needed: it costs several MB of this process's
   memory budget.
The token is never part of any message, ``repr`` or exception text.

``telegram.daily_summary_utc`` ("20:00") and ``telegram.allowed_user_ids`` (empty: any member
of an allowed chat) come from the config like every other key.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from config import Config, Paths

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
VAULT_NAME = "telegram.token"
DAILY_SUMMARY_UTC = "20:00"


class Disabled(Exception):
    """The bot must not run; ``str(e)`` is one line for the log."""


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    api_url: str
    chat_ids: tuple[int, ...]
    user_ids: tuple[int, ...] = ()
    long_poll_s: int = 10
    confirm_s: float = 30.0
    executor_down_after_s: float = 20.0
    ping_every_s: float = 5.0
    daily_summary_utc: str = DAILY_SUMMARY_UTC


def _vault_token(paths: Paths, environ: Mapping[str, str] | None) -> str:
    if not paths.vault.exists():
        return ""
    from trading.vault import VaultError, load_secrets  # lazy: see the module docstring

    try:
        return load_secrets(paths, environ).get(VAULT_NAME, "")
    except VaultError as e:
        raise Disabled(f"telegram is enabled but the vault cannot be opened: {e}") from None


def resolve(cfg: Config, paths: Paths, environ: Mapping[str, str] | None = None) -> Settings:
    tg = cfg.telegram
    if not tg.enabled:
        raise Disabled("telegram.enabled is false")
    token = tg.token or _vault_token(paths, environ)
    if not token:
        raise Disabled("telegram is enabled but there is no bot token: run `python -m "
                       "trading.vault set telegram.token` or set BOT__TELEGRAM__TOKEN")
    if not TOKEN_RE.match(token):
        raise Disabled("the telegram bot token does not look like one from BotFather "
                       "(<digits>:<letters, digits, _ or ->)")
    return Settings(token=token, api_url=tg.api_url, chat_ids=tuple(tg.allowed_chat_ids),
                    user_ids=tuple(tg.allowed_user_ids), daily_summary_utc=tg.daily_summary_utc)
