"""Kraken exchange client: signing, book checksums, REST and WebSocket v2.

Only the pure, dependency-free helpers are exported here so that importing the package stays
cheap (the emulator and tests import it); ``requests`` and ``websocket`` are imported only by
their own modules. Module map:

- :mod:`.auth` ``kraken_signature``; :mod:`.checksum` ``book_checksum``
- :mod:`.rest` ``KrakenREST`` (over :mod:`.transport`, :mod:`.restparse`); :mod:`.symbols`
  ``PairMap``/``PairInfo``; :mod:`.errors`; :mod:`.ratelimit` ``CallCounter``/``backoff``;
  :mod:`.nonce` ``NonceSource``
- :mod:`.ws` ``parse`` + typed events + request builders (no I/O); :mod:`.wsclient`
  ``KrakenWS`` (the connection); :mod:`.book` ``OrderBook``; :mod:`.bars` ``BarAssembler``
- :mod:`.sim`: the built-in emulator (separate owner)
"""

from trading.exchange.auth import kraken_signature
from trading.exchange.checksum import book_checksum

__all__ = ["kraken_signature", "book_checksum"]
