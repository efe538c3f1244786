"""Cross-field rules that a single field's type cannot express.

Each ``_check_<topic>`` raises :class:`ConfigError` with one line naming the
key path, its value and what is allowed. They run after the types are valid.
"""
from __future__ import annotations

from config.errors import ConfigError
from config.schema import Config

#: ZeroMQ endpoints with ``runtime.bus_transport: tcp``: bus in, bus out, then commands.
TCP_PORTS_USED = 16


def check_rules(cfg: Config) -> None:
    _check_pairs(cfg)
    _check_strategies(cfg)
    _check_mode(cfg)
    _check_ports(cfg)


def _check_pairs(cfg: Config) -> None:
    seen: set[str] = set()
    for i, pair in enumerate(cfg.trading.pairs):
        if pair in seen:
            raise ConfigError(f"config error: trading.pairs[{i}] = {pair!r} is not allowed: "
                              "expected each pair once, it is listed twice")
        seen.add(pair)


def _check_strategies(cfg: Config) -> None:
    trend = cfg.strategies.trend
    if trend.fast >= trend.slow:
        raise ConfigError(f"config error: strategies.trend.fast = {trend.fast} is not allowed: "
                          f"expected less than strategies.trend.slow ({trend.slow})")
    if cfg.scanner.window_bars > cfg.trading.bar_capacity:
        raise ConfigError(f"config error: scanner.window_bars = {cfg.scanner.window_bars} is not "
                          f"allowed: expected at most trading.bar_capacity "
                          f"({cfg.trading.bar_capacity})")


def _check_mode(cfg: Config) -> None:
    if cfg.app.mode == "live" and cfg.market.source != "kraken":
        raise ConfigError(f"config error: app.mode = 'live' is not allowed with market.source = "
                          f"{cfg.market.source!r}: expected market.source: kraken for live trading")
    if cfg.app.mode == "live" and cfg.execution.broker != "kraken":
        raise ConfigError("config error: app.mode = 'live' is not allowed with execution.broker "
                          "= 'paper': expected execution.broker: kraken for live trading")
    if cfg.app.mode == "paper" and cfg.execution.broker == "kraken" \
            and cfg.market.source == "kraken":
        raise ConfigError("config error: execution.broker = 'kraken' is not allowed with "
                          "market.source = 'kraken' in app.mode = 'paper': real orders need "
                          "app.mode: live (and BOT_LIVE_CONFIRM=yes)")


def _check_ports(cfg: Config) -> None:
    ports = {"web.port": cfg.web.port, "sim.port": cfg.sim.port}
    if cfg.web.port == cfg.sim.port:
        raise ConfigError(f"config error: sim.port = {cfg.sim.port} is not allowed: "
                          "expected a port other than web.port's")
    if cfg.runtime.bus_transport != "tcp":
        return
    low = cfg.runtime.bus_tcp_port
    for key, port in ports.items():
        if low <= port < low + TCP_PORTS_USED:
            raise ConfigError(
                f"config error: runtime.bus_tcp_port = {low} is not allowed: its ports {low}-"
                f"{low + TCP_PORTS_USED - 1} overlap {key} = {port}; expected a range clear of it")
