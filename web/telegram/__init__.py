"""Telegram command center and alerts (run by the ``telegram`` program, ``procs/telegram.py``).

Module map (one job each):

- :mod:`.settings`   enabled? the token (config/env, else vault), allow-lists
- :mod:`.api`        the Bot API calls (pyTelegramBotAPI ``apihelper``) and the 429 gate
- :mod:`.poller`     the getUpdates loop with backoff; :mod:`.backoff`
- :mod:`.incoming`   raw updates -> ``Incoming``;  :mod:`.router` one update -> one reply
- :mod:`.auth`       the allow-list and refusals (logged and audited)
- :mod:`.control`    /pause /resume, and /close_all /kill behind :mod:`.confirm`
  (state machine in :mod:`.states`: ASKED -> CONFIRMED | REFUSED | EXPIRED)
- :mod:`.views`      the information commands (data from :mod:`.busstate`,
  :mod:`.ledger_view` and the facade), formatted by :mod:`.commands` with :mod:`.fmt`
- :mod:`.notices`    bus events -> alert lines; :mod:`.alerts` batching and rate limit;
  :mod:`.outbox` delivery with retries; :mod:`.watch` executor reachability, daily summary
- :mod:`.app`        the threads that run it all
"""
