// Candlestick chart of the selected pair (TradingView lightweight-charts, vendored) with
// entry (buy) / exit (sell) markers from the ledger's fills.
import { api } from "./api.js";
import { $, isNum, num } from "./util.js";

const LIMIT = 300;

function candle(row) {
  return { time: row[0], open: row[1], high: row[2], low: row[3], close: row[4] };
}

function marker(m, time) {
  const buy = m.side === "buy";
  return { time, position: buy ? "belowBar" : "aboveBar", shape: buy ? "arrowUp" : "arrowDown",
           color: buy ? "#00ffa3" : "#ff2e88", text: buy ? "BUY" : "SELL" };
}

export class CandleChart {
  constructor() {
    this.node = $("chart");
    this.pair = null;
    this.times = [];
    this.rawMarkers = [];
    const LWC = window.LightweightCharts;
    this.chart = LWC.createChart(this.node, {
      autoSize: true,
      layout: { background: { type: "solid", color: "transparent" }, textColor: "#9fb3c8",
                fontFamily: "JetBrains Mono, DejaVu Sans Mono, monospace" },
      grid: { vertLines: { color: "rgba(0,240,255,0.06)" }, horzLines: { color: "rgba(0,240,255,0.06)" } },
      rightPriceScale: { borderColor: "rgba(0,240,255,0.2)" },
      timeScale: { borderColor: "rgba(0,240,255,0.2)", timeVisible: true, secondsVisible: true },
      crosshair: { mode: 0 },
    });
    this.series = this.chart.addSeries(LWC.CandlestickSeries, {
      upColor: "#00ffa3", downColor: "#ff2e88", borderVisible: false,
      wickUpColor: "#00ffa3", wickDownColor: "#ff2e88",
    });
    this.markers = LWC.createSeriesMarkers(this.series, []);
  }

  async show(pair) {
    this.pair = pair;
    $("chart-pair").textContent = pair;
    $("chart-hint").textContent = "loading…";
    const data = await api(`candles?pair=${encodeURIComponent(pair)}&limit=${LIMIT}`);
    if (pair !== this.pair) return;
    const rows = data.candles.map(candle);
    if (data.forming && (!rows.length || data.forming[0] > rows[rows.length - 1].time)) rows.push(candle(data.forming));
    this.series.setData(rows);
    this.times = rows.map((r) => r.time);
    this.rawMarkers = data.markers || [];
    this.paintMarkers();
    this.count();
    this.chart.timeScale().fitContent();
  }

  count() {
    this.node.dataset.candles = String(this.times.length);
    $("chart-hint").textContent = this.times.length ? `${this.times.length} candles` : "waiting for data";
  }

  // The bar a timestamp (seconds) falls in: the last candle starting at or before it.
  barTime(ts) {
    let lo = 0, hi = this.times.length - 1, found = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] <= ts) { found = this.times[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  paintMarkers() {
    const out = [];
    for (const m of this.rawMarkers) {
      const t = this.barTime(m.ts);
      if (t !== null) out.push(marker(m, t));
    }
    out.sort((a, b) => a.time - b.time);
    this.markers.setMarkers(out);
    this.node.dataset.markers = String(out.length);
  }

  update(row) {
    if (!row.every(isNum)) return;
    const last = this.times[this.times.length - 1];
    if (last !== undefined && row[0] < last) return;  // never rewrite history
    this.series.update(candle(row));
    if (last === undefined || row[0] > last) { this.times.push(row[0]); this.count(); }
  }

  onBar(pair, ohlcv) { if (pair === this.pair && ohlcv) this.update(ohlcv); }
  onTick(pair, forming) { if (pair === this.pair && forming) this.update(forming); }
  onFill(pair, d) {
    const p = num(d.price), ts = num(d.fill_ts ?? d.ts);  // fill_ts: ms since the epoch
    if (pair !== this.pair || p === null || ts === null) return;
    this.rawMarkers.push({ ts: ts > 1e11 ? ts / 1000 : ts, side: d.side, price: p, qty: num(d.qty) });
    this.paintMarkers();
  }
}
