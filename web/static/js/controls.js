// Pause / Resume / Close all (Close all asks for confirmation), and toasts for outcomes.
import { api, ApiError } from "./api.js";
import { $, el } from "./util.js";

const TOAST_MS = 6000;

export function toast(text, level = "info") {
  const node = el("div", { class: "toast glass", "data-level": level, role: "status", text });
  $("toasts").append(node);
  setTimeout(() => node.remove(), TOAST_MS);
}

function confirmCloseAll() {
  const dialog = $("confirm-dialog");
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); resolve(answer); };
    $("confirm-yes").onclick = (e) => { e.preventDefault(); done(true); };
    $("confirm-no").onclick = (e) => { e.preventDefault(); done(false); };
    dialog.oncancel = () => resolve(false);
    dialog.showModal();
  });
}

export function setupControls({ onResult, onUnauthorized }) {
  const buttons = ["btn-pause", "btn-resume", "btn-close-all"].map($);
  async function run(action, label) {
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const res = await api(`control/${action}`, { method: "POST" });
      toast(`${label}: ${res.result && res.result.text ? res.result.text : "done"}`);
      onResult(action, res.result || {});
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onUnauthorized();
      const unknown = err instanceof ApiError && err.status === 503;
      toast(`${label}: ${err.message}${unknown ? " (outcome unknown; watch the status)" : ""}`, "error");
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }
  $("btn-pause").addEventListener("click", () => run("pause", "Pause"));
  $("btn-resume").addEventListener("click", () => run("resume", "Resume"));
  $("btn-close-all").addEventListener("click", async () => {
    if (await confirmCloseAll()) run("close_all", "Close all");
  });
}
