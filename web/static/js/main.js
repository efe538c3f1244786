// Dashboard entry point: token, live socket, panels, periodic REST refresh.
import { api, ApiError, setToken, takeTokenFromUrl, token } from "./api.js";
import { CandleChart } from "./chart.js";
import { setupControls, toast } from "./controls.js";
import { Feed } from "./feed.js";
import { renderHealth, renderHud, renderUptime } from "./hud.js";
import { LiveSocket } from "./live.js";
import { Pulse } from "./pulse.js";
import { renderRisk } from "./risk.js";
import { Scanner } from "./scanner.js";
import { $ } from "./util.js";

const REFRESH_MS = 15000;

const S = {
  status: null, executor: null, risk: null, performance: null, positions: null,
  heartbeats: new Map(), supervisor: null, uptime: null,
};

const chart = new CandleChart();
const feed = new Feed();
const pulse = new Pulse();
const scanner = new Scanner((pair) => chart.show(pair).catch(failed));
let live = null;

function failed(err) {
  if (err instanceof ApiError && err.status === 401) askToken();
  else console.warn(err);
}

function setStatus(status) {
  S.status = status;
  S.uptime = { value: status.uptime_s, at: Date.now() };
  if (status.executor) S.executor = status.executor;
  const now = Date.now();
  for (const p of status.processes || []) {
    if (p.age_s !== null && p.age_s !== undefined) S.heartbeats.set(p.name, { at: now - p.age_s * 1000, state: p.state });
  }
  setSupervisor(status.processes.filter((p) => p.supervisor_state).map((p) => ({ name: p.name, statename: p.supervisor_state })));
}

function setSupervisor(list) {
  S.supervisor = list ? new Map(list.map((p) => [p.name, p.statename])) : null;
}

function snapshot(d) {
  setStatus(d.status);
  S.risk = d.risk;
  S.performance = d.performance;
  S.positions = d.positions;
  scanner.load(d.scanner);
  pulse.load(d.strategies);
  feed.load(d.thoughts);
  renderRisk(S.risk);
  renderAll();
  if (!scanner.selected && d.scanner.pairs.length) scanner.select(d.scanner.pairs[0].pair);
  else if (scanner.selected) chart.show(scanner.selected).catch(failed);
}

function renderAll() { renderHud(S); renderHealth(S); }

const HANDLERS = {
  snapshot: (m) => snapshot(m.data),
  resync: () => toast("catching up (resync)", "warning"),
  tick: (m) => { scanner.tick(m.key, m.data); chart.onTick(m.key, m.data.forming); },
  bar: (m) => { scanner.bar(m.key, m.data.close); chart.onBar(m.key, m.data.ohlcv); },
  signal: (m) => { scanner.signals(m.key, m.data); pulse.signals(m.data); },
  thought: (m) => feed.add(m),
  intent: (m) => feed.add(m),
  order: (m) => feed.add(m),
  fill: (m) => { feed.add(m); chart.onFill(m.key, m.data); },
  alert: (m) => { feed.add(m); toast(m.data.text || "alert", m.data.level || "info"); },
  risk: (m) => { S.risk = { ...(S.risk || {}), ...m.data, available: true }; renderRisk(S.risk); renderHud(S); },
  position: () => refreshLedger(),
  heartbeat: (m) => { S.heartbeats.set(m.src, { at: Date.now(), state: m.data.state }); },
  processes: (m) => { setSupervisor(m.data); renderHealth(S); },
  executor: (m) => { S.executor = m.data; renderHud(S); },
  model: () => {},
};

function onMessage(m) {
  const h = HANDLERS[m.type];
  if (h) h(m);
}

function onState(state, detail) {
  const node = $("conn-status");
  node.dataset.state = state;
  document.body.dataset.ws = state;
  document.body.classList.toggle("stale", state === "stale" || state === "offline");
  if (state === "live") node.textContent = "LIVE";
  else if (state === "stale") node.textContent = `STALE ${Math.round(detail / 1000)}s`;
  else if (state === "offline") node.textContent = detail === "unauthorized" ? "NO ACCESS" : `OFFLINE · retry ${Math.ceil((detail || 0) / 1000)}s`;
  else node.textContent = "CONNECTING";
}

async function refreshLedger() {
  try {
    const [perf, pos, strat, status] = await Promise.all([
      api("performance?points=200"), api("positions"), api("strategies"), api("status")]);
    S.performance = perf;
    S.positions = pos.positions;
    pulse.load(strat);
    setStatus(status);
    renderAll();
  } catch (err) { failed(err); }
}

function askToken() {
  if (live) { live.stopped = true; live = null; }
  const dialog = $("token-dialog");
  if (!dialog.open) dialog.showModal();
}

function start() {
  live = new LiveSocket(token(), { onMessage, onState, onUnauthorized: askToken });
  live.connect();
}

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setToken($("token-input").value);
  $("token-dialog").close();
  start();
});

setupControls({
  onResult: (_action, result) => {
    if (S.executor && S.executor.status) S.executor.status = { ...S.executor.status, ...result };
    else S.executor = { available: true, status: { ...result } };
    renderHud(S);
  },
  onUnauthorized: askToken,
});

setInterval(() => { renderUptime(S); renderHealth(S); }, 1000);
setInterval(refreshLedger, REFRESH_MS);

if (takeTokenFromUrl()) start(); else askToken();
