"""The built-in Kraken emulator: a seeded market, an order book, a matching engine and a server.

Modules, bottom up: ``pairs`` (AssetPairs-like facts), ``pricepath`` (one pair's GARCH +
regime price process), ``market`` (bars, the forming bar, the market clock), ``orderbook``
(L2 book with walls / voids / spoofs, depth diffs), ``orders`` + ``matching`` (AddOrder checks,
fills, fees, balances), ``venue`` (all of it, no I/O), ``auth`` (API-Sign / nonce checks),
``faults`` (test faults), ``wire`` (exact wire formats), ``rest`` / ``ws`` / ``server`` (aiohttp).

Only :func:`load_or_create_keys` is exported here so that the Kraken broker can read the
emulator's API key without importing aiohttp or the simulator; the server lives in
:mod:`trading.exchange.sim.server` and is started by the ``exchange-sim`` program.
"""
from trading.exchange.sim.keys import load_or_create_keys

__all__ = ["load_or_create_keys"]
