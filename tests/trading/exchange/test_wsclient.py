"""KrakenWS against a local WebSocket double that sends Kraken's documented messages."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import WSMsgType, web

from tests.polling import poll
from tests.trading.exchange.conftest import fixture_text
from tests.trading.exchange.ws_double import WsDouble
from trading.exchange import ws
from trading.exchange.ws import BadWsMessage, BookMsg, Event, OhlcMsg, StatusMsg, SubscribeAck
from trading.exchange.wsclient import KrakenWS

SUBS = [ws.subscribe_ohlc(["ALGO/USD"], 5), ws.subscribe_book(["BTC/USD"], 10)]


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.bad: list[BadWsMessage] = []
        self.reconnects = 0
        self.disconnects = 0

    def of(self, cls: type) -> list[Event]:
        return [e for e in self.events if isinstance(e, cls)]


@contextmanager
def running(client: KrakenWS) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        client.close()
        thread.join(timeout=10)
        assert not thread.is_alive()


def make_client(url: str, rec: Recorder, **kw: float) -> KrakenWS:
    def on_reconnect() -> None:
        rec.reconnects += 1

    def on_disconnect() -> None:
        rec.disconnects += 1

    options = {"backoff_base_s": 0.05, "backoff_cap_s": 0.2, "poll_s": 0.05} | kw
    return KrakenWS(url, rec.events.append, SUBS, on_reconnect=on_reconnect,
                    on_disconnect=on_disconnect, on_bad=rec.bad.append,
                    **options)  # type: ignore[arg-type]


async def drop_after_samples(conn: int, sock: web.WebSocketResponse, double: WsDouble) -> None:
    await double.wait_for(conn, len(SUBS))
    await sock.send_str(fixture_text("ws_status.json"))
    if conn == 0:
        await sock.send_str(fixture_text("ws_ohlc_subscribe_ack.json"))
        await sock.send_str(fixture_text("ws_ohlc_snapshot.json"))
        await sock.send_str(fixture_text("ws_book_checksum_example.json"))
        await sock.send_str('{"channel": "book", "type": "upd')          # truncated
        await sock.send_str('{"channel": "ticker", "data": []}')          # unknown channel
        await sock.send_frame(b'{"channel": "\xff"}', WSMsgType.TEXT)     # not UTF-8
        await sock.send_str(fixture_text("ws_subscribe_error.json"))
        await sock.send_str(fixture_text("ws_heartbeat.json"))
        await sock.close()                                               # drop the connection
    else:
        await sock.send_str(fixture_text("ws_ohlc_update.json"))


def test_reconnects_resubscribes_and_calls_on_reconnect() -> None:
    rec = Recorder()
    with WsDouble(drop_after_samples) as double:
        client = make_client(double.url, rec)
        with running(client):
            poll(lambda: len(rec.of(StatusMsg)) >= 2, 10, "a second connection's status")
            poll(lambda: rec.of(OhlcMsg) and rec.of(OhlcMsg)[-1].pair == "MATIC/USD", 10,
                 "the update sent after reconnecting")
            assert rec.reconnects == 1 and rec.disconnects >= 1
            assert double.received[0][:2] == SUBS and double.received[1][:2] == SUBS
            (book,) = rec.of(BookMsg)
            assert isinstance(book, BookMsg) and book.checksum == 3310070434
            assert len(rec.of(OhlcMsg)) == 3
            acks = rec.of(SubscribeAck)
            assert [a.success for a in acks] == [True, False]  # type: ignore[attr-defined]
            assert len(rec.bad) == 3 and sum(client.bad_counts.values()) == 3
            assert "UnicodeDecodeError" in str(rec.bad[-1])  # not UTF-8: dropped, still connected
            assert client.send(ws.unsubscribe_book(["BTC/USD"], 10))
            poll(lambda: any(m.get("method") == "unsubscribe" for m in double.received[1]), 5,
                 "the unsubscribe to arrive")


async def silent_first(conn: int, sock: web.WebSocketResponse, double: WsDouble) -> None:
    await double.wait_for(conn, len(SUBS))
    await sock.send_str(fixture_text("ws_status.json"))
    # then nothing at all on connection 0 (pings unanswered): the client must give up on it


def test_dead_connection_is_pinged_then_replaced() -> None:
    rec = Recorder()
    with WsDouble(silent_first) as double:
        double.mute_pings.add(0)
        client = make_client(double.url, rec, ping_interval_s=0.2, dead_after_s=0.8)
        with running(client):
            poll(lambda: len(double.received) >= 2 and len(double.received[1]) >= len(SUBS),
                 10, "a reconnect after the silent connection")
            assert any(m.get("method") == "ping" for m in double.received[0])
            assert rec.reconnects >= 1
            # connection 1 answers pings, so it stays up while pings flow
            poll(lambda: any(m.get("method") == "ping" for m in double.received[1]), 5,
                 "a ping on the healthy connection")
            assert len(double.received) == 2


def test_unreachable_server_backs_off_until_stopped() -> None:
    rec = Recorder()
    client = make_client("ws://127.0.0.1:9/v2", rec, connect_timeout_s=0.5)
    with running(client):
        poll(lambda: client.failed_connects >= 3, 10, "repeated connection attempts")
        assert not client.connected and not client.send(ws.ping(1))
        assert rec.reconnects == 0 and rec.events == []
