"use strict";
// Dashboard panels: timeseries (and legacy graph), stat, gauge, bargauge, table, text; a
// placeholder for anything else. Each panel's element carries data-panel-id, data-panel-type,
// data-state (loading|ok|empty|error|unsupported) and, once drawn, data-series-count.

import * as api from "./api.js";
import { TimeChart, colorFor, sparkline, svgEl, reduce } from "./chart.js";
import { formatValue, seriesName, parseDuration, roundInterval, durationText } from "./format.js";
import { markdown, sanitizedHTML, safeColor } from "./richtext.js";
import { h } from "./ui.js";

// Time from a query's result to the panel painted, per panel id (ms, performance.now()).
window.ospreyPaint = window.ospreyPaint || {};
// `?paintLog=1` (for osprey-bench ui-paint): paint marks in the console, whose lines the browser
// stamps with the wall clock, which a virtual time budget does not stop. Read before the router
// rewrites the URL.
const paintLog = new URLSearchParams(location.search).has("paintLog");
// Its parts: building the DOM, layout, waiting for the frame.
window.ospreyTiming = window.ospreyTiming || {};

// At most a few queries at once: the server has few cores and the browser few connections.
const MAX_CONCURRENT = 4;
let running = 0;
const waiting = [];
async function limited(fn) {
    if (running >= MAX_CONCURRENT) await new Promise((r) => waiting.push(r));
    running++;
    try { return await fn(); } finally { running--; const next = waiting.shift(); if (next) next(); }
}

const NAMED_COLORS = {
    green: "#73BF69", "dark-green": "#37872D", "semi-dark-green": "#56A64B", "light-green": "#96D98D", "super-light-green": "#C8F2C2",
    red: "#F2495C", "dark-red": "#C4162A", "semi-dark-red": "#E02F44", "light-red": "#FF7383", "super-light-red": "#FFA6B0",
    yellow: "#FADE2A", "dark-yellow": "#E0B400", "semi-dark-yellow": "#F2CC0C", "light-yellow": "#FFEE52", "super-light-yellow": "#FFF899",
    orange: "#FF9830", "dark-orange": "#FA6400", "semi-dark-orange": "#FF780A", "light-orange": "#FFB357", "super-light-orange": "#FFCB7D",
    blue: "#5794F2", "dark-blue": "#1F60C4", "semi-dark-blue": "#3274D9", "light-blue": "#8AB8FF", "super-light-blue": "#C0D8FF",
    purple: "#B877D9", "dark-purple": "#8F3BB8", "semi-dark-purple": "#A352CC", "light-purple": "#CA95E5", "super-light-purple": "#DEB6F2",
    text: "#ccccdc", transparent: "transparent",
};
// A dashboard's colour as CSS: Grafana's names, or any colour safeColor accepts; else the default.
export const color = (c) => NAMED_COLORS[c] || safeColor(c) || "#73BF69";

export const SUPPORTED = new Set(["timeseries", "graph", "stat", "singlestat", "gauge", "bargauge", "table", "table-old", "text"]);

function fieldDefaults(def) {
    const d = (def.fieldConfig && def.fieldConfig.defaults) || {};
    const custom = d.custom || {};
    // legacy graph/singlestat keep unit, decimals and min/max in yaxes/format
    let unit = d.unit, min = d.min, max = d.max, decimals = d.decimals;
    if (def.type === "graph" && Array.isArray(def.yaxes) && def.yaxes[0]) {
        unit = unit || def.yaxes[0].format; min = min ?? def.yaxes[0].min; max = max ?? def.yaxes[0].max;
        decimals = decimals ?? def.yaxes[0].decimals;
    }
    if (def.type === "singlestat") unit = unit || def.format;
    const num = (x) => (x == null || x === "" ? null : Number(x));
    return { unit, decimals: num(decimals), min: num(min), max: num(max), custom, thresholds: d.thresholds, mappings: d.mappings || [], color: d.color || {} };
}

// The colour of value v from the thresholds' steps (absolute or percentage of min..max).
export function thresholdColor(fd, v, min, max) {
    const steps = (fd.thresholds && fd.thresholds.steps) || [{ value: null, color: "green" }, { value: 80, color: "red" }];
    let x = v;
    if (fd.thresholds && fd.thresholds.mode === "percentage") x = ((v - min) / ((max - min) || 1)) * 100;
    let c = steps[0] && steps[0].color;
    for (const s of steps) if (s.value == null || x >= s.value) c = s.color;
    return color(c);
}

function valueColor(fd, v, min, max, name) {
    const mode = fd.color.mode;
    if (mode === "fixed" || mode === "single") return color(fd.color.fixedColor);
    if (mode && mode.startsWith("palette")) return colorFor(name || "");
    return thresholdColor(fd, v, min, max);
}

// Value mappings: {type:"value", options:{"1":{text,color}}}, {type:"range", options:{from,to,result}}, special null/nan.
function mapValue(fd, v) {
    for (const m of fd.mappings) {
        const o = m.options || {};
        if (m.type === "value" && o[String(v)]) return o[String(v)];
        if (m.type === "range" && (o.from == null || v >= o.from) && (o.to == null || v <= o.to)) return o.result;
        if (m.type === "special" && ((o.match === "null" && v == null) || (o.match === "nan" && Number.isNaN(v)))) return o.result;
    }
    return null;
}

function display(fd, v, min, max, name) {
    const m = v == null ? mapValue(fd, v) : mapValue(fd, v);
    const text = m && m.text != null ? m.text : formatValue(v, fd.unit, fd.decimals);
    const c = m && m.color ? color(m.color) : v == null || Number.isNaN(v) ? "#8e8e8e" : valueColor(fd, v, min, max, name);
    return { text, color: c };
}

function legacyCalcs(legend) {
    if (!legend) return [];
    return [["min", "min"], ["max", "max"], ["avg", "mean"], ["current", "lastNotNull"], ["total", "sum"]].filter(([k]) => legend[k]).map(([, c]) => c);
}

function legendName(fmt, metric, expr) {
    if (fmt && fmt !== "__auto") return fmt.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, k) => metric[k] ?? "");
    const n = seriesName(metric);
    return n === "{}" ? expr : n;
}

function toSeries(result, target, expr) {
    return result.map((r) => {
        const n = r.values.length;
        const ts = new Float64Array(n), vals = new Float64Array(n);
        for (let i = 0; i < n; i++) { ts[i] = r.values[i][0] * 1000; vals[i] = parseFloat(r.values[i][1]); }
        return { name: legendName(target.legendFormat, r.metric, expr), metric: r.metric, ts, vals, refId: target.refId };
    });
}

function instantRows(data, target, expr) {
    if (data.resultType === "scalar" || data.resultType === "string") {
        return [{ name: legendName(target.legendFormat, {}, expr), metric: {}, value: parseFloat(data.result[1]), refId: target.refId }];
    }
    return data.result.map((r) => ({ name: legendName(target.legendFormat, r.metric, expr), metric: r.metric, value: parseFloat(r.value[1]), refId: target.refId }));
}

// ---- the panel

export class Panel {
    constructor(def, hooks) {
        this.def = def;
        this.hooks = hooks; // {onZoom(from, to), exploreHref(expr)}
        this.type = def.type || "graph";
        this.id = def.id != null ? String(def.id) : def._key;
        this.fd = fieldDefaults(def);
        this.el = h("div", { class: "panel", dataset: { panelId: this.id, panelType: this.type } });
        this.titleEl = h("span", { class: "panel-title", title: def.description || "" });
        this.statusEl = h("span", { class: "panel-status" });
        this.linkEl = h("a", { class: "panel-link", title: "Open in Explore", hidden: true }, "↗");
        this.viewEl = hooks.viewHref ? h("a", { class: "panel-link", title: "View this panel alone", href: hooks.viewHref(this.id) }, "⤢") : null;
        this.el.append(h("div", { class: "panel-head" }, this.titleEl, this.statusEl, this.linkEl, this.viewEl));
        this.body = h("div", { class: "panel-body" });
        this.el.appendChild(this.body);
        this.generation = 0;
        if (!SUPPORTED.has(this.type)) {
            this.setState("unsupported");
            this.el.dataset.seriesCount = "0";
            this.body.appendChild(h("div", { class: "panel-msg" }, `Panel type ${this.type} is not supported`));
        }
    }

    setState(s, msg) {
        this.el.dataset.state = s;
        this.statusEl.textContent = s === "loading" ? "…" : "";
        this.statusEl.className = "panel-status" + (s === "error" ? " error" : "");
        if (s === "error") { this.statusEl.textContent = "⚠"; this.statusEl.title = msg || ""; }
    }

    destroy() {
        this.generation++;
        if (this.abort) this.abort.abort();
        if (this.chart) this.chart.destroy();
        if (this.ro) this.ro.disconnect();
    }

    // Stats, gauges and bars are laid out for the panel's size: draw them again when it changes.
    watchSize() {
        if (this.ro || this.type === "timeseries" || this.type === "graph" || this.type === "text" || this.type.startsWith("table")) return;
        let size = `${this.body.clientWidth}x${this.body.clientHeight}`, pending = 0;
        this.ro = new ResizeObserver(() => {
            const now = `${this.body.clientWidth}x${this.body.clientHeight}`;
            if (now === size || !this.last) return;
            size = now;
            cancelAnimationFrame(pending);
            pending = requestAnimationFrame(() => { if (this.last) this.render(this.last.results, this.last.range); });
        });
        this.ro.observe(this.body);
    }

    // env: {from, to (ms), interpolate(text, builtins), widthHint}
    async run(env) {
        if (this.type === "row" || !SUPPORTED.has(this.type)) return;
        const def = this.def;
        const interp = (s, extra) => env.interpolate(s, Object.assign({}, this.builtins, extra), def.scopedVars);
        // panel time overrides
        let { from, to } = env;
        const shift = parseDuration(interp(def.timeShift || ""));
        const rel = parseDuration(interp(def.timeFrom || ""));
        if (rel > 0) from = to - rel;
        if (shift > 0) { from -= shift; to -= shift; }
        const width = Math.max(100, this.body.clientWidth || env.widthHint || 600);
        const rangeMs = to - from;
        this.titleEl.textContent = env.interpolate(def.title || "", {}, def.scopedVars, "text") + (rel > 0 || shift > 0 ? `  (${rel > 0 ? "last " + durationText(rel) : ""}${shift > 0 ? " shifted " + durationText(shift) : ""})` : "");
        if (this.type === "text") return this.renderText(env);
        const gen = ++this.generation;
        if (this.abort) this.abort.abort();
        this.abort = new AbortController();
        const signal = this.abort.signal;
        this.setState("loading");
        const targets = (def.targets || []).filter((t) => !t.hide && (t.expr || "").trim());
        const minPanel = parseDuration(String(def.interval || "").replace(/^>/, "")) || 0;
        try {
            const jobs = targets.map((t) => {
                const minT = parseDuration(interp(String(t.interval || "").replace(/^>/, ""))) || minPanel || 15000;
                const intervalMs = Math.max(roundInterval(rangeMs / (def.maxDataPoints || width)), minT);
                const stepMs = Math.max(intervalMs, Math.ceil(rangeMs / 11000 / 1000) * 1000);
                const builtins = {
                    __interval: durationText(stepMs), __interval_ms: String(stepMs),
                    __rate_interval: durationText(Math.max(stepMs + 15000, 4 * 15000)),
                    __range: durationText(rangeMs), __range_s: String(Math.round(rangeMs / 1000)), __range_ms: String(Math.round(rangeMs)),
                    __from: String(Math.round(from)), __to: String(Math.round(to)),
                };
                const expr = interp(t.expr, builtins);
                const instant = this.wantsInstant(t);
                const start = Math.floor(from / stepMs) * stepMs, end = Math.floor(to / stepMs) * stepMs;
                return limited(() => (instant ? api.query(expr, to, signal) : api.queryRange(expr, start, end, stepMs, signal)))
                    .then((data) => ({ t, expr, instant, data, stepMs }));
            });
            const results = await Promise.all(jobs);
            if (gen !== this.generation) return;
            const t0 = performance.now();
            if (paintLog) console.log(`osprey-paint-start ${this.id}`);
            if (results[0]) this.linkEl.hidden = false, this.linkEl.href = this.hooks.exploreHref(results[0].expr);
            this.last = { results, range: { from, to } };
            const count = this.render(results, { from, to });
            this.watchSize();
            this.el.dataset.seriesCount = String(count);
            this.setState(count > 0 ? "ok" : "empty");
            const t1 = performance.now();
            this.body.getBoundingClientRect(); // lay out now so the measure covers it
            const t2 = performance.now();
            requestAnimationFrame(() => {
                if (gen !== this.generation) return;
                const t3 = performance.now();
                window.ospreyPaint[this.id] = Math.round((t3 - t0) * 100) / 100;
                if (paintLog) console.log(`osprey-paint-done ${this.id}`);
                window.ospreyTiming[this.id] = { render: Math.round((t1 - t0) * 10) / 10, layout: Math.round((t2 - t1) * 10) / 10, frame: Math.round((t3 - t2) * 10) / 10, detail: this.detail };
            });
        } catch (e) {
            if (e.name === "AbortError" || gen !== this.generation) return;
            this.showError(e);
        }
    }

    wantsInstant(t) {
        if (this.type === "table" || this.type === "table-old") return t.instant !== false || t.format === "table";
        if (["stat", "gauge", "bargauge", "singlestat"].includes(this.type)) return t.instant === true;
        return false;
    }

    showError(e) {
        if (this.chart) { this.chart.destroy(); this.chart = null; }
        this.body.textContent = "";
        this.body.appendChild(h("div", { class: "panel-msg error" }, e.message || String(e)));
        this.el.dataset.seriesCount = "0";
        this.setState("error", e.message);
    }

    renderText(env) {
        const o = this.def.options || {};
        const mode = o.mode || this.def.mode || "markdown";
        // In HTML, a variable's value is text (Grafana's "html" format), never markup of its own.
        const content = env.interpolate(o.content ?? this.def.content ?? "", {}, this.def.scopedVars, mode === "html" ? "html" : undefined);
        const div = h("div", { class: "panel-text markdown" });
        if (mode === "html") div.appendChild(sanitizedHTML(content));
        else if (mode === "code") div.appendChild(h("pre", null, content));
        else div.appendChild(markdown(content));
        this.body.textContent = "";
        this.body.appendChild(div);
        this.el.dataset.seriesCount = "0";
        this.setState("ok");
        window.ospreyPaint[this.id] = 0;
    }

    // Returns the number of series drawn.
    render(results, range) {
        const t = this.type;
        if (t === "timeseries" || t === "graph") return this.renderTimeseries(results, range);
        if (t === "table" || t === "table-old") return this.renderTable(results);
        return this.renderValues(results, range);
    }

    renderTimeseries(results, range) {
        const series = [];
        let step = 15000;
        for (const r of results) {
            step = r.stepMs;
            if (r.data.resultType === "matrix") series.push(...toSeries(r.data.result, r.t, r.expr));
        }
        if (!series.length) return this.renderEmpty();
        const tc = performance.now();
        const def = this.def, fd = this.fd, o = def.options || {}, custom = fd.custom;
        const legend = o.legend || {};
        if (!this.chart) {
            this.body.textContent = "";
            const legacy = def.type === "graph";
            this.chart = new TimeChart(this.body, {
                unit: fd.unit, decimals: fd.decimals, min: fd.min, max: fd.max,
                fillOpacity: legacy ? (def.fill || 0) * 10 : custom.fillOpacity || 0,
                lineWidth: legacy ? def.linewidth : custom.lineWidth,
                drawStyle: legacy ? (def.bars ? "bars" : def.points && !def.lines ? "points" : "line") : custom.drawStyle,
                stacking: legacy ? (def.stack ? "normal" : "none") : custom.stacking && custom.stacking.mode,
                showLegend: legacy ? !(def.legend && def.legend.show === false) : legend.showLegend !== false && legend.displayMode !== "hidden",
                legendPlacement: legend.placement,
                tooltip: !(o.tooltip && o.tooltip.mode === "hidden"),
                legendCalcs: legacy ? legacyCalcs(def.legend) : legend.calcs || [],
                legendMode: legacy ? (def.legend && def.legend.alignAsTable ? "table" : "list") : legend.displayMode,
                thresholds: custom.thresholdsStyle && fd.thresholds ? { style: custom.thresholdsStyle.mode, steps: (fd.thresholds.steps || []).map((st) => ({ value: st.value, color: color(st.color) })) } : null,
                onZoom: this.hooks.onZoom,
                softMin: custom.axisSoftMin != null ? Number(custom.axisSoftMin) : null,
                softMax: custom.axisSoftMax != null ? Number(custom.axisSoftMax) : null,
                spanNulls: custom.spanNulls,
            });
        }
        const fixed = fd.color.mode === "fixed" ? color(fd.color.fixedColor) : null;
        for (const s of series) {
            s.color = fixed || colorFor(s.name);
            this.applyOverrides(s);
        }
        const td = performance.now();
        this.chart.setData(series, { from: range.from, to: range.to, step });
        const r1 = (x) => Math.round(x * 10) / 10;
        this.detail = { create: r1(td - tc), setData: r1(performance.now() - td), lines: r1(this.chart.timing.build) };
        return series.length;
    }

    // fieldConfig.overrides matched by name or regex: colour, display name, negative-Y.
    applyOverrides(s) {
        const list = (this.def.fieldConfig && this.def.fieldConfig.overrides) || [];
        for (const ov of list) {
            const m = ov.matcher || {};
            let hit = false;
            try {
                if (m.id === "byName") hit = s.name === m.options;
                else if (m.id === "byNames") hit = ((m.options && m.options.names) || []).includes(s.name) !== (m.options && m.options.mode === "exclude");
                else if (m.id === "byRegexp") { const r = /^\/(.*)\/([a-z]*)$/.exec(m.options || ""); hit = (r ? new RegExp(r[1], r[2]) : new RegExp(`^(?:${m.options})$`)).test(s.name); }
                else if (m.id === "byFrameRefID") hit = s.refId === m.options;
            } catch { hit = false; }
            if (!hit) continue;
            for (const p of ov.properties || []) {
                if (p.id === "color" && p.value && p.value.fixedColor) s.color = color(p.value.fixedColor);
                else if (p.id === "displayName" && p.value) s.name = String(p.value);
                else if (p.id === "custom.transform" && p.value === "negative-Y") for (let i = 0; i < s.vals.length; i++) s.vals[i] = -s.vals[i];
                else if (p.id === "custom.fillOpacity") s.fillOpacity = Number(p.value);
                else if (p.id === "custom.lineWidth") s.lineWidth = Number(p.value);
                else if (p.id === "custom.lineStyle" && p.value && p.value.fill !== "solid") s.dash = p.value.dash || (p.value.fill === "dot" ? [0, 10] : [10, 10]);
                else if (p.id === "custom.hideFrom" && p.value && p.value.viz) s.hideViz = true;
            }
        }
    }

    // The panel's field settings for one table column, with the overrides matching its name.
    columnField(name) {
        const fd = { ...this.fd };
        for (const ov of (this.def.fieldConfig && this.def.fieldConfig.overrides) || []) {
            const m = ov.matcher || {};
            if (m.id !== "byName" || m.options !== name) continue;
            for (const p of ov.properties || []) {
                if (p.id === "unit") fd.unit = p.value;
                else if (p.id === "decimals") fd.decimals = p.value == null ? null : Number(p.value);
                else if (p.id === "min") fd.min = Number(p.value);
                else if (p.id === "max") fd.max = Number(p.value);
            }
        }
        return fd;
    }

    renderEmpty() {
        if (this.chart) { this.chart.destroy(); this.chart = null; }
        this.body.textContent = "";
        this.body.appendChild(h("div", { class: "panel-msg" }, "No data"));
        return 0;
    }

    // stat, gauge, bargauge: one value per series.
    renderValues(results, range) {
        const o = this.def.options || {};
        const calc = (o.reduceOptions && o.reduceOptions.calcs && o.reduceOptions.calcs[0]) || (this.def.valueName === "current" ? "lastNotNull" : this.def.valueName) || "lastNotNull";
        const items = [];
        for (const r of results) {
            if (r.instant) for (const row of instantRows(r.data, r.t, r.expr)) items.push({ name: row.name, value: row.value });
            else if (r.data.resultType === "matrix") {
                for (const s of toSeries(r.data.result, r.t, r.expr)) items.push({ name: s.name, value: reduce(s.vals, calc), series: s });
            }
        }
        if (this.chart) { this.chart.destroy(); this.chart = null; }
        this.body.textContent = "";
        if (!items.length) return this.renderEmpty();
        const limit = (o.reduceOptions && o.reduceOptions.limit) || 50;
        const shown = items.slice(0, limit);
        const fd = this.fd;
        const isPct = fd.unit === "percentunit";
        const min = fd.min != null ? fd.min : this.type === "stat" ? Math.min(0, ...shown.map((i) => i.value ?? 0)) : 0;
        const max = fd.max != null ? fd.max : isPct ? 1 : this.type === "stat" ? Math.max(...shown.map((i) => i.value ?? 0)) : 100;
        if (this.type === "gauge") this.renderGauges(shown, min, max);
        else if (this.type === "bargauge") this.renderBars(shown, min, max);
        else this.renderStats(shown, min, max, range);
        return shown.length;
    }

    renderStats(items, min, max, range) {
        const o = this.def.options || {};
        const colorMode = o.colorMode || "value";
        const graph = (o.graphMode || "area") !== "none";
        const textMode = o.textMode || "auto";
        const wrap = h("div", { class: "stats" + (o.orientation === "vertical" ? " vertical" : "") });
        this.body.appendChild(wrap);
        const W = this.body.clientWidth, H = this.body.clientHeight;
        const horizontal = o.orientation === "horizontal" || (o.orientation !== "vertical" && W > H * 1.5);
        const cols = horizontal ? items.length : 1, rows = horizontal ? 1 : items.length;
        const cw = W / cols, ch = H / rows;
        wrap.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
        for (const it of items) {
            const d = display(this.fd, it.value, min, max, it.name);
            const showName = textMode === "name" || textMode === "value_and_name" || (textMode === "auto" && items.length > 1);
            const tile = h("div", { class: "stat" + (colorMode === "background" ? " bg" : "") });
            if (colorMode === "background") tile.style.background = d.color;
            const size = Math.max(12, Math.min(ch * (showName ? 0.38 : 0.5), (cw / Math.max(3, d.text.length)) * 1.6, 64));
            if (showName) tile.appendChild(h("div", { class: "stat-name", title: it.name, style: { fontSize: Math.max(11, size * 0.35) + "px" } }, it.name));
            if (textMode !== "name" && textMode !== "none") {
                tile.appendChild(h("div", { class: "stat-value", style: { fontSize: size + "px", color: colorMode === "value" ? d.color : "" } }, d.text));
            }
            wrap.appendChild(tile);
            if (graph && it.series && ch > 50) {
                const sl = h("div", { class: "stat-spark" });
                tile.appendChild(sl);
                sparkline(sl, it.series.ts, it.series.vals, colorMode === "background" ? "#ffffff" : d.color, range);
            }
        }
    }

    renderGauges(items, min, max) {
        const wrap = h("div", { class: "gauges" });
        this.body.appendChild(wrap);
        const W = this.body.clientWidth, H = this.body.clientHeight;
        const horizontal = W >= H;
        const cw = horizontal ? W / items.length : W, ch = horizontal ? H : H / items.length;
        wrap.style.flexDirection = horizontal ? "row" : "column";
        const steps = (this.fd.thresholds && this.fd.thresholds.steps) || [{ value: null, color: "green" }, { value: 80, color: "red" }];
        const pctMode = this.fd.thresholds && this.fd.thresholds.mode === "percentage";
        for (const it of items) {
            const showName = items.length > 1;
            const gw = cw, gh = ch - (showName ? 18 : 0);
            const r = Math.max(10, Math.min(gw / 2 - 4, (gh - 8) / 1.5));
            const svg = svgEl("svg", { class: "gauge", width: gw, height: gh, viewBox: `0 0 ${gw} ${gh}` });
            const cx = gw / 2, cy = 4 + r + Math.max(0, (gh - 8 - 1.5 * r) / 2);
            const start = Math.PI * (5 / 6), sweep = Math.PI * (4 / 3);
            const arc = (f0, f1, rad) => {
                const t0 = start + sweep * f0, t1 = start + sweep * f1;
                const p = (t) => `${(cx + rad * Math.cos(t)).toFixed(2)} ${(cy + rad * Math.sin(t)).toFixed(2)}`;
                return `M${p(t0)}A${rad} ${rad} 0 ${t1 - t0 > Math.PI ? 1 : 0} 1 ${p(t1)}`;
            };
            const frac = (v) => Math.max(0, Math.min(1, (v - min) / ((max - min) || 1)));
            const thick = Math.max(4, r * 0.2);
            svgEl("path", { d: arc(0, 1, r - thick / 2 - 6), fill: "none", stroke: "#2c3235", "stroke-width": thick }, svg);
            // threshold band
            for (let i = 0; i < steps.length; i++) {
                const lo = i === 0 ? 0 : pctMode ? steps[i].value / 100 : frac(steps[i].value);
                const hi = i + 1 < steps.length ? (pctMode ? steps[i + 1].value / 100 : frac(steps[i + 1].value)) : 1;
                if (hi > lo) svgEl("path", { d: arc(lo, hi, r - 2), fill: "none", stroke: color(steps[i].color), "stroke-width": 4 }, svg);
            }
            const d = display(this.fd, it.value, min, max, it.name);
            const f = it.value == null || Number.isNaN(it.value) ? 0 : frac(it.value);
            if (f > 0) svgEl("path", { d: arc(0, Math.max(f, 0.002), r - thick / 2 - 6), fill: "none", stroke: d.color, "stroke-width": thick }, svg);
            const tx = svgEl("text", { x: cx, y: cy + r * 0.12, "text-anchor": "middle", class: "gauge-value", fill: d.color,
                "font-size": Math.max(9, Math.min(r * 0.42, (r * 2.1) / Math.max(3, d.text.length))) }, svg);
            tx.textContent = d.text;
            const cell = h("div", { class: "gauge-cell", style: { width: cw + "px", height: ch + "px" } }, svg);
            if (showName) cell.appendChild(h("div", { class: "gauge-name", title: it.name }, it.name));
            wrap.appendChild(cell);
        }
    }

    renderBars(items, min, max) {
        const o = this.def.options || {};
        const vertical = o.orientation === "vertical";
        const wrap = h("div", { class: "bars" + (vertical ? " vertical" : "") });
        for (const it of items) {
            const d = display(this.fd, it.value, min, max, it.name);
            const f = it.value == null || Number.isNaN(it.value) ? 0 : Math.max(0, Math.min(1, (it.value - min) / ((max - min) || 1)));
            const fill = h("div", { class: "bar-fill", style: { background: o.displayMode === "gradient" ? `linear-gradient(${vertical ? "0deg" : "90deg"}, ${d.color}40, ${d.color})` : d.color } });
            fill.style[vertical ? "height" : "width"] = (f * 100).toFixed(2) + "%";
            wrap.appendChild(h("div", { class: "bar-row" },
                h("div", { class: "bar-name", title: it.name }, it.name),
                h("div", { class: "bar-track" }, fill),
                h("div", { class: "bar-value", style: { color: d.color } }, d.text)));
        }
        this.body.appendChild(wrap);
    }

    renderTable(results) {
        const rows = new Map();
        const labels = new Set();
        const valueCols = [];
        const multi = results.length > 1;
        for (const r of results) {
            const col = multi ? `Value #${r.t.refId || valueCols.length + 1}` : "Value";
            valueCols.push(col);
            let list;
            if (r.instant) list = instantRows(r.data, r.t, r.expr);
            else list = toSeries(r.data.result || [], r.t, r.expr).map((s) => ({ metric: s.metric, value: reduce(s.vals, "lastNotNull") }));
            for (const row of list) {
                const m = { ...row.metric };
                Object.keys(m).forEach((k) => labels.add(k));
                const key = JSON.stringify(Object.keys(m).filter((k) => k !== "__name__" || !multi).sort().map((k) => [k, m[k]]));
                if (!rows.has(key)) rows.set(key, { labels: m, values: {} });
                rows.get(key).values[col] = row.value;
            }
        }
        if (this.chart) { this.chart.destroy(); this.chart = null; }
        this.body.textContent = "";
        if (!rows.size) return this.renderEmpty();
        const labelCols = [...labels].sort((a, b) => (a === "__name__" ? -1 : b === "__name__" ? 1 : a.localeCompare(b)));
        // Grafana's `organize` transformation: columns hidden and renamed; overrides then match
        // a column by the name it is shown with.
        const organize = ((this.def.transformations || []).find((t) => t.id === "organize") || {}).options || {};
        const hidden = organize.excludeByName || {}, renamed = organize.renameByName || {};
        const cols = [...labelCols.map((l) => ({ name: l, label: true })), ...valueCols.map((v) => ({ name: v, label: false }))]
            .filter((c) => !hidden[c.name])
            .map((c) => ({ ...c, title: renamed[c.name] || c.name, fd: c.label ? null : this.columnField(renamed[c.name] || c.name) }));
        const data = [...rows.values()];
        const table = h("table", { class: "data-table" });
        const thead = h("thead", null, h("tr", null, cols.map((c, i) => h("th", { class: c.label ? "" : "num", dataset: { col: i } }, c.title))));
        const tbody = h("tbody");
        let sortCol = -1, desc = false;
        const fill = () => {
            const sorted = sortCol < 0 ? data : [...data].sort((a, b) => {
                const c = cols[sortCol];
                const x = c.label ? a.labels[c.name] ?? "" : a.values[c.name] ?? -Infinity;
                const y = c.label ? b.labels[c.name] ?? "" : b.values[c.name] ?? -Infinity;
                const r = typeof x === "string" ? x.localeCompare(y, undefined, { numeric: true }) : x - y;
                return desc ? -r : r;
            });
            tbody.textContent = "";
            for (const row of sorted) {
                tbody.appendChild(h("tr", null, cols.map((c) => {
                    if (c.label) return h("td", null, row.labels[c.name] ?? "");
                    const v = row.values[c.name];
                    const d = v == null ? { text: "" } : display(c.fd, v, c.fd.min ?? 0, c.fd.max ?? 100, "");
                    const td = h("td", { class: "num" }, d.text);
                    const cellType = (this.fd.custom.cellOptions && this.fd.custom.cellOptions.type) || this.fd.custom.displayMode;
                    if (v != null && /color-text/.test(cellType || "")) td.style.color = d.color;
                    if (v != null && /color-background/.test(cellType || "")) td.style.background = d.color + "66";
                    return td;
                })));
            }
        };
        thead.addEventListener("click", (e) => {
            const th = e.target.closest("th");
            if (!th) return;
            const i = Number(th.dataset.col);
            if (sortCol === i) desc = !desc; else { sortCol = i; desc = false; }
            for (const x of thead.querySelectorAll("th")) x.classList.remove("asc", "desc");
            th.classList.add(desc ? "desc" : "asc");
            fill();
        });
        fill();
        table.append(thead, tbody);
        this.body.appendChild(h("div", { class: "table-wrap" }, table));
        return data.length;
    }
}
