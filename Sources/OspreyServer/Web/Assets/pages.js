"use strict";
// Explore, Alerts, Targets and Probes.

import * as api from "./api.js";
import { TimeChart, colorFor } from "./chart.js";
import { formatValue, formatTime, seriesName, ago, roundInterval, parseDuration, durationText, sampleValueText } from "./format.js";
import { safeURL } from "./richtext.js";
import { h, emptyState, errorBox, badge, timePicker, resolveRange } from "./ui.js";

// ---- Explore

function errorWithPosition(err, expr) {
    const box = h("div", { class: "error-box query-error", "data-error-line": err.position ? err.position.line : null, "data-error-col": err.position ? err.position.col : null },
        h("b", null, "Error: "), err.message);
    if (err.position) {
        const lines = expr.split("\n");
        const line = lines[err.position.line - 1] ?? "";
        const col = Math.max(0, err.position.col - 1);
        const pre = h("pre", { class: "error-pos" },
            h("span", { class: "error-loc" }, `line ${err.position.line}, column ${err.position.col}`), "\n",
            line.slice(0, col), h("span", { class: "error-char" }, line.slice(col, col + 1) || " "), line.slice(col + 1), "\n",
            h("span", { class: "caret" }, " ".repeat(col) + "^"));
        box.appendChild(pre);
    }
    return box;
}

export async function explore(ctx) {
    document.title = "Explore – Osprey";
    const main = ctx.main;
    let state = read(ctx.query);
    let chart = null, abort = null;
    const exprBox = h("textarea", { class: "promql", rows: 1, spellcheck: "false", placeholder: "PromQL, e.g. rate(http_requests_total[5m]) — Enter runs, Shift+Enter adds a line", "aria-label": "PromQL expression" });
    exprBox.value = state.expr;
    const autosize = () => { exprBox.rows = Math.min(12, Math.max(1, exprBox.value.split("\n").length)); };
    autosize();
    const run = () => ctx.navigate(url({ ...state, expr: exprBox.value.trim() }), { force: true });
    exprBox.addEventListener("input", autosize);
    exprBox.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); run(); } });
    const metricIn = h("input", { class: "input metric-pick", list: "metric-names", placeholder: "Insert metric…", "aria-label": "Insert a metric name" });
    const names = h("datalist", { id: "metric-names" });
    metricIn.addEventListener("change", () => {
        if (!metricIn.value) return;
        const s = exprBox.selectionStart, e = exprBox.selectionEnd;
        exprBox.value = exprBox.value.slice(0, s) + metricIn.value + exprBox.value.slice(e);
        metricIn.value = "";
        exprBox.focus();
    });
    // Each name with its family's type and help as last seen (a counter's samples carry a suffix its family lacks).
    Promise.all([api.labelValues("__name__", null, null, null, ctx.signal), api.metadata(ctx.signal).catch(() => ({}))]).then(([list, meta]) => {
        const about = (n) => (meta[n] || meta[n.replace(/_(total|bucket|sum|count|created)$/, "")] || []).at(-1);
        for (const n of list) {
            const m = about(n);
            names.appendChild(h("option", { value: n, label: m ? [m.type, m.help].filter(Boolean).join(" · ") : null }));
        }
    }).catch(() => {});
    const controls = h("div", { class: "explore-controls" });
    const result = h("div", { class: "explore-result", "data-state": "empty", "data-series-count": "0" });
    const info = h("div", { class: "explore-info" });
    main.textContent = "";
    main.append(h("div", { class: "page-head" }, h("h1", null, "Explore"), controls),
        h("div", { class: "query-row" }, exprBox, h("button", { class: "btn btn-primary", type: "button", onclick: run }, "Run query")),
        h("div", { class: "query-tools" }, metricIn, names, info),
        result);
    ctx.onCleanup(() => { if (chart) chart.destroy(); if (abort) abort.abort(); });

    function renderControls() {
        controls.textContent = "";
        const modeBtn = (m, label) => h("button", { type: "button", class: "btn seg" + (state.mode === m ? " active" : ""), "data-mode": m,
            onclick: () => ctx.navigate(url({ ...state, expr: exprBox.value.trim(), mode: m })) }, label);
        controls.append(h("div", { class: "segmented" }, modeBtn("graph", "Graph"), modeBtn("table", "Table")),
            timePicker(state, (r) => ctx.navigate(url({ ...state, expr: exprBox.value.trim(), ...r }))));
    }

    async function execute() {
        if (abort) abort.abort();
        abort = new AbortController();
        const signal = abort.signal;
        info.textContent = "";
        if (!state.expr) {
            if (chart) { chart.destroy(); chart = null; }
            result.textContent = "";
            result.dataset.state = "empty"; result.dataset.seriesCount = "0";
            result.appendChild(emptyState("Type a PromQL expression and press Enter", "Try up, rate(http_requests_total[5m]) or sum by (route) (rate(http_requests_total[5m]))."));
            return;
        }
        result.dataset.state = "loading";
        const range = resolveRange(state.from, state.to);
        const started = performance.now();
        try {
            if (state.mode === "table") {
                const data = await api.query(state.expr, range.to, signal);
                const t0 = performance.now();
                if (chart) { chart.destroy(); chart = null; }
                result.textContent = "";
                const n = renderInstant(result, data);
                result.dataset.seriesCount = String(n);
                result.dataset.state = n ? "ok" : "empty";
                info.textContent = `${n} result${n === 1 ? "" : "s"} at ${formatTime(range.to)} · ${Math.round(t0 - started)} ms`;
            } else {
                const width = Math.max(200, result.clientWidth - 80);
                const step = Math.max(roundInterval((range.to - range.from) / width), 15000, Math.ceil((range.to - range.from) / 11000 / 1000) * 1000);
                const start = Math.floor(range.from / step) * step, end = Math.floor(range.to / step) * step;
                const data = await api.queryRange(state.expr, start, end, step, signal);
                const t0 = performance.now();
                const series = (data.result || []).map((r) => {
                    const ts = new Float64Array(r.values.length), vals = new Float64Array(r.values.length);
                    r.values.forEach((p, i) => { ts[i] = p[0] * 1000; vals[i] = parseFloat(p[1]); });
                    const name = seriesName(r.metric);
                    return { name: name === "{}" ? state.expr : name, ts, vals, color: colorFor(name) };
                });
                if (!series.length) {
                    if (chart) { chart.destroy(); chart = null; }
                    result.textContent = "";
                    result.appendChild(emptyState("No data for this expression in the time range", "Widen the time range or check the metric name and labels."));
                    result.dataset.seriesCount = "0"; result.dataset.state = "empty";
                } else {
                    if (!chart) {
                        result.textContent = "";
                        const box = h("div", { class: "explore-chart" });
                        result.appendChild(box);
                        chart = new TimeChart(box, { onZoom: (f, t) => ctx.navigate(url({ ...state, from: String(f), to: String(t) })) });
                    }
                    chart.setData(series, { from: range.from, to: range.to, step });
                    result.dataset.seriesCount = String(series.length);
                    result.dataset.state = "ok";
                    result.getBoundingClientRect();
                    requestAnimationFrame(() => { window.ospreyPaint = window.ospreyPaint || {}; window.ospreyPaint.explore = Math.round((performance.now() - t0) * 100) / 100; });
                }
                info.textContent = `${series.length} series · step ${durationText(step)} · ${Math.round(t0 - started)} ms`;
            }
        } catch (e) {
            if (e.name === "AbortError") return;
            if (chart) { chart.destroy(); chart = null; }
            result.textContent = "";
            result.appendChild(errorWithPosition(e, state.expr));
            result.dataset.state = "error"; result.dataset.seriesCount = "0";
        }
    }

    renderControls();
    execute();
    if (!state.expr) exprBox.focus();
    return {
        update(query) {
            const next = read(query);
            const modeChanged = next.mode !== state.mode;
            state = next;
            if (exprBox.value.trim() !== state.expr) { exprBox.value = state.expr; autosize(); }
            if (modeChanged && chart) { chart.destroy(); chart = null; }
            renderControls();
            execute();
        },
    };
}

function read(q) {
    return { expr: q.get("expr") || "", from: q.get("from") || "now-1h", to: q.get("to") || "now", mode: q.get("mode") === "table" ? "table" : "graph" };
}
function url(s) {
    const q = new URLSearchParams();
    if (s.expr) q.set("expr", s.expr);
    q.set("from", s.from); q.set("to", s.to); q.set("mode", s.mode);
    return "/explore?" + q;
}

function labelChips(metric, skipName) {
    return h("span", { class: "labels" }, Object.keys(metric || {}).filter((k) => !(skipName && k === "__name__")).sort()
        .map((k) => h("span", { class: "label-chip" }, h("b", null, k), "=", metric[k])));
}

function renderInstant(container, data) {
    const table = h("table", { class: "data-table" });
    const tbody = h("tbody");
    let n = 0;
    if (data.resultType === "scalar" || data.resultType === "string") {
        table.appendChild(h("thead", null, h("tr", null, h("th", null, data.resultType), h("th", { class: "num" }, "Value"))));
        tbody.appendChild(h("tr", null, h("td", null, "scalar"), h("td", { class: "num" }, data.result[1])));
        n = 1;
    } else {
        table.appendChild(h("thead", null, h("tr", null, h("th", null, "Series"), h("th", { class: "num" }, "Value"))));
        for (const r of data.result) {
            const name = r.metric.__name__ ? h("span", { class: "metric-name" }, r.metric.__name__) : null;
            const value = r.value ? r.value[1] : (r.values || []).map((p) => `${p[1]} @${p[0]}`).join("\n");
            tbody.appendChild(h("tr", null, h("td", null, name, labelChips(r.metric, true)), h("td", { class: "num pre" }, value)));
            n++;
        }
    }
    if (!n) { container.appendChild(emptyState("Empty result", "No series match at this time. Widen the selector or check the time.")); return 0; }
    table.appendChild(tbody);
    container.appendChild(h("div", { class: "table-wrap" }, table));
    return n;
}

// ---- Alerts

function parseMatchers(text) {
    const out = [];
    for (const part of text.split(/,(?=\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=))/)) {
        if (!part.trim()) continue;
        const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|(.*?))\s*$/.exec(part);
        if (!m) throw new Error(`"${part.trim()}" is not a matcher: use name=value, name!=value, name=~regex or name!~regex`);
        const value = m[3] != null ? m[3].replace(/\\(.)/g, "$1") : m[4];
        out.push({ name: m[1], value, isRegex: m[2].includes("~"), isEqual: !m[2].startsWith("!") });
    }
    if (!out.length) throw new Error("Give at least one matcher, e.g. alertname=HighLatency");
    return out;
}

// Whether a silence's matchers all match these labels (Alertmanager's rules: regexes anchored).
function silences(sl, labels) {
    return (sl.matchers || []).every((m) => {
        const v = labels[m.name] ?? "";
        let ok;
        try { ok = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(v) : v === m.value; } catch { ok = false; }
        return m.isEqual === false ? !ok : ok;
    });
}

const matcherText = (m) => `${m.name}${m.isEqual === false ? (m.isRegex ? "!~" : "!=") : m.isRegex ? "=~" : "="}${JSON.stringify(m.value)}`;

export async function alerts(ctx) {
    document.title = "Alerts – Osprey";
    const main = ctx.main;
    const rulesBox = h("div", { class: "rules" });
    const silBox = h("div", { class: "silences" });
    const matchersIn = h("input", { class: "input wide", name: "matchers", placeholder: 'alertname=HighLatency, instance=~"host-.*"', "aria-label": "Matchers" });
    const durIn = h("input", { class: "input", name: "duration", value: "2h", size: 6, "aria-label": "Duration" });
    const creatorIn = h("input", { class: "input", name: "createdBy", placeholder: "your name", value: localStorage.getItem("osprey.creator") || "", "aria-label": "Created by" });
    const commentIn = h("input", { class: "input wide", name: "comment", placeholder: "why", "aria-label": "Comment" });
    const formMsg = h("div", { class: "form-msg" });
    const form = h("form", { class: "silence-form" },
        h("label", null, "Matchers", matchersIn), h("label", null, "Duration", durIn), h("label", null, "Created by", creatorIn),
        h("label", null, "Comment", commentIn), h("button", { class: "btn btn-primary", type: "submit" }, "Create silence"), formMsg);
    form.addEventListener("submit", async (e) => {
        e.preventDefault();
        formMsg.className = "form-msg";
        formMsg.textContent = "";
        try {
            const matchers = parseMatchers(matchersIn.value);
            const dur = parseDuration(durIn.value);
            if (!(dur > 0)) throw new Error("Duration must be like 30m, 2h or 1d");
            if (!creatorIn.value.trim()) throw new Error("Say who creates the silence");
            const now = Date.now();
            const r = await api.createSilence({ matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + dur).toISOString(),
                createdBy: creatorIn.value.trim(), comment: commentIn.value.trim() || "silenced from the Osprey UI" });
            localStorage.setItem("osprey.creator", creatorIn.value.trim());
            formMsg.className = "form-msg ok";
            formMsg.textContent = `Silence ${r && r.silenceID ? r.silenceID : ""} created.`;
            matchersIn.value = ""; commentIn.value = "";
            await loadSilences(); loadRules();
        } catch (err) {
            formMsg.className = "form-msg error";
            formMsg.textContent = err.message;
        }
    });
    const summary = h("div", { class: "alert-summary" });
    main.textContent = "";
    main.append(h("div", { class: "page-head" }, h("h1", null, "Alerts"), summary),
        h("h2", null, "Alert rules"), rulesBox,
        h("h2", null, "Silences"), silBox,
        h("h3", null, "New silence"), form);

    const silence = (labels) => {
        matchersIn.value = Object.keys(labels).filter((k) => k !== "__name__").sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(", ");
        form.scrollIntoView({ behavior: "smooth", block: "center" });
        commentIn.focus();
    };

    async function loadRules() {
        let groups;
        try { groups = ((await api.rules(ctx.signal)).data || {}).groups || []; } catch (e) {
            if (e.name === "AbortError") return;
            rulesBox.textContent = ""; rulesBox.appendChild(errorBox(e, "Could not load rules")); return;
        }
        rulesBox.textContent = "";
        let firing = 0, pending = 0;
        if (!groups.length) {
            rulesBox.appendChild(emptyState("No alert rules: add rule_files to the config", "Rule files hold groups of alerting and recording rules, as in Prometheus."));
        }
        for (const g of groups) {
            const table = h("table", { class: "data-table rules-table" },
                h("thead", null, h("tr", null, h("th", null, "State"), h("th", null, "Rule"), h("th", null, "Query"), h("th", null, "For"), h("th", null, "Labels"), h("th", null, "Health"))));
            const tbody = h("tbody");
            for (const r of g.rules || []) {
                const state = r.type === "recording" ? "recording" : r.state || "inactive";
                tbody.appendChild(h("tr", { class: "rule-row", "data-state": state },
                    h("td", null, badge(state)), h("td", null, h("b", null, r.name)), h("td", null, h("code", { class: "query" }, r.query)),
                    h("td", null, r.duration ? durationText(r.duration * 1000) : ""), h("td", null, labelChips(r.labels)),
                    h("td", null, badge(r.health || "unknown", r.health === "ok" ? "ok" : r.health === "err" ? "error" : "unknown"), r.lastError ? h("div", { class: "err-text" }, r.lastError) : null)));
                for (const a of r.alerts || []) {
                    if (a.state === "firing") firing++; else if (a.state === "pending") pending++;
                    const silencedBy = activeSilences.filter((sl) => silences(sl, a.labels));
                    tbody.appendChild(h("tr", { class: "alert-row", "data-state": a.state, "data-silenced": silencedBy.length ? "true" : null },
                        h("td", null, badge(a.state), silencedBy.length ? h("div", null, badge("silenced", "expired")) : null), h("td", { colspan: 4 }, labelChips(a.labels),
                            a.annotations && a.annotations.summary ? h("div", { class: "annotation" }, a.annotations.summary) : null),
                        h("td", null, h("span", { class: "since", title: formatTime(Date.parse(a.activeAt)) }, "since ", ago(a.activeAt)),
                            " ", h("span", { class: "muted alert-value" }, "value ", sampleValueText(a.value)), " ",
                            h("button", { class: "btn btn-small", type: "button", onclick: () => silence(a.labels) }, "Silence"))));
                }
            }
            table.appendChild(tbody);
            rulesBox.appendChild(h("section", { class: "rule-group" },
                h("h3", null, g.name, h("span", { class: "muted" }, ` ${g.file || ""} · every ${durationText((g.interval || 0) * 1000)} · last evaluation ${ago(g.lastEvaluation)}`)), table));
        }
        summary.textContent = "";
        summary.append(badge(`${firing} firing`, firing ? "firing" : "inactive"), " ", badge(`${pending} pending`, pending ? "pending" : "inactive"));
    }

    let activeSilences = [];
    async function loadSilences() {
        let list;
        try { list = await api.silences(ctx.signal); } catch (e) {
            if (e.name === "AbortError") return;
            silBox.textContent = ""; silBox.appendChild(errorBox(e, "Could not load silences")); return;
        }
        silBox.textContent = "";
        list = Array.isArray(list) ? list : [];
        activeSilences = list.filter((sl) => sl.status && sl.status.state === "active");
        const order = { active: 0, pending: 1, expired: 2 };
        list.sort((a, b) => (order[a.status && a.status.state] ?? 3) - (order[b.status && b.status.state] ?? 3) || Date.parse(b.endsAt) - Date.parse(a.endsAt));
        if (!list.length) { silBox.appendChild(emptyState("No silences", "Create one below to mute alerts that match its labels for a while.")); return; }
        const tbody = h("tbody");
        for (const s of list) {
            const st = (s.status && s.status.state) || "active";
            tbody.appendChild(h("tr", { class: "silence-row" + (st === "expired" ? " dim" : ""), "data-id": s.id, "data-state": st },
                h("td", null, badge(st)),
                h("td", null, h("span", { class: "labels" }, (s.matchers || []).map((m) => h("span", { class: "label-chip" }, matcherText(m))))),
                h("td", { title: formatTime(Date.parse(s.startsAt)) }, ago(s.startsAt)),
                h("td", { title: formatTime(Date.parse(s.endsAt)) }, formatTime(Date.parse(s.endsAt)), h("div", { class: "muted" }, ago(s.endsAt))),
                h("td", null, s.createdBy || ""), h("td", null, s.comment || ""),
                h("td", null, st !== "expired" ? h("button", { class: "btn btn-small btn-danger", type: "button", onclick: async (e) => {
                    e.target.disabled = true;
                    try { await api.expireSilence(s.id); } catch (err) { silBox.prepend(errorBox(err, "Could not expire")); }
                    await loadSilences(); loadRules();
                } }, "Expire") : null)));
        }
        silBox.appendChild(h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
            h("thead", null, h("tr", null, ["State", "Matchers", "Started", "Ends", "Created by", "Comment", ""].map((x) => h("th", null, x)))), tbody)));
    }

    await loadSilences();
    await loadRules();
    const timer = setInterval(async () => { if (!document.hidden) { await loadSilences(); await loadRules(); } }, 15000);
    ctx.onCleanup(() => clearInterval(timer));
}

// ---- Targets and Probes

function healthBadge(hv) {
    const v = String(hv || "unknown").toLowerCase();
    return badge(v, v === "up" || v === "ok" ? "up" : v === "down" || v === "error" ? "down" : "unknown");
}

export async function targets(ctx) {
    document.title = "Targets – Osprey";
    const main = ctx.main;
    const box = h("div");
    main.textContent = "";
    const unhealthy = h("input", { type: "checkbox", checked: ctx.query.get("health") === "down" });
    unhealthy.addEventListener("change", () => { history.replaceState(null, "", unhealthy.checked ? "/targets?health=down" : "/targets"); load(); });
    main.append(h("div", { class: "page-head" }, h("h1", null, "Targets"),
        h("div", null, h("label", { class: "filter-check" }, unhealthy, "Only unhealthy"), h("button", { class: "btn", type: "button", onclick: () => load() }, "↻ Refresh"))), box);
    async function load() {
        let data;
        try { data = (await api.targets(ctx.signal)).data || {}; } catch (e) {
            if (e.name === "AbortError") return;
            box.textContent = ""; box.appendChild(errorBox(e, "Could not load targets")); return;
        }
        box.textContent = "";
        const active = data.activeTargets || [];
        if (!active.length) {
            box.appendChild(emptyState("No scrape targets: add scrape_configs to the config",
                "Each scrape_configs job lists targets (static_configs or file_sd_configs); Osprey scrapes them and shows their health here."));
            return;
        }
        const pools = new Map();
        const shown = unhealthy.checked ? active.filter((t) => t.health !== "up") : active;
        if (!shown.length) box.appendChild(emptyState("Every target is up", "Untick \"Only unhealthy\" to see them all."));
        for (const t of shown) { if (!pools.has(t.scrapePool)) pools.set(t.scrapePool, []); pools.get(t.scrapePool).push(t); }
        for (const [pool, list] of [...pools].sort((a, b) => a[0].localeCompare(b[0]))) {
            const up = list.filter((t) => t.health === "up").length;
            const dropped = (data.droppedTargetCounts || {})[pool] || 0;
            const tbody = h("tbody");
            for (const t of list) {
                tbody.appendChild(h("tr", { "data-health": t.health },
                    h("td", null, safeURL(t.scrapeUrl) ? h("a", { href: t.scrapeUrl, target: "_blank", rel: "noopener noreferrer" }, t.scrapeUrl) : t.scrapeUrl),
                    h("td", null, healthBadge(t.health)),
                    h("td", null, labelChips(t.labels)),
                    h("td", { title: t.lastScrape }, ago(t.lastScrape)),
                    h("td", { class: "num" }, t.lastScrapeDuration ? formatValue(t.lastScrapeDuration, "s") : "–"),
                    h("td", { class: "err-text" }, t.lastError || "")));
            }
            box.appendChild(h("section", { class: "pool", "data-pool": pool },
                h("h2", null, pool, " ", h("span", { class: up === list.length ? "count ok" : "count bad" }, `(${up}/${list.length} up)`),
                    dropped ? h("span", { class: "muted" }, ` ${dropped} dropped by relabelling`) : null),
                h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
                    h("thead", null, h("tr", null, ["Endpoint", "State", "Labels", "Last scrape", "Duration", "Error"].map((x) => h("th", null, x)))), tbody))));
        }
    }
    await load();
    const timer = setInterval(() => { if (!document.hidden) load(); }, 15000);
    ctx.onCleanup(() => clearInterval(timer));
}

// The error to show beside a probe: the last one only while the latest probe failed. After a
// success it is history, which the "Last success" column already answers.
function currentProbeError(p) {
    return p.health === "up" ? "" : p.lastError || "";
}

export async function probes(ctx) {
    document.title = "Probes – Osprey";
    const main = ctx.main;
    const box = h("div");
    main.textContent = "";
    main.append(h("div", { class: "page-head" }, h("h1", null, "Probes"), h("button", { class: "btn", type: "button", onclick: () => load() }, "↻ Refresh")), box);
    async function load() {
        let list;
        try { list = ((await api.probes(ctx.signal)).data || {}).probes || []; } catch (e) {
            if (e.name === "AbortError") return;
            box.textContent = ""; box.appendChild(errorBox(e, "Could not load probes")); return;
        }
        box.textContent = "";
        if (!list.length) {
            box.appendChild(emptyState("No probes: add a probes section (modules and jobs) to the config",
                "Probes check endpoints from the outside (HTTP, TCP, ICMP, DNS) like the blackbox exporter; their results appear here."));
            return;
        }
        list.sort((a, b) => (a.job || "").localeCompare(b.job || "") || (a.target || "").localeCompare(b.target || ""));
        const tbody = h("tbody");
        for (const p of list) {
            tbody.appendChild(h("tr", { "data-health": p.health },
                h("td", null, p.job), h("td", null, p.target), h("td", null, p.module), h("td", null, healthBadge(p.health)),
                h("td", { title: p.lastSuccess || "" }, ago(p.lastSuccess)), h("td", { title: p.lastProbe || "" }, ago(p.lastProbe)),
                h("td", { class: "num" }, p.lastDuration != null ? formatValue(p.lastDuration, "s") : "–"),
                h("td", { class: "num" }, p.skippedTurns ? String(p.skippedTurns) : ""),
                h("td", { class: "err-text" }, currentProbeError(p))));
        }
        box.appendChild(h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
            h("thead", null, h("tr", null, ["Job", "Target", "Module", "Health", "Last success", "Last probe", "Duration", "Skipped", "Error"].map((x) => h("th", null, x)))), tbody)));
    }
    await load();
    const timer = setInterval(() => { if (!document.hidden) load(); }, 15000);
    ctx.onCleanup(() => clearInterval(timer));
}
