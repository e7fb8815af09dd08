"use strict";
// The client-side router: one page for every UI path, links that change the page without a
// reload, and the page's state kept in the URL.
//
// What tests and benchmarks can read from the DOM:
// - every dashboard panel: [data-panel-id][data-panel-type][data-state] with data-state
//   loading|ok|empty|error|unsupported, and data-series-count once drawn (rows: data-panel-type="row");
// - a time series chart: canvas.chart (series; data-series-count = series visible) under
//   svg.chart-overlay (axes, cursor, zoom selection), legend .legend-item[data-series], tooltip .chart-tip;
// - window.ospreyPaint = {panelId: ms from the query result to painted (performance.now)}, reset per
//   dashboard; window.ospreyTiming = its parts; Explore's graph writes window.ospreyPaint.explore;
// - Explore: .explore-result[data-state][data-series-count], a query error .query-error
//   [data-error-line][data-error-col] with .error-pos showing the caret;
// - window.ospreyNavigate(url) changes the page as a link does;
// - a server with auth.tokens that refuses this tab: form.signin in place of the page.

import { dashboardList, dashboardView } from "./dashboard.js";
import { explore, alerts, targets, probes } from "./pages.js";
import { errorBox, h } from "./ui.js";
import { signIn, signOut, takeTokenFromFragment, token } from "./api.js";

const ROUTES = [
    [/^\/dashboards\/?$/, dashboardList, "dashboards"],
    [/^\/dashboards\/([^/]+)\/?$/, dashboardView, "dashboards"],
    [/^\/explore\/?$/, explore, "explore"],
    [/^\/alerts\/?$/, alerts, "alerts"],
    [/^\/targets\/?$/, targets, "targets"],
    [/^\/probes\/?$/, probes, "probes"],
];

const main = document.getElementById("page");
let current = null; // {key, abort, cleanups, page}

function match(pathname) {
    for (const [re, page, section] of ROUTES) {
        const m = re.exec(pathname);
        if (m) return { page, section, params: m.slice(1), key: re.source + "|" + m.slice(1).join("|") };
    }
    return null;
}

export function navigate(url, opts = {}) {
    const u = new URL(url, location.origin);
    if (opts.replace) history.replaceState(null, "", u);
    else if (u.href !== location.href) history.pushState(null, "", u);
    route();
}

// Stops the page shown: its requests, timers and listeners.
function leavePage() {
    if (!current) return;
    current.abort.abort();
    for (const fn of current.cleanups) { try { fn(); } catch { /* ignore */ } }
    current = null;
}

function route() {
    const m = match(location.pathname);
    if (!m) { navigate("/dashboards", { replace: true }); return; }
    for (const a of document.querySelectorAll("#top nav a")) a.classList.toggle("active", a.dataset.section === m.section);
    const query = new URLSearchParams(location.search);
    if (current && current.key === m.key && current.page && typeof current.page.update === "function") {
        current.page.update(query);
        return;
    }
    leavePage();
    const abort = new AbortController();
    const me = { key: m.key, abort, cleanups: [], page: null };
    current = me;
    main.textContent = "";
    main.scrollTop = 0;
    window.scrollTo(0, 0);
    const ctx = { main, params: m.params, query, signal: abort.signal, navigate, onCleanup: (fn) => me.cleanups.push(fn) };
    Promise.resolve()
        .then(() => m.page(ctx))
        .then((page) => { if (current === me) me.page = page || null; })
        .catch((e) => {
            if (e && e.name === "AbortError") return;
            if (current === me) { main.textContent = ""; main.appendChild(errorBox(e, "This page failed")); }
            console.warn(e);
        });
}

// The server answered 401: the page gives way to a form asking for a token, once.
function askForToken() {
    if (current && current.signIn) return;
    leavePage();
    const held = token();
    current = { key: null, abort: new AbortController(), cleanups: [], page: null, signIn: true };
    const input = h("input", { class: "input wide", type: "password", name: "token", autocomplete: "current-password", placeholder: "token", required: true });
    const form = h("form", { class: "signin" },
        h("p", { class: "empty-title" }, held ? "The server did not accept this tab's token" : "This server needs a token"),
        h("p", { class: "empty-hint" }, "Paste a token from auth.tokens in the server's config: a query token to read, an admin token to also change silences and dashboards."),
        input, h("button", { class: "btn btn-primary", type: "submit" }, "Sign in"));
    form.addEventListener("submit", (e) => {
        e.preventDefault();
        signIn(input.value.trim());
        leavePage();
        showSession();
        route();
    });
    main.textContent = "";
    main.appendChild(form);
    input.focus();
}

// "Sign out" shows while this tab holds a token.
function showSession() {
    let button = document.getElementById("signout");
    if (!token()) { if (button) button.remove(); return; }
    if (button) return;
    button = h("button", { id: "signout", class: "btn", type: "button" }, "Sign out");
    button.addEventListener("click", () => { signOut(); showSession(); leavePage(); route(); });
    document.getElementById("top").appendChild(button);
}

document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest("a[href]");
    if (!a || (a.target && a.target !== "_self") || a.hasAttribute("download")) return;
    const u = new URL(a.href, location.href);
    if (u.origin !== location.origin || !match(u.pathname)) return;
    e.preventDefault();
    navigate(u.pathname + u.search);
});

window.addEventListener("popstate", route);
window.addEventListener("osprey-unauthorized", askForToken);
window.ospreyNavigate = navigate;
takeTokenFromFragment();
showSession();
route();
