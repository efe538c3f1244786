// Risk Shield: gauges for daily loss used, drawdown, risk of ruin and exposure, plus locks.
import { $, el, isNum, pct, svg } from "./util.js";

const ARC = 125.66;  // length of the semicircle below (radius 40)

function gauge(node, value, ratio, label) {
  if (!node.firstChild) {
    const box = svg("svg", { viewBox: "0 0 100 62" });
    box.append(svg("path", { class: "track", d: "M10 55 A40 40 0 0 1 90 55" }),
      svg("path", { class: "value", d: "M10 55 A40 40 0 0 1 90 55", "stroke-dasharray": `0 ${ARC}` }),
      svg("text", { x: "50", y: "52", "text-anchor": "middle" }));
    node.append(box, el("figcaption", { text: node.dataset.label }));
  }
  if (!isNum(value)) ratio = null;
  const r = isNum(ratio) ? Math.max(0, Math.min(1, ratio)) : 0;
  node.querySelector(".value").setAttribute("stroke-dasharray", `${(r * ARC).toFixed(1)} ${ARC}`);
  node.querySelector("text").textContent = label;
  node.dataset.level = !isNum(ratio) ? "none" : ratio < 0.5 ? "ok" : ratio < 0.8 ? "warn" : "bad";
  node.dataset.value = isNum(value) ? String(value) : "";
}

export function renderRisk(risk) {
  if (!risk) return;
  const lim = risk.limits || {};
  const dailyLimit = isNum(risk.daily_loss_limit) ? risk.daily_loss_limit : lim.max_daily_loss;
  gauge($("gauge-daily-loss"), risk.daily_loss_used, risk.daily_loss_used / dailyLimit, pct(risk.daily_loss_used, 1));
  gauge($("gauge-drawdown"), risk.drawdown, risk.drawdown / lim.drawdown_halt, pct(risk.drawdown, 1));
  gauge($("gauge-ruin"), risk.risk_of_ruin, risk.risk_of_ruin / lim.max_risk_of_ruin, pct(risk.risk_of_ruin, 2));
  gauge($("gauge-exposure"), risk.exposure_fraction, risk.exposure_fraction, pct(risk.exposure_fraction, 0));
  $("risk-hint").textContent = risk.available ? "live" : "waiting for the executor";
  const parts = [];
  if (isNum(risk.kelly_fraction)) parts.push(`Kelly ${risk.kelly_fraction.toFixed(3)}`);
  if (isNum(risk.stake)) parts.push(`stake ${pct(risk.stake, 2)}`);
  if (isNum(risk.open_positions)) parts.push(`${risk.open_positions}/${lim.max_open_positions} open`);
  if (risk.entries_allowed === false) parts.push("entries blocked");
  $("risk-line").textContent = parts.join(" · ");
  const reasons = [...(risk.locks || []).map((l) => `${l.kind} ${l.scope}: ${l.reason}`), ...(risk.reasons || [])];
  $("risk-locks").replaceChildren(...[...new Set(reasons)].map((t) => el("li", { text: t })));
}
