"""A tiny Kraken REST test double on 127.0.0.1 (http.server in a thread).

It serves canned bodies per path, checks every private request like Kraken does (API-Key,
API-Sign over the exact body, strictly increasing nonce) and records what it received.
"""
from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from trading.exchange import kraken_signature

KEY = "test-api-key"
SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: str
    headers: dict[str, str]
    sign_ok: bool = True


@dataclass
class KrakenDouble:
    """Routes: path -> list of (status, body); the last entry repeats."""

    routes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    nonces: list[int] = field(default_factory=list)
    url: str = ""

    def route(self, path: str, *responses: tuple[int, str]) -> None:
        self.routes[path] = list(responses)

    def _next(self, path: str) -> tuple[int, str]:
        queue = self.routes.get(path)
        if not queue:
            return 404, '{"error":["EGeneral:Unknown method"]}'
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        seen = Seen(method, parsed.path, urllib.parse.parse_qs(parsed.query), body,
                    {k: v for k, v in handler.headers.items()})
        self.seen.append(seen)
        status, reply = self._next(parsed.path)
        if parsed.path.startswith("/0/private/"):
            status, reply = self._check_private(seen, status, reply)
        data = reply.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _check_private(self, seen: Seen, status: int, reply: str) -> tuple[int, str]:
        nonce = int(urllib.parse.parse_qs(seen.body)["nonce"][0])
        expected = kraken_signature(seen.path, seen.body, SECRET)
        headers = seen.headers
        seen.sign_ok = headers.get("API-Key") == KEY and headers.get("API-Sign") == expected
        if not seen.sign_ok:
            return 200, '{"error":["EAPI:Invalid signature"]}'
        if self.nonces and nonce <= self.nonces[-1]:
            return 200, '{"error":["EAPI:Invalid nonce"]}'
        self.nonces.append(nonce)
        return status, reply


@contextmanager
def serve(double: KrakenDouble) -> Iterator[KrakenDouble]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            double.handle(self, "GET")

        def do_POST(self) -> None:  # noqa: N802
            double.handle(self, "POST")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    double.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield double
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
