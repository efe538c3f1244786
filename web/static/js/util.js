// Small DOM and formatting helpers shared by the panels (no dependencies).
const SVG = "http://www.w3.org/2000/svg";

export function $(id) { return document.getElementById(id); }

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

export function isNum(x) { return typeof x === "number" && Number.isFinite(x); }

// A number from an event field: the executor sends exact ledger amounts as decimal strings.
export function num(x) {
  const n = typeof x === "string" && x.trim() !== "" ? Number(x) : x;
  return isNum(n) ? n : null;
}

export function money(x, digits = 2) {
  if (!isNum(x)) return "—";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function signed(x, digits = 2) {
  if (!isNum(x)) return "—";
  return (x > 0 ? "+" : "") + money(x, digits);
}

export function price(x) {
  if (!isNum(x)) return "—";
  const digits = x >= 1000 ? 2 : x >= 1 ? 4 : 6;
  return money(x, digits);
}

export function pct(x, digits = 2) {
  if (!isNum(x)) return "—";
  return (x * 100).toFixed(digits) + "%";
}

export function tone(node, x) {
  node.classList.toggle("pos", isNum(x) && x > 0);
  node.classList.toggle("neg", isNum(x) && x < 0);
}

export function duration(seconds) {
  if (!isNum(seconds)) return "—";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60), r = s % 60;
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
  return `${m}m ${String(r).padStart(2, "0")}s`;
}

export function clock(ms) {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
}

// An inline sparkline: a polyline scaled into w x h, coloured by its direction.
export function sparkline(points, w = 80, h = 22) {
  const box = svg("svg", { class: "spark", viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none" });
  const vals = (points || []).filter(isNum);
  if (vals.length < 2) return box;
  const lo = Math.min(...vals), hi = Math.max(...vals), span = hi - lo || 1;
  const step = w / (vals.length - 1);
  const coords = vals.map((v, i) => `${(i * step).toFixed(1)},${(h - 1 - ((v - lo) / span) * (h - 2)).toFixed(1)}`);
  const up = vals[vals.length - 1] >= vals[0];
  box.append(svg("polyline", { points: coords.join(" "), stroke: up ? "#00ffa3" : "#ff2e88" }));
  return box;
}
