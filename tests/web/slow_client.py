"""A WebSocket client that authenticates and then never reads (a stuck browser tab).

Its receive buffer is made tiny before connecting, so the server's socket fills quickly.
wsproto builds the handshake and the (masked) auth frame; after the 101 response nothing is
ever read again.
"""
from __future__ import annotations

import socket

import orjson
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage


class StuckClient:
    def __init__(self, port: int, token: str, rcvbuf: int = 4096) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        ws = WSConnection(ConnectionType.CLIENT)
        self.sock.sendall(ws.send(Request(host=f"127.0.0.1:{port}", target="/ws/live")))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)  # byte by byte: not one byte of the stream beyond it
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        ws.receive_data(head)
        events = list(ws.events())
        if not any(isinstance(e, AcceptConnection) for e in events):
            raise ConnectionError(f"handshake refused: {head[:80]!r}")
        self.sock.sendall(ws.send(TextMessage(orjson.dumps({"type": "auth",
                                                             "token": token}).decode())))

    def close(self) -> None:
        self.sock.close()
