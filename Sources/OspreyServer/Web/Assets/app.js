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
// - window.ospreyNavigate(url) changes the page as a link does.

import { dashboardList, dashboardView } from "./dashboard.js";
import { explore, alerts, targets, probes } from "./pages.js";
import { errorBox } from "./ui.js";

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

function route() {
    const m = match(location.pathname);
    if (!m) { navigate("/dashboards", { replace: true }); return; }
    for (const a of document.querySelectorAll("#top nav a")) a.classList.toggle("active", a.dataset.section === m.section);
    const query = new URLSearchParams(location.search);
    if (current && current.key === m.key && current.page && typeof current.page.update === "function") {
        current.page.update(query);
        return;
    }
    if (current) {
        current.abort.abort();
        for (const fn of current.cleanups) { try { fn(); } catch { /* ignore */ } }
    }
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
window.ospreyNavigate = navigate;
route();
