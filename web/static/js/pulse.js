// Algo Pulse: per-strategy bars (long / short signals since start), hit rate and weight.
import { $, el, isNum } from "./util.js";

export class Pulse {
  constructor() { this.box = $("algo-pulse"); this.rows = new Map(); }

  load(data) {
    for (const s of (data && data.strategies) || []) this.rows.set(s.name, structuredClone(s));
    this.paint();
  }

  signals(data) {
    for (const s of data.signals || []) {
      const row = this.rows.get(s.strategy);
      if (row && row.signals && s.side in row.signals) row.signals[s.side] += 1;
    }
    this.paint();
  }

  paint() {
    const rows = [...this.rows.values()];
    const top = Math.max(1, ...rows.map((r) => r.signals.long + r.signals.short));
    if (this.box.childElementCount !== rows.length) {
      this.box.replaceChildren(...rows.map((r) => el("div", { class: "pulse-row", "data-strategy": r.name },
        el("span", { class: "name", text: r.name.replace("_", " ") }),
        el("div", { class: "bar" }, el("span", { class: "long" }), el("span", { class: "short" })),
        el("span", { class: "pulse-meta" }))));
    }
    for (const node of this.box.children) {
      const r = this.rows.get(node.dataset.strategy);
      if (!r) continue;
      node.dataset.enabled = String(r.enabled);
      node.querySelector(".long").style.width = `${(100 * r.signals.long) / top}%`;
      node.querySelector(".short").style.width = `${(100 * r.signals.short) / top}%`;
      const hit = isNum(r.hit_rate) ? `${Math.round(r.hit_rate * 100)}%` : "—";
      node.querySelector(".pulse-meta").textContent = `hit ${hit} · w${r.weight}`;
      node.title = `${r.name}: ${r.signals.long} long, ${r.signals.short} short, ${r.signals.flat} flat; `
        + `hit rate ${hit} over ${r.trades} trades; weight ${r.weight}`;
    }
  }
}
