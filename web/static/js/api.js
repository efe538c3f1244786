// The access token (from the URL fragment #token=..., kept in sessionStorage) and JSON calls.
const KEY = "bot.token";

export function takeTokenFromUrl() {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);  // keep it out of the URL bar
  }
  return token();
}

export function token() { return sessionStorage.getItem(KEY) || ""; }
export function setToken(t) { sessionStorage.setItem(KEY, t.trim()); }

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function api(path, { method = "GET" } = {}) {
  const resp = await fetch(`/api/v1/${path}`, {
    method, headers: { Authorization: `Bearer ${token()}` }, cache: "no-store",
  });
  let body = null;
  try { body = await resp.json(); } catch { body = null; }
  if (!resp.ok) throw new ApiError(resp.status, (body && body.error) || `HTTP ${resp.status}`);
  return body;
}
