"""The typed, frozen shape of the bot's configuration.

Every section is a frozen ``msgspec.Struct`` that forbids unknown fields, so a
typo in a key is an error rather than a silently ignored setting. Ranges and
patterns are declared next to each field with ``Meta``; cross-field rules live
in :mod:`config.rules`. Defaults here mirror ``config/config.yaml``, which is
the user-facing list of every key (the loader always starts from that file).

Adding a key: add the field here with its constraint, add it with a comment to
``config.yaml``, and add a row to the README's config table.
"""
from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

PAIR_PATTERN = r"^[A-Z0-9]{2,10}/[A-Z0-9]{2,10}$"
NAMESPACE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,15}$"

Port = Annotated[int, Meta(ge=1, le=65535)]
Fraction = Annotated[float, Meta(gt=0.0, le=1.0)]
PositiveFloat = Annotated[float, Meta(gt=0.0)]
Pair = Annotated[str, Meta(pattern=PAIR_PATTERN)]


class Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base of every config section: immutable, unknown keys rejected."""


class App(Section):
    mode: Literal["paper", "live"] = "paper"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Runtime(Section):
    namespace: Annotated[str, Meta(pattern=NAMESPACE_PATTERN)] = "main"
    bus_transport: Literal["ipc", "tcp"] = "ipc"
    bus_tcp_port: Annotated[int, Meta(ge=1024, le=65000)] = 5550
    heartbeat_seconds: Annotated[float, Meta(ge=0.1, le=60.0)] = 1.0
    start_timeout_seconds: Annotated[float, Meta(ge=5.0, le=600.0)] = 60.0


class Trading(Section):
    pairs: Annotated[tuple[Pair, ...], Meta(min_length=1, max_length=64)] = (
        "BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD",
        "ADA/USD", "DOT/USD", "LINK/USD", "LTC/USD",
    )
    timeframe_minutes: Literal[1, 5, 15, 30, 60, 240, 1440] = 1
    bar_capacity: Annotated[int, Meta(ge=64, le=4096)] = 512
    scan_interval_seconds: Annotated[float, Meta(ge=1.0, le=3600.0)] = 30.0


Period = Annotated[int, Meta(ge=2, le=500)]
Level = Annotated[float, Meta(ge=0.0, le=100.0)]
Multiple = Annotated[float, Meta(gt=0.0, le=20.0)]


class Trend(Section):
    """EMA crossover confirmed by ADX."""
    enabled: bool = True
    fast: Period = 12
    slow: Period = 26
    adx_period: Period = 14
    adx_min: Level = 25.0


class MeanReversion(Section):
    """Bollinger band touch + RSI extreme."""
    enabled: bool = True
    bb_period: Period = 20
    bb_k: Multiple = 2.0
    rsi_period: Period = 14
    rsi_low: Level = 30.0
    rsi_high: Level = 70.0


class Momentum(Section):
    """RSI thrust through a level + volume burst versus the recent average."""
    enabled: bool = True
    rsi_period: Period = 14
    rsi_thrust: Level = 60.0
    volume_period: Period = 20
    volume_burst: Multiple = 2.0


class Breakout(Section):
    """Close through recent swing high/low (support/resistance) on volume."""
    enabled: bool = True
    lookback: Period = 20
    volume_period: Period = 20
    volume_burst: Multiple = 1.5


class Reversal(Section):
    """Extreme RSI + candle pattern (engulfing, hammer, shooting star)."""
    enabled: bool = True
    rsi_period: Period = 14
    rsi_low: Level = 25.0
    rsi_high: Level = 75.0


class Strategies(Section):
    trend: Trend = msgspec.field(default_factory=Trend)
    mean_reversion: MeanReversion = msgspec.field(default_factory=MeanReversion)
    momentum: Momentum = msgspec.field(default_factory=Momentum)
    breakout: Breakout = msgspec.field(default_factory=Breakout)
    reversal: Reversal = msgspec.field(default_factory=Reversal)


class Scanner(Section):
    processes: Annotated[int, Meta(ge=1, le=16)] = 2
    window_bars: Annotated[int, Meta(ge=50, le=4096)] = 500


class Web(Section):
    host: Annotated[str, Meta(min_length=1, max_length=253)] = "127.0.0.1"
    port: Port = 8080
    token: str = ""


Url = Annotated[str, Meta(pattern=r"^(https?|wss?)://[^\s/]+(/[^\s]*)?$")]


class Market(Section):
    source: Literal["sim", "kraken"] = "sim"
    rest_url: Url = "https://api.kraken.com"
    ws_url: Url = "wss://ws.kraken.com/v2"


class Sim(Section):
    port: Port = 8765
    seed: Annotated[int, Meta(ge=0)] = 42
    bar_seconds: Annotated[float, Meta(ge=0.05, le=3600.0)] = 60.0
    history_bars: Annotated[int, Meta(ge=720, le=20000)] = 1000
    maker_fee: Annotated[float, Meta(ge=0.0, le=0.01)] = 0.0025
    taker_fee: Annotated[float, Meta(ge=0.0, le=0.01)] = 0.004
    start_balance_usd: Annotated[float, Meta(gt=0.0)] = 10000.0


class Feed(Section):
    backfill_bars: Annotated[int, Meta(ge=500, le=720)] = 720
    book_depth: Literal[10, 25] = 25
    book_publish_hz: Annotated[float, Meta(gt=0.0, le=50.0)] = 10.0


class Risk(Section):
    kelly_fraction: Fraction = 0.25
    max_risk_per_trade: Annotated[float, Meta(gt=0.0, le=0.1)] = 0.01
    max_daily_loss: Annotated[float, Meta(gt=0.0, le=0.5)] = 0.05
    max_risk_of_ruin: Fraction = 0.01
    max_open_positions: Annotated[int, Meta(ge=1, le=64)] = 3
    cooldown_minutes: Annotated[float, Meta(ge=0.0, le=10080.0)] = 30.0
    stop_atr_multiple: Annotated[float, Meta(gt=0.0, le=20.0)] = 2.0
    trail_atr_multiple: Annotated[float, Meta(gt=0.0, le=20.0)] = 2.0
    breakeven_at_r: Annotated[float, Meta(gt=0.0, le=20.0)] = 1.0
    kelly_min_trades: Annotated[int, Meta(ge=1, le=10000)] = 20
    drawdown_halt: Annotated[float, Meta(gt=0.0, le=1.0)] = 0.25


class Execution(Section):
    broker: Literal["paper", "kraken"] = "paper"
    order_timeout_seconds: Annotated[float, Meta(ge=1.0, le=120.0)] = 10.0


Weight = Annotated[float, Meta(ge=0.0, le=10.0)]


class Weights(Section):
    """Base confluence weight of each strategy (adjusted by its realised hit rate)."""
    trend: Weight = 1.0
    mean_reversion: Weight = 1.0
    momentum: Weight = 1.0
    breakout: Weight = 1.0
    reversal: Weight = 1.0


class AI(Section):
    confluence_threshold: Annotated[int, Meta(ge=1, le=5)] = 3
    min_confidence: Annotated[float, Meta(ge=0.0, le=1.0)] = 0.65
    book_levels: Annotated[int, Meta(ge=1, le=25)] = 10
    imbalance_confirm: Annotated[float, Meta(ge=0.0, le=1.0)] = 0.1
    whale_multiple: Annotated[float, Meta(ge=1.5, le=100.0)] = 5.0
    void_fraction: Annotated[float, Meta(gt=0.0, lt=1.0)] = 0.1
    spoof_seconds: Annotated[float, Meta(gt=0.0, le=60.0)] = 3.0
    intent_ttl_seconds: Annotated[float, Meta(ge=0.5, le=60.0)] = 5.0
    signal_memory_bars: Annotated[int, Meta(ge=0, le=50)] = 5
    weights: Weights = msgspec.field(default_factory=Weights)


class Telegram(Section):
    enabled: bool = False
    token: str = ""
    api_url: Annotated[str, Meta(pattern=r"^https?://[^\s/]+(/[^\s]*)?$")] = (
        "https://api.telegram.org"
    )
    allowed_chat_ids: tuple[int, ...] = ()
    allowed_user_ids: tuple[int, ...] = ()
    daily_summary_utc: Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "20:00"


class Config(Section):
    """The whole configuration; built only by :func:`config.load_config`."""

    app: App = msgspec.field(default_factory=App)
    runtime: Runtime = msgspec.field(default_factory=Runtime)
    trading: Trading = msgspec.field(default_factory=Trading)
    web: Web = msgspec.field(default_factory=Web)
    market: Market = msgspec.field(default_factory=Market)
    sim: Sim = msgspec.field(default_factory=Sim)
    feed: Feed = msgspec.field(default_factory=Feed)
    strategies: Strategies = msgspec.field(default_factory=Strategies)
    scanner: Scanner = msgspec.field(default_factory=Scanner)
    risk: Risk = msgspec.field(default_factory=Risk)
    execution: Execution = msgspec.field(default_factory=Execution)
    ai: AI = msgspec.field(default_factory=AI)
    telegram: Telegram = msgspec.field(default_factory=Telegram)


#: Key paths whose values are secrets: never logged, never shown, never published.
SECRET_KEYS: tuple[str, ...] = ("web.token", "telegram.token")
