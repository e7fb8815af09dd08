"use strict";
// The server's HTTP APIs (Prometheus, Alertmanager and Grafana shapes).

export class APIError extends Error {
    constructor(message, { status = 0, errorType = "", position = null } = {}) {
        super(message);
        this.status = status;
        this.errorType = errorType;
        this.position = position; // {line, col} from a "1:11: parse error" message
    }
}

// "1:11: parse error: ..." → {line: 1, col: 11}
export function errorPosition(message) {
    const m = /(?:^|: )(\d+):(\d+):/.exec(message || "");
    return m ? { line: Number(m[1]), col: Number(m[2]) } : null;
}

// The bearer token of this tab's session, for servers with auth.tokens. sessionStorage keeps it
// to this tab and drops it when the tab closes.
const TOKEN_KEY = "osprey.token";

export function token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || pageToken; } catch { return pageToken; }
}

// Without storage (disabled by the browser), a token lasts as long as the page.
let pageToken = "";

export function signIn(value) {
    pageToken = value;
    try { sessionStorage.setItem(TOKEN_KEY, value); } catch { /* kept for this page only */ }
}

export function signOut() {
    pageToken = "";
    try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ }
}

// A link may carry a token as "#token=…": browsers never send the fragment, so it stays out of
// server and proxy logs. It moves into the session and off the address bar.
export function takeTokenFromFragment() {
    const m = /^#token=([^&]+)$/.exec(location.hash);
    if (!m) return;
    history.replaceState(null, "", location.pathname + location.search);
    try { signIn(decodeURIComponent(m[1])); } catch { /* a mangled link: the form will ask */ }
}

function withAuth(headers) {
    const t = token();
    return t ? { ...headers, Authorization: "Bearer " + t } : headers;
}

// A 401 means this session has no token the server knows; the app asks for one.
function noteUnauthorized(res) {
    if (res.status === 401) window.dispatchEvent(new Event("osprey-unauthorized"));
}

function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
        if (v == null) continue;
        if (Array.isArray(v)) v.forEach((x) => u.append(k, x)); else u.append(k, v);
    }
    const s = u.toString();
    return s ? "?" + s : "";
}

export async function request(method, path, { params, body, signal } = {}) {
    let res;
    try {
        res = await fetch(path + qs(params), {
            method, signal,
            headers: withAuth(body !== undefined ? { "Content-Type": "application/json" } : {}),
            body: body !== undefined ? JSON.stringify(body) : undefined,
        });
    } catch (e) {
        if (e.name === "AbortError") throw e;
        throw new APIError("The server did not answer: " + e.message);
    }
    noteUnauthorized(res);
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    if (!res.ok || (json && json.status === "error")) {
        let msg = json && (json.error || json.message) || (typeof json === "string" ? json : text) || res.statusText;
        if (json && json.error && typeof json.error === "object") msg = json.error.message || JSON.stringify(json.error);
        throw new APIError(String(msg).trim(), { status: res.status, errorType: json && json.errorType, position: errorPosition(msg) });
    }
    return json;
}

export const get = (path, params, signal) => request("GET", path, { params, signal });

// Form-encoded POST keeps long PromQL out of the URL.
async function promQuery(path, params, signal) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v != null) body.append(k, v);
    let res;
    try {
        res = await fetch(path, { method: "POST", body, signal, headers: withAuth({ "Content-Type": "application/x-www-form-urlencoded" }) });
    } catch (e) {
        if (e.name === "AbortError") throw e;
        throw new APIError("The server did not answer: " + e.message);
    }
    noteUnauthorized(res);
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    if (!json || json.status !== "success") {
        const msg = (json && json.error) || text || res.statusText;
        throw new APIError(msg, { status: res.status, errorType: json && json.errorType, position: errorPosition(msg) });
    }
    return json.data;
}

export const query = (expr, time, signal) => promQuery("/api/v1/query", { query: expr, time: time != null ? (time / 1000).toFixed(3) : null }, signal);
export const queryRange = (expr, startMs, endMs, stepMs, signal) =>
    promQuery("/api/v1/query_range", { query: expr, start: (startMs / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: (stepMs / 1000).toString() }, signal);

export async function labelValues(label, match, startMs, endMs, signal) {
    const params = { "match[]": match ? [match] : undefined };
    if (startMs) { params.start = (startMs / 1000).toFixed(0); params.end = (endMs / 1000).toFixed(0); }
    const r = await get(`/api/v1/label/${encodeURIComponent(label)}/values`, params, signal);
    return r.data || [];
}
export async function labelNames(match, signal) {
    const r = await get("/api/v1/labels", { "match[]": match ? [match] : undefined }, signal);
    return r.data || [];
}
export async function series(match, startMs, endMs, signal) {
    const r = await get("/api/v1/series", { "match[]": [match], start: startMs ? (startMs / 1000).toFixed(0) : undefined, end: endMs ? (endMs / 1000).toFixed(0) : undefined }, signal);
    return r.data || [];
}

export const search = (queryText, tag, signal) => get("/api/search", { query: queryText || undefined, tag: tag || undefined }, signal);
export const dashboard = (uid, signal) => get(`/api/dashboards/uid/${encodeURIComponent(uid)}`, null, signal);
export const saveDashboard = (dash, overwrite = true) => request("POST", "/api/dashboards/db", { body: { dashboard: dash, overwrite } });
export const rules = (signal) => get("/api/v1/rules", null, signal);
export const alerts = (signal) => get("/api/v1/alerts", null, signal);
export const silences = (signal) => get("/api/v2/silences", null, signal);
export const createSilence = (silence) => request("POST", "/api/v2/silences", { body: silence });
export const expireSilence = (id) => request("DELETE", `/api/v2/silence/${encodeURIComponent(id)}`);
export const targets = (signal) => get("/api/v1/targets", null, signal);
export const metadata = (signal) => get("/api/v1/metadata", null, signal).then((r) => r.data || {});
export const probes = (signal) => get("/api/v1/probes", null, signal);
