"""Program ``bus``: the ZeroMQ XSUB/XPUB proxy every event passes through.

Publishers connect to ``bus_in`` and subscribers to ``bus_out``, so any other
process restarts alone. The proxy holds no state: when it restarts, peers
reconnect by themselves within ~1 s; events published while it is down are
lost (PUB/SUB never stores). Exits 1 with one line if an endpoint is taken
(e.g. another instance uses the same BOT_HOME or TCP port).
"""
from __future__ import annotations

import logging
import sys

from ipc.bus import BusError, run_proxy
from procs.runtime import boot, fail

logger = logging.getLogger(__name__)
NAME = "bus"


def main() -> None:
    rt = boot(NAME, on_stop=lambda: sys.exit(0))
    rt.heartbeat.start_thread()
    try:
        run_proxy(rt.endpoints.bus_in, rt.endpoints.bus_out)
    except BusError as err:
        fail(NAME, str(err), code=1)
    finally:
        rt.close()


if __name__ == "__main__":
    main()
