"use strict";
// The time series chart: one SVG path per series, axes with units, a legend that toggles
// series, a tooltip with every series' value at the cursor, and drag to zoom.

import { axisFormatter, formatValue, niceTicks, timeTicks, formatAxisTime, formatTime } from "./format.js";

const SVGNS = "http://www.w3.org/2000/svg";
export const PALETTE = ["#7EB26D", "#EAB839", "#6ED0E0", "#EF843C", "#E24D42", "#1F78C1", "#BA43A9", "#705DA0", "#508642", "#CCA300",
    "#447EBC", "#C15C17", "#0A96A4", "#5794F2", "#B877D9", "#FF9830", "#73BF69", "#F2495C", "#FADE2A", "#8AB8FF", "#CA95E5", "#FFB357",
    "#96D98D", "#FF7383", "#629E51", "#E5AC0E", "#64B0C8", "#E0752D", "#BF1B00", "#0A50A1", "#962D82", "#614D93"];

// Stable colour per series name: FNV-1a hash into the palette.
export function colorFor(name) {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) { h ^= name.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return PALETTE[(h >>> 0) % PALETTE.length];
}

function el(tag, attrs, parent) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
}

// An HTML element holding `text` as a text node.
function textElement(tag, text, className) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    e.textContent = text;
    return e;
}

// Width of an axis label in px (11px text), measured once per distinct label.
let measureCtx = null;
const widths = new Map();
function textWidth(text) {
    let w = widths.get(text);
    if (w == null) {
        if (!measureCtx) {
            measureCtx = document.createElement("canvas").getContext("2d");
            measureCtx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
        }
        w = measureCtx.measureText(text).width;
        if (widths.size > 5000) widths.clear();
        widths.set(text, w);
    }
    return w;
}

function nearest(ts, t) {
    let lo = 0, hi = ts.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (ts[mid] < t) lo = mid; else hi = mid; }
    return Math.abs(ts[lo] - t) <= Math.abs(ts[hi] - t) ? lo : hi;
}

// Grafana's reducers (calcs) over a series' values.
export function reduce(vals, calc) {
    const nn = [];
    for (const v of vals) if (!Number.isNaN(v)) nn.push(v);
    if (!vals.length) return null;
    switch (calc) {
        case "last": return vals[vals.length - 1];
        case "first": return vals[0];
        case "firstNotNull": return nn.length ? nn[0] : null;
        case "mean": case "avg": return nn.length ? nn.reduce((a, b) => a + b, 0) / nn.length : null;
        case "max": return nn.length ? nn.reduce((a, b) => (b > a ? b : a), -Infinity) : null;
        case "min": return nn.length ? nn.reduce((a, b) => (b < a ? b : a), Infinity) : null;
        case "sum": case "total": return nn.reduce((a, b) => a + b, 0);
        case "count": return nn.length;
        case "range": return nn.length ? Math.max(...nn) - Math.min(...nn) : null;
        case "delta": case "diff": return nn.length ? nn[nn.length - 1] - nn[0] : null;
        default: return nn.length ? nn[nn.length - 1] : null; // lastNotNull
    }
}
const CALC_NAMES = { lastNotNull: "Last *", last: "Last", mean: "Mean", avg: "Mean", max: "Max", min: "Min", sum: "Total", total: "Total",
    first: "First", firstNotNull: "First *", count: "Count", range: "Range", delta: "Delta", diff: "Difference" };

// series: [{name, color?, ts: Float64Array (ms), vals: Float64Array}]
export class TimeChart {
    constructor(container, opts = {}) {
        this.opts = opts;
        this.hidden = new Set();
        this.series = [];
        this.range = { from: 0, to: 1, step: 15000 };
        this.root = document.createElement("div");
        this.root.className = "chart-wrap" + (opts.legendPlacement === "right" ? " legend-right" : "");
        this.area = document.createElement("div");
        this.area.className = "chart-area";
        // series are painted on a canvas (fast for many points); axes, cursor and selection on an SVG above it
        this.canvas = document.createElement("canvas");
        this.canvas.className = "chart";
        this.svg = el("svg", { class: "chart-overlay" });
        this.area.append(this.canvas, this.svg);
        this.tip = document.createElement("div");
        this.tip.className = "chart-tip";
        this.tip.hidden = true;
        this.area.appendChild(this.tip); // moved to <body> while shown, so a small panel does not clip it
        this.root.appendChild(this.area);
        this.legend = document.createElement("div");
        this.legend.className = "legend";
        if (opts.showLegend !== false) this.root.appendChild(this.legend);
        container.appendChild(this.root);
        this.bind();
        this.size = { w: 0, h: 0 };
        this.ro = new ResizeObserver(() => {
            const w = this.area.clientWidth, h = this.area.clientHeight;
            if (w !== this.size.w || h !== this.size.h) { this.size = { w, h }; if (this.series.length || this.drawn) this.draw(); }
        });
        this.ro.observe(this.area);
    }

    destroy() { this.ro.disconnect(); window.removeEventListener("mouseup", this.onUp); this.tip.remove(); this.root.remove(); }

    setData(series, range) {
        this.series = series.map((s) => ({ ...s, color: s.color || colorFor(s.name) }));
        this.range = range;
        this.hidden = new Set([...this.hidden].filter((n) => this.series.some((s) => s.name === n)));
        this.renderLegend(); // first: the legend takes its room, the plot gets the rest (one draw, no resize redraw)
        this.draw();
    }

    visible() { return this.series.filter((s) => !this.hidden.has(s.name)); }

    // Values to draw, stacked when asked.
    // Values to draw: stacked ("normal"), stacked as shares of the total ("percent", 0..1) or as they are.
    stacked(vis) {
        const mode = this.opts.stacking;
        if (mode !== "normal" && mode !== "percent") return vis.map((s) => s.vals);
        let totals = null;
        if (mode === "percent") {
            totals = new Map();
            for (const s of vis) for (let i = 0; i < s.vals.length; i++) if (!isNaN(s.vals[i])) totals.set(s.ts[i], (totals.get(s.ts[i]) || 0) + s.vals[i]);
        }
        const sums = new Map();
        return vis.map((s) => {
            const out = new Float64Array(s.vals.length);
            for (let i = 0; i < s.vals.length; i++) {
                let v = s.vals[i];
                if (totals) v = v / (totals.get(s.ts[i]) || 1);
                const base = sums.get(s.ts[i]) || 0;
                out[i] = isNaN(v) ? NaN : base + v;
                if (!isNaN(v)) sums.set(s.ts[i], base + v);
            }
            return out;
        });
    }

    draw() {
        this.drawn = true;
        this.draws = (this.draws || 0) + 1;
        const W = this.area.clientWidth, H = this.area.clientHeight;
        this.size = { w: W, h: H };
        const svg = this.svg;
        svg.textContent = "";
        if (W < 20 || H < 20) return;
        svg.setAttribute("width", W);
        svg.setAttribute("height", H);
        svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
        const o = this.opts;
        const { from, to, step } = this.range;
        const vis = this.visible().filter((s) => !s.hideViz);
        const vals = this.stacked(vis);
        const unit = o.stacking === "percent" ? "percentunit" : o.unit;
        let lo = Infinity, hi = -Infinity;
        for (const arr of vals) for (let i = 0; i < arr.length; i++) { const v = arr[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
        if (o.fillOpacity > 0 || o.drawStyle === "bars" || o.stacking === "normal" || o.stacking === "percent") { if (lo > 0) lo = 0; if (hi < 0) hi = 0; }
        if (o.stacking === "percent" && hi <= 1.0001) hi = 1;
        if (o.softMin != null && o.softMin < lo) lo = o.softMin;
        if (o.softMax != null && o.softMax > hi) hi = o.softMax;
        if (o.min != null && o.min !== "") lo = Number(o.min);
        if (o.max != null && o.max !== "") hi = Number(o.max);
        if (!isFinite(lo) || !isFinite(hi)) { lo = 0; hi = 1; }
        if (lo === hi) { const d = Math.abs(lo) * 0.1 || 1; lo -= d; hi += d; }
        const top = 8, bottom = H - 20;
        const yCount = Math.max(2, Math.floor((bottom - top) / 32));
        let { ticks: yt, step: ystep } = niceTicks(lo, hi, yCount, unit);
        if (o.min == null || o.min === "") lo = Math.min(lo, Math.floor(lo / ystep + 1e-9) * ystep);
        if (o.max == null || o.max === "") hi = Math.max(hi, Math.ceil(hi / ystep - 1e-9) * ystep);
        ({ ticks: yt, step: ystep } = niceTicks(lo, hi, yCount, unit));
        const fmt = axisFormatter(unit, Math.max(Math.abs(lo), Math.abs(hi)), ystep, o.decimals);
        const ylabels = yt.map(fmt);
        const left = Math.ceil(Math.max(24, ...ylabels.map(textWidth)) + 12);
        const right = W - 10;
        this.geom = { left, right, top, bottom };
        const kx = (right - left) / Math.max(1, to - from);
        const ky = (bottom - top) / (hi - lo);
        this.kx = kx;
        // grid and axes
        let grid = "";
        const axis = el("g", { class: "axis" }, svg);
        yt.forEach((t, i) => {
            const y = bottom - (t - lo) * ky;
            grid += `M${left} ${y.toFixed(1)}H${right}`;
            const tx = el("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, axis);
            tx.textContent = ylabels[i];
        });
        const { ticks: xt, step: xstep } = timeTicks(from, to, Math.max(2, Math.floor((right - left) / 95)));
        for (const t of xt) {
            const x = left + (t - from) * kx;
            grid += `M${x.toFixed(1)} ${top}V${bottom}`;
            const tx = el("text", { x, y: H - 5, "text-anchor": "middle" }, axis);
            tx.textContent = formatAxisTime(t, xstep, to - from);
        }
        el("path", { class: "grid", d: grid }, svg);
        // series, on the canvas
        const dpr = window.devicePixelRatio || 1;
        const cv = this.canvas;
        if (cv.width !== Math.round(W * dpr) || cv.height !== Math.round(H * dpr)) {
            cv.width = Math.round(W * dpr); cv.height = Math.round(H * dpr);
            cv.style.width = W + "px"; cv.style.height = H + "px";
        }
        const ctx = cv.getContext("2d");
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, W, H);
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top - 1, right - left + 1, bottom - top + 2);
        ctx.clip();
        const thr = o.thresholds;
        if (thr && thr.style && thr.style !== "off" && thr.steps && thr.steps.length) {
            const yOf = (v) => Math.max(top, Math.min(bottom, bottom - (v - lo) * ky));
            const steps = thr.steps.map((st, i) => ({ v: i === 0 || st.value == null ? -Infinity : Number(st.value), color: st.color }));
            if (/area/.test(thr.style)) {
                ctx.globalAlpha = 0.12;
                steps.forEach((st, i) => {
                    const y0 = st.v === -Infinity ? bottom : yOf(st.v), y1 = i + 1 < steps.length ? yOf(steps[i + 1].v) : top;
                    ctx.fillStyle = st.color; ctx.fillRect(left, y1, right - left, y0 - y1);
                });
                ctx.globalAlpha = 1;
            }
            if (/line|dashed/.test(thr.style)) {
                ctx.lineWidth = 1;
                ctx.setLineDash(/dashed/.test(thr.style) ? [6, 4] : []);
                for (const st of steps) {
                    if (st.v === -Infinity || st.v < lo || st.v > hi) continue;
                    ctx.strokeStyle = st.color;
                    ctx.beginPath(); ctx.moveTo(left, Math.round(yOf(st.v)) + 0.5); ctx.lineTo(right, Math.round(yOf(st.v)) + 0.5); ctx.stroke();
                }
                ctx.setLineDash([]);
            }
        }
        const gap = o.spanNulls === true ? Infinity : typeof o.spanNulls === "number" && o.spanNulls > 0 ? Math.max(o.spanNulls, step * 2.01) : Math.max(step * 2.01, 1);
        const lw = o.lineWidth != null ? o.lineWidth : 1;
        const base = bottom - (Math.max(lo, Math.min(hi, 0)) - lo) * ky;
        const bars = o.drawStyle === "bars", points = o.drawStyle === "points";
        const fillOp = Math.min(1, (o.fillOpacity || 0) / 100);
        const tBuild = performance.now();
        const trace = (ts, v, withFill) => {
            ctx.beginPath();
            let prevT = -Infinity, segStart = 0, lastX = 0, n = 0;
            for (let i = 0; i < ts.length; i++) {
                const val = v[i];
                if (val !== val) { prevT = -Infinity; continue; } // NaN
                const x = left + (ts[i] - from) * kx;
                let y = bottom - (val - lo) * ky;
                if (y < -1e4) y = -1e4; else if (y > 1e4) y = 1e4;
                if (ts[i] - prevT > gap) {
                    if (withFill && n) { ctx.lineTo(lastX, base); ctx.lineTo(segStart, base); ctx.closePath(); }
                    else if (n === 1) ctx.lineTo(lastX + 0.5, ctx._y);
                    ctx.moveTo(x, y);
                    segStart = x; n = 0;
                } else ctx.lineTo(x, y);
                ctx._y = y;
                n++; prevT = ts[i]; lastX = x;
            }
            if (withFill && n) { ctx.lineTo(lastX, base); ctx.lineTo(segStart, base); ctx.closePath(); }
            else if (n === 1) ctx.lineTo(lastX + 0.5, ctx._y);
        };
        if (!bars && !points) {
            for (let si = vis.length - 1; si >= 0; si--) {
                const op = vis[si].fillOpacity != null ? Math.min(1, vis[si].fillOpacity / 100) : fillOp;
                if (!(op > 0)) continue;
                ctx.globalAlpha = op;
                ctx.fillStyle = vis[si].color; trace(vis[si].ts, vals[si], true); ctx.fill();
            }
            ctx.globalAlpha = 1;
        }
        ctx.lineJoin = "round"; ctx.lineCap = "round";
        for (let si = 0; si < vis.length; si++) {
            const s = vis[si], v = vals[si], ts = s.ts;
            if (bars) {
                const bw = Math.max(1, step * kx * 0.8);
                ctx.fillStyle = s.color; ctx.globalAlpha = 0.8;
                for (let i = 0; i < ts.length; i++) {
                    if (v[i] !== v[i]) continue;
                    const x = left + (ts[i] - from) * kx, y = bottom - (v[i] - lo) * ky;
                    ctx.fillRect(x - bw / 2, Math.min(y, base), bw, Math.abs(base - y));
                }
                ctx.globalAlpha = 1;
            } else if (points) {
                ctx.fillStyle = s.color;
                for (let i = 0; i < ts.length; i++) {
                    if (v[i] !== v[i]) continue;
                    ctx.fillRect(left + (ts[i] - from) * kx - 2, bottom - (v[i] - lo) * ky - 2, 4, 4);
                }
            } else {
                ctx.strokeStyle = s.color; ctx.lineWidth = s.lineWidth != null ? s.lineWidth : lw;
                if (s.dash) ctx.setLineDash(s.dash);
                trace(ts, v, false);
                ctx.stroke();
                if (s.dash) ctx.setLineDash([]);
            }
        }
        ctx.restore();
        this.canvas.dataset.seriesCount = String(vis.length);
        this.timing = { build: performance.now() - tBuild };
        this.cursor = el("path", { class: "cursor", d: "", visibility: "hidden" }, svg);
        this.sel = el("rect", { class: "selection", x: 0, y: top, width: 0, height: bottom - top, visibility: "hidden" }, svg);
        this.lo = lo; this.hi = hi; this.ky = ky;
    }

    renderLegend() {
        if (this.opts.showLegend === false) return;
        const calcs = this.opts.legendCalcs || [];
        const table = calcs.length > 0 && this.opts.legendMode === "table";
        this.legend.classList.toggle("legend-table", table);
        const frag = document.createDocumentFragment();
        if (table) {
            const head = document.createElement("div");
            head.className = "legend-row legend-head";
            head.append(document.createElement("span"), ...calcs.map((c) => textElement("b", CALC_NAMES[c] || c)));
            frag.appendChild(head);
        }
        for (const s of this.series) {
            const item = document.createElement(table ? "div" : "span");
            item.className = "legend-item" + (table ? " legend-row" : "") + (this.hidden.has(s.name) ? " off" : "");
            item.dataset.series = s.name;
            item.title = "Click to hide or show; Ctrl/⌘-click to show only this one";
            const sw = document.createElement("i");
            sw.style.background = s.color;
            const name = document.createElement("span");
            name.className = "legend-name";
            name.append(sw, s.name);
            item.appendChild(name);
            for (const c of calcs) {
                const v = document.createElement(table ? "b" : "em");
                const text = formatValue(reduce(s.vals, c), this.opts.unit, this.opts.decimals);
                v.textContent = table ? text : ` ${CALC_NAMES[c] || c}: ${text}`;
                item.appendChild(v);
            }
            frag.appendChild(item);
        }
        if (table) this.legend.style.gridTemplateColumns = `minmax(0, 1fr) repeat(${calcs.length}, auto)`;
        this.legend.textContent = "";
        this.legend.appendChild(frag);
    }

    bind() {
        this.legend.addEventListener("click", (e) => {
            const item = e.target.closest(".legend-item");
            if (!item) return;
            const name = item.dataset.series;
            if (e.ctrlKey || e.metaKey) {
                const only = this.hidden.size === this.series.length - 1 && !this.hidden.has(name);
                this.hidden = only ? new Set() : new Set(this.series.map((s) => s.name).filter((n) => n !== name));
            } else if (this.hidden.has(name)) this.hidden.delete(name); else this.hidden.add(name);
            this.renderLegend();
            this.draw();
        });
        const svg = this.svg;
        svg.addEventListener("mousemove", (e) => this.hover(e));
        svg.addEventListener("mouseleave", () => { this.tip.hidden = true; if (this.cursor) this.cursor.setAttribute("visibility", "hidden"); });
        svg.addEventListener("mousedown", (e) => {
            if (e.button !== 0 || !this.geom) return;
            const x = this.localX(e);
            if (x < this.geom.left || x > this.geom.right) return;
            e.preventDefault();
            this.dragFrom = x;
        });
        this.onUp = (e) => {
            if (this.dragFrom == null) return;
            const a = this.dragFrom, b = Math.max(this.geom.left, Math.min(this.geom.right, this.localX(e)));
            this.dragFrom = null;
            this.sel.setAttribute("visibility", "hidden");
            if (Math.abs(b - a) > 4 && this.opts.onZoom) {
                const t = (x) => Math.round(this.range.from + (x - this.geom.left) / this.kx);
                this.opts.onZoom(t(Math.min(a, b)), t(Math.max(a, b)));
            }
        };
        window.addEventListener("mouseup", this.onUp);
    }

    localX(e) { return e.clientX - this.svg.getBoundingClientRect().left; }

    hover(e) {
        if (!this.geom || !this.series.length) return;
        if (this.opts.tooltip === false && this.dragFrom == null) return;
        const { left, right, top, bottom } = this.geom;
        const x = this.localX(e);
        if (this.dragFrom != null) {
            const b = Math.max(left, Math.min(right, x));
            this.sel.setAttribute("x", Math.min(this.dragFrom, b));
            this.sel.setAttribute("width", Math.abs(b - this.dragFrom));
            this.sel.setAttribute("visibility", "visible");
        }
        if (x < left || x > right) { this.tip.hidden = true; this.cursor.setAttribute("visibility", "hidden"); return; }
        const t = this.range.from + (x - left) / this.kx;
        const vis = this.visible();
        // snap to the nearest sample time of any series
        let snap = null, best = Infinity;
        for (const s of vis) {
            const i = nearest(s.ts, t);
            if (i >= 0 && Math.abs(s.ts[i] - t) < best) { best = Math.abs(s.ts[i] - t); snap = s.ts[i]; }
        }
        if (snap == null || best > Math.max(this.range.step * 1.5, 20 / this.kx)) { this.tip.hidden = true; this.cursor.setAttribute("visibility", "hidden"); return; }
        const rows = [];
        for (const s of vis) {
            const i = nearest(s.ts, snap);
            if (i >= 0 && s.ts[i] === snap && !isNaN(s.vals[i])) rows.push([s, s.vals[i]]);
        }
        rows.sort((a, b) => b[1] - a[1]);
        const cx = left + (snap - this.range.from) * this.kx;
        this.cursor.setAttribute("d", `M${cx.toFixed(1)} ${top}V${bottom}`);
        this.cursor.setAttribute("visibility", "visible");
        // Built from text nodes: series names and colours come from senders and dashboards.
        const tipRows = [textElement("div", formatTime(snap), "tip-time")];
        for (const [s, v] of rows) {
            const swatch = document.createElement("i");
            swatch.style.background = s.color;
            const row = textElement("div", "", "tip-row");
            row.append(swatch, textElement("span", s.name, "tip-name"), textElement("b", formatValue(v, this.opts.unit, this.opts.decimals)));
            tipRows.push(row);
        }
        this.tip.replaceChildren(...tipRows);
        this.tip.hidden = false;
        if (this.tip.parentNode !== document.body) document.body.appendChild(this.tip);
        const tw = this.tip.offsetWidth, th = this.tip.offsetHeight;
        const box = this.svg.getBoundingClientRect();
        const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
        let tx = box.left + cx + 14;
        if (tx + tw > vw) tx = Math.max(0, box.left + cx - tw - 14);
        const ty = Math.min(Math.max(0, e.clientY - th / 2), Math.max(0, vh - th));
        this.tip.style.transform = `translate(${Math.round(tx)}px, ${Math.round(ty)}px)`;
    }
}

// A tiny line for stat panels.
export function sparkline(container, ts, vals, color, range) {
    const W = container.clientWidth || 200, H = container.clientHeight || 40;
    const svg = el("svg", { class: "sparkline", width: W, height: H, viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none" });
    let lo = Infinity, hi = -Infinity;
    for (const v of vals) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!isFinite(lo)) return svg;
    if (lo === hi) { lo -= 1; hi += 1; }
    const kx = W / Math.max(1, range.to - range.from), ky = (H - 2) / (hi - lo);
    let d = "", first = null, last = 0;
    for (let i = 0; i < ts.length; i++) {
        if (isNaN(vals[i])) continue;
        const x = (ts[i] - range.from) * kx, y = H - 1 - (vals[i] - lo) * ky;
        d += (first == null ? "M" : "L") + x.toFixed(1) + " " + y.toFixed(1);
        if (first == null) first = x;
        last = x;
    }
    if (first != null) {
        el("path", { d: d + `L${last.toFixed(1)} ${H}L${first.toFixed(1)} ${H}Z`, fill: color, "fill-opacity": 0.18, stroke: "none" }, svg);
        el("path", { d, fill: "none", stroke: color, "stroke-width": 1.5 }, svg);
    }
    container.appendChild(svg);
    return svg;
}

export { el as svgEl };
