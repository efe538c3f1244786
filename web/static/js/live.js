// The /ws/live connection: token as the first message, reconnect with backoff, staleness.
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const STALE_MS = 5000;

export class LiveSocket {
  // handlers: onMessage(msg), onState(state, detail) with state connecting|live|stale|offline,
  // onUnauthorized()
  constructor(token, handlers) {
    this.token = token;
    this.h = handlers;
    this.backoff = BACKOFF_MIN_MS;
    this.lastMessage = 0;
    this.ws = null;
    this.retryAt = 0;
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), 1000);
  }

  url() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return `${proto}//${location.host}/ws/live`;
  }

  connect() {
    if (this.stopped) return;
    this.state("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: this.token }));
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = (ev) => this.closed(ev);
    ws.onerror = () => {};  // onclose follows
  }

  receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    this.lastMessage = Date.now();
    if (this.backoff !== BACKOFF_MIN_MS) this.backoff = BACKOFF_MIN_MS;
    this.state("live");
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (m.type === "error") continue;
      this.h.onMessage(m);
    }
  }

  closed(ev) {
    this.ws = null;
    if (ev.code === 4401) { this.stopped = true; this.state("offline", "unauthorized"); this.h.onUnauthorized(); return; }
    const wait = Math.round(this.backoff * (0.75 + Math.random() * 0.5));
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.retryAt = Date.now() + wait;
    this.state("offline", wait);
    setTimeout(() => this.connect(), wait);
  }

  tick() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.lastMessage) {
      const age = Date.now() - this.lastMessage;
      this.state(age > STALE_MS ? "stale" : "live", age);
    } else if (!this.ws && this.retryAt && !this.stopped) {
      this.state("offline", Math.max(0, this.retryAt - Date.now()));
    }
  }

  state(s, detail) {
    this.current = s;
    this.h.onState(s, detail);
  }
}
