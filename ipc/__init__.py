"""ZeroMQ plumbing: event bus (PUB/SUB through a proxy), command channel (REQ/REP), codec.

Modules: ``messages`` (names, stdlib only), ``codec`` (wire format), ``endpoints``
(endpoint strings, safe bind), ``bus`` (proxy, Publisher, Subscriber), ``command``
(CommandServer/CommandClient), ``heartbeat`` (Heartbeat, Liveness), ``facade`` (the one
command facade for web/Telegram/CLI). Nothing here imports ``config``: callers pass plain
endpoint strings. This file imports nothing so ``ipc.messages`` stays dependency-free.
"""
