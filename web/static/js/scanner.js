// Ticker Scanner: every pair with price, change, inline sparkline and the strategies' votes.
import { $, el, isNum, price, sparkline, tone } from "./util.js";

const SPARK_MAX = 60;

export class Scanner {
  constructor(onSelect) {
    this.body = $("scanner").querySelector("tbody");
    this.rows = new Map();  // pair -> {data, tr}
    this.onSelect = onSelect;
    this.selected = null;
  }

  load(snapshot) {
    for (const row of snapshot.pairs || []) this.upsert(row.pair, row);
    $("scanner-hint").textContent = `${this.rows.size} pairs`;
  }

  upsert(pair, patch) {
    let entry = this.rows.get(pair);
    if (!entry) {
      const tr = el("tr", { "data-pair": pair, "aria-selected": "false" },
        el("td", { class: "pair", text: pair }), el("td", { class: "r price" }),
        el("td", { class: "r chg" }), el("td", { class: "trend" }), el("td", { class: "sigs-cell" }));
      tr.addEventListener("click", () => this.select(pair));
      this.body.append(tr);
      entry = { data: { pair, sparkline: [], signals: [] }, tr };
      this.rows.set(pair, entry);
    }
    Object.assign(entry.data, patch);
    this.paint(entry);
    return entry;
  }

  paint({ data, tr }) {
    tr.querySelector(".price").textContent = price(data.price);
    const chg = tr.querySelector(".chg");
    chg.textContent = isNum(data.change_pct) ? `${data.change_pct > 0 ? "+" : ""}${data.change_pct.toFixed(2)}%` : "—";
    tone(chg, data.change_pct);
    tr.querySelector(".trend").replaceChildren(sparkline(data.sparkline));
    const sigs = el("div", { class: "sigs" });
    for (const s of data.signals || []) sigs.append(el("span", { class: "sig", "data-side": s.side, title: `${s.strategy}: ${s.side}` }));
    tr.querySelector(".sigs-cell").replaceChildren(sigs);
  }

  tick(pair, data) {
    const entry = this.rows.get(pair);
    if (!entry) return;
    const p = data.forming && isNum(data.forming[4]) ? data.forming[4] : data.mid;
    if (!isNum(p)) return;
    const first = entry.data.sparkline && entry.data.sparkline[0];
    entry.data.price = p;
    if (isNum(first) && first > 0) entry.data.change_pct = (p / first - 1) * 100;
    entry.tr.querySelector(".price").textContent = price(p);
    const chg = entry.tr.querySelector(".chg");
    chg.textContent = isNum(entry.data.change_pct) ? `${entry.data.change_pct > 0 ? "+" : ""}${entry.data.change_pct.toFixed(2)}%` : "—";
    tone(chg, entry.data.change_pct);
  }

  bar(pair, close) {
    const entry = this.rows.get(pair);
    if (!entry || !isNum(close)) return;
    const line = [...(entry.data.sparkline || []), close].slice(-SPARK_MAX);
    this.upsert(pair, { sparkline: line });
  }

  signals(pair, data) {
    if (!this.rows.has(pair)) return;
    const brief = (data.signals || []).map((s) => ({ strategy: s.strategy, side: s.side, strength: s.strength }));
    this.upsert(pair, { signals: brief, signal_bar_ts: data.bar_ts });
  }

  select(pair) {
    if (!this.rows.has(pair)) return;
    this.selected = pair;
    for (const [p, { tr }] of this.rows) tr.setAttribute("aria-selected", String(p === pair));
    this.onSelect(pair);
  }
}
