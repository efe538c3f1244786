// AI Thought Feed: thoughts from the scanner, scorer and executor, plus intents, orders,
// fills and alerts as they happen. Newest on top, at most MAX_ITEMS, duplicates skipped.
// Items received within one animation frame are inserted together (one layout, not many).
import { $, clock, el, isNum, num, price } from "./util.js";

const MAX_ITEMS = 80;

function describe(m) {
  const d = m.data || {};
  switch (m.type) {
    case "thought": return d.text || "";
    case "intent":
      return `INTENT ${String(d.side || "").toUpperCase()} ${d.pair || m.key} @ ${price(num(d.price))}`
        + ` · ${d.confluence ?? "?"} agree` + (isNum(d.probability) ? ` · p=${d.probability.toFixed(2)}` : "");
    case "order": return `ORDER ${d.side || ""} ${d.qty ?? ""} ${d.pair || m.key} · ${d.state || ""}${d.reason ? ` (${d.reason})` : ""}`;
    case "fill": return `FILL ${d.side || ""} ${d.qty ?? ""} ${d.pair || m.key} @ ${price(num(d.price))}`;
    case "alert": return `ALERT ${d.level || ""}: ${d.text || ""}`;
    default: return "";
  }
}

export class Feed {
  constructor() {
    this.list = $("thought-feed");
    this.seen = new Set();
    this.count = 0;
    this.pending = [];
    this.scheduled = false;
  }

  add(m) {
    this.pending.push(m);
    // a hidden tab gets no animation frames: keep only what could be shown
    if (this.pending.length > MAX_ITEMS) this.pending.splice(0, this.pending.length - MAX_ITEMS);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.scheduled = false;
    const items = this.pending.splice(0).map((m) => this.item(m)).filter(Boolean);
    if (!items.length) return;
    this.list.prepend(...items.reverse());
    while (this.list.childElementCount > MAX_ITEMS) {
      const last = this.list.lastElementChild;
      this.seen.delete(last.dataset.key);
      last.remove();
    }
    $("thoughts-hint").textContent = `${this.count} received`;
  }

  item(m) {
    const text = describe(m);
    if (!text) return null;
    const key = `${m.ts}|${m.src}|${text}`;
    if (this.seen.has(key)) return null;
    this.seen.add(key);
    this.count += 1;
    const li = el("li", { "data-kind": m.type, "data-ts": String(m.ts) },
      el("time", { text: clock(m.ts) }), el("span", { class: "who", text: m.key || m.src || "" }),
      el("span", { class: "text", text }));
    li.dataset.key = key;
    return li;
  }

  load(thoughts) {
    // snapshot thoughts are newest first; add oldest first so the newest ends on top
    for (const t of [...(thoughts || [])].reverse()) {
      this.add({ type: "thought", ts: t.ts, src: t.src, key: t.pair, data: { text: t.text } });
    }
  }
}
