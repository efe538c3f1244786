"""supervisord event listener: process-state changes become ``alert`` events.

Subscribed (in supervisord.conf) to PROCESS_STATE_EXITED, _BACKOFF, _FATAL
and _RUNNING. EXITED fires only for a process that was RUNNING; a death while
STARTING shows up as BACKOFF, and FATAL means supervisord gave up. Each failure
is published on the bus as ``alert`` with ``key`` = the program name, so the
dashboard and Telegram can tell the user; RUNNING after a failure becomes an
``info`` alert that the program recovered.

Caveats: stdout is supervisord's protocol channel, so this process must never
print to it (logs go to stderr). An alert about the bus itself cannot travel
while the bus is down, so it is held until supervisord reports the new bus
RUNNING (after ``startsecs``, by which time publishers and subscribers have
reconnected) and published then.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from supervisor import childutils

from ipc import messages
from procs.runtime import boot

logger = logging.getLogger(__name__)
NAME = "watchdog"
BUS = "bus"
_LEVELS = {"PROCESS_STATE_EXITED": "error", "PROCESS_STATE_BACKOFF": "warning",
           "PROCESS_STATE_FATAL": "critical", "PROCESS_STATE_RUNNING": "info"}


def alert_for(event: str, data: dict[str, str]) -> dict[str, Any]:
    """The alert fields for one supervisord event (pure, for tests and the loop)."""
    program = data.get("processname", "?")
    group = data.get("groupname", program)
    name = program if group == program else f"{group}:{program}"
    expected = data.get("expected") == "1"
    level = "info" if expected else _LEVELS.get(event, "warning")
    if event == "PROCESS_STATE_EXITED":
        how = "exited as expected" if expected else "died unexpectedly"
        text = f"{name} {how} (pid {data.get('pid', '?')}); supervisord restarts it"
    elif event == "PROCESS_STATE_BACKOFF":
        text = f"{name} failed while starting (try {data.get('tries', '?')}); retrying"
    elif event == "PROCESS_STATE_FATAL":
        text = f"{name} keeps failing; supervisord gave up (FATAL): check `make logs`"
    elif event == "PROCESS_STATE_RUNNING":
        text = f"{name} is running again"
    else:
        text = f"{name}: {event}"
    return {"key": program, "level": level, "event": event, "program": name,
            "from_state": data.get("from_state", ""), "pid": data.get("pid"), "text": text}


class Alerts:
    """Which alerts to publish for each supervisord event (pure: no I/O).

    RUNNING is reported only for a program that failed before; alerts about the
    bus are held until the bus is RUNNING again.
    """

    def __init__(self) -> None:
        self.failed: set[str] = set()
        self.held: list[dict[str, Any]] = []

    def on_event(self, event: str, data: dict[str, str]) -> list[dict[str, Any]]:
        program = data.get("processname", "?")
        alert = alert_for(event, data)
        if event == "PROCESS_STATE_RUNNING":
            out, self.held = (self.held, []) if program == BUS else ([], self.held)
            if program in self.failed:
                self.failed.discard(program)
                out.append(alert)
            return out
        if alert["level"] != "info":
            self.failed.add(program)
        if program == BUS:
            self.held.append(alert)
            return []
        return [alert]


def main() -> None:
    rt = boot(NAME, on_stop=lambda: sys.exit(0))
    rt.heartbeat.start_thread()
    logger.info("watching supervisord process states")
    alerts = Alerts()
    try:
        while not rt.stopping.is_set():
            headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
            data, _ = childutils.eventdata(payload + "\n")
            for fields in alerts.on_event(headers["eventname"], data):
                rt.publisher.publish(messages.ALERT, **fields)
                logger.info("alert: %s", fields["text"], extra={"fields": fields})
            childutils.listener.ok(sys.stdout)
    finally:
        rt.close()


if __name__ == "__main__":
    main()
