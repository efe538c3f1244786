// HUD: mode badge, pause state, P&L, equity, open positions, uptime, per-process health dots.
import { $, duration, el, isNum, money, signed, tone } from "./util.js";

const HEARTBEAT_FRESH_MS = 3500;

export function executorStatus(S) {
  const ex = S.executor;
  return ex && ex.status ? ex.status : null;
}

export function pausedOf(S) {
  const st = executorStatus(S);
  if (st && S.executor.available && typeof st.paused === "boolean") return st.paused;
  if (S.status && typeof S.status.paused === "boolean") return S.status.paused;
  if (S.risk && typeof S.risk.paused === "boolean") return S.risk.paused;
  return null;
}

export function renderHud(S) {
  const st = executorStatus(S) || {};
  const mode = st.mode || (S.status && S.status.mode) || "unknown";
  const badge = $("mode-badge");
  badge.dataset.mode = mode;
  badge.textContent = mode.toUpperCase();
  const paused = pausedOf(S);
  $("paused-badge").hidden = paused !== true;
  document.body.dataset.paused = paused === null ? "unknown" : String(paused);
  $("killed-badge").hidden = !(st.killed === true || (S.risk && S.risk.killed === true));

  const pnl = isNum(st.day_pnl) ? st.day_pnl : null;
  const pnlNode = $("hud-pnl");
  pnlNode.textContent = signed(pnl);
  tone(pnlNode, pnl);
  const equity = [st.equity, S.risk && S.risk.equity, S.performance && S.performance.equity].find(isNum);
  $("hud-equity").textContent = money(equity);
  const open = isNum(st.open_positions) ? st.open_positions : S.positions ? S.positions.length : null;
  $("hud-positions").textContent = isNum(open) ? String(open) : "—";
  renderUptime(S);
}

export function renderUptime(S) {
  const u = S.uptime;
  $("hud-uptime").textContent = u && isNum(u.value) ? duration(u.value + (Date.now() - u.at) / 1000) : "—";
}

function health(name, S, now) {
  const sv = S.supervisor && S.supervisor.get(name);
  const hb = S.heartbeats.get(name);
  const fresh = hb && now - hb.at < HEARTBEAT_FRESH_MS;
  if (sv === "FATAL" || sv === "BACKOFF") return "bad";
  if (sv === "STOPPED" || sv === "EXITED") return "idle";
  if (fresh) return "ok";
  if (sv === "RUNNING" || sv === "STARTING") return hb ? "bad" : "warn";
  return hb ? "bad" : "idle";
}

export function renderHealth(S) {
  const box = $("health");
  const names = new Set([...S.heartbeats.keys(), ...(S.supervisor ? S.supervisor.keys() : [])]);
  const now = Date.now();
  const sorted = [...names].sort();
  if (box.childElementCount !== sorted.length || [...box.children].some((d, i) => d.dataset.name !== sorted[i])) {
    box.replaceChildren(...sorted.map((n) => el("span", { class: "dot", "data-name": n })));
  }
  for (const dot of box.children) {
    const name = dot.dataset.name;
    const state = health(name, S, now);
    dot.dataset.health = state;
    const sv = S.supervisor && S.supervisor.get(name);
    dot.title = `${name}: ${state}${sv ? ` (${sv})` : ""}`;
  }
}
