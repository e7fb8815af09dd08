"use strict";
// The dashboard view: Grafana's dashboard JSON model (the subset Osprey draws), its template
// variables, time range and refresh in the URL, rows and a 24-column grid of panels.

import * as api from "./api.js";
import { Panel } from "./panels.js";
import { parseDuration, roundInterval, durationText, setUTC, escapeHTML } from "./format.js";
import { h, emptyState, errorBox, badge, timePicker, refreshPicker, resolveRange, validRefresh } from "./ui.js";

const ALL = "$__all";
const ROW_PX = 30, GAP_PX = 8;

// ---- variable values and interpolation

function regexEscape(v) { return String(v).replace(/[\\^$*+?.()|[\]{}]/g, "\\$&"); }
// Grafana's Prometheus escape: regex characters escaped with a double backslash (inside a PromQL string).
function promRegexEscape(v) { return String(v).replace(/\\/g, "\\\\\\\\").replace(/[$^*{}[\]'+?.()|]/g, "\\\\$&"); }
function promEscape(v) { return String(v).replace(/\\/g, "\\\\").replace(/'/g, "\\\\'"); }

class Variables {
    constructor(list) {
        this.defs = (list || []).filter((v) => v && v.name);
        this.state = new Map(); // name → {options: [{text, value}], current: [values]}
    }

    // The values a variable stands for now (All expanded), and whether it is All.
    values(name) {
        const st = this.state.get(name);
        if (!st) return null;
        const def = this.defs.find((d) => d.name === name);
        if (st.current.includes(ALL)) return { all: true, values: st.options.filter((o) => o.value !== ALL).map((o) => o.value), def, st };
        return { all: false, values: st.current, def, st };
    }

    format(name, fmt, scoped) {
        if (scoped && scoped[name]) {
            const v = scoped[name].value;
            return this.formatValues([].concat(v), fmt, { name, multi: false, includeAll: false }, false);
        }
        const r = this.values(name);
        if (!r) return null;
        if (r.all && r.def.allValue && fmt !== "text") return r.def.allValue;
        if (r.all && fmt === "text") return "All";
        return this.formatValues(r.values, fmt, r.def, r.all);
    }

    formatValues(values, fmt, def, all) {
        switch (fmt) {
            case "regex": return values.length === 1 ? regexEscape(values[0]) : `(${values.map(regexEscape).join("|")})`;
            case "pipe": return values.join("|");
            case "csv": case "raw": return values.join(",");
            case "json": return JSON.stringify(values.length === 1 ? values[0] : values);
            case "glob": return values.length === 1 ? values[0] : `{${values.join(",")}}`;
            case "text": return values.join(" + ");
            case "html": return escapeHTML(values.join(", "));
            case "singlequote": return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(",");
            case "doublequote": return values.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(",");
            case "percentencode": return encodeURIComponent(values.join(","));
            case "queryparam": return values.map((v) => `var-${def.name}=${encodeURIComponent(v)}`).join("&");
            case "plain": return values.join(", ");
            default: // Grafana's Prometheus interpolation
                if (!def.multi && !def.includeAll) return promEscape(values[0] ?? "");
                if (values.length === 1 && !all) return promRegexEscape(values[0]);
                return `(${values.map(promRegexEscape).join("|")})`;
        }
    }

    // $var, ${var}, ${var:fmt}, [[var]], [[var:fmt]] and the builtins ($__interval...).
    interpolate(text, builtins = {}, scoped = null, defaultFormat) {
        if (text == null) return "";
        return String(text).replace(/\$\{(\w+)(?::([^}]+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)/g, (m, a, af, b, bf, c) => {
            const name = a || b || c;
            const fmt = af || bf || defaultFormat;
            if (Object.prototype.hasOwnProperty.call(builtins, name)) return builtins[name];
            const v = this.format(name, fmt, scoped);
            return v == null ? m : v;
        });
    }

    // Options of each variable, in order (later ones may use earlier ones), then the current values.
    async resolve(urlValues, range, signal, onlyFrom = 0) {
        for (let i = onlyFrom; i < this.defs.length; i++) {
            const def = this.defs[i];
            let options = [];
            try { options = await this.options(def, range, signal); } catch (e) {
                if (e.name === "AbortError") throw e;
                def._error = e.message;
            }
            if (def.includeAll && def.type !== "constant") options.unshift({ text: "All", value: ALL });
            const st = { options, current: [] };
            const fromURL = urlValues.get(def.name);
            let want = fromURL && fromURL.length ? fromURL : currentOf(def);
            want = want.map((v) => (v === "All" || v === "$__all" ? ALL : v));
            const valid = new Set(options.map((o) => o.value));
            let cur = def.type === "textbox" || def.type === "constant" ? want.slice(0, 1) : want.filter((v) => valid.has(v));
            if (!def.multi) cur = cur.slice(0, 1);
            if (!cur.length && options.length) cur = [options[0].value];
            if (cur.includes(ALL)) cur = [ALL];
            if (def.type === "textbox" && !cur.length) cur = [def.query || ""];
            st.current = cur;
            this.state.set(def.name, st);
        }
    }

    async options(def, range, signal) {
        const split = (s) => String(s || "").split(/\s*,\s*/).filter((x) => x !== "").map((x) => {
            const m = /^(.*?)\s*:\s*(.*)$/.exec(x); // "text : value" as Grafana's custom variables allow
            return m && def.type === "custom" ? { text: m[1], value: m[2] } : { text: x, value: x };
        });
        if (def.type === "custom") return split(this.interpolate(def.query));
        if (def.type === "interval") {
            const opts = split(def.query || "1m,10m,30m,1h,6h,12h,1d");
            if (def.auto) {
                const ms = Math.max(roundInterval((range.to - range.from) / (def.auto_count || 30)), parseDuration(def.auto_min || "10s") || 0);
                opts.unshift({ text: "auto", value: durationText(ms) });
            }
            return opts;
        }
        if (def.type === "constant") return [{ text: String(def.query ?? ""), value: String(def.query ?? "") }];
        if (def.type === "textbox") return [];
        if (def.type === "datasource") return [{ text: "Osprey", value: "Osprey" }];
        if (def.type !== "query") return (def.options || []).map((o) => ({ text: String(o.text), value: String(o.value) }));
        let q = typeof def.query === "string" ? def.query : (def.query && def.query.query) || def.definition || "";
        q = this.interpolate(q, { __range: durationText(range.to - range.from) }).trim();
        let values = [];
        let m;
        if ((m = /^label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q))) values = await api.labelValues(m[2], m[1], range.from, range.to, signal);
        else if ((m = /^label_values\(\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q))) values = await api.labelValues(m[1], null, range.from, range.to, signal);
        else if ((m = /^label_names\(\s*(.*?)\s*\)$/.exec(q))) values = await api.labelNames(m[1] || null, signal);
        else if ((m = /^metrics\(\s*(.*?)\s*\)$/.exec(q))) {
            const re = new RegExp(m[1] || ".*");
            values = (await api.labelValues("__name__", null, range.from, range.to, signal)).filter((n) => re.test(n));
        } else if (q) {
            const expr = (m = /^query_result\(\s*(.+)\s*\)$/.exec(q)) ? m[1] : q;
            const data = await api.query(expr, range.to, signal);
            const list = data.resultType === "vector" ? data.result : data.resultType === "matrix" ? data.result : [];
            values = list.map((r) => {
                const lbl = Object.keys(r.metric).filter((k) => k !== "__name__").map((k) => `${k}="${r.metric[k]}"`).join(", ");
                return `${r.metric.__name__ || ""}{${lbl}} ${r.value ? r.value[1] : ""} ${r.value ? r.value[0] * 1000 : ""}`;
            });
        }
        if (def.regex) {
            const rm = /^\/(.*)\/([gimsuy]*)$/.exec(def.regex);
            const re = rm ? new RegExp(rm[1], rm[2].replace("g", "")) : new RegExp(def.regex);
            values = values.flatMap((v) => {
                const x = re.exec(v);
                if (!x) return [];
                return [x.groups && x.groups.value ? x.groups.value : x[1] != null ? x[1] : v];
            });
        }
        values = [...new Set(values.map(String))];
        const sort = Number(def.sort || 0);
        if (sort === 1 || sort === 2) values.sort();
        if (sort === 3 || sort === 4) values.sort((a, b) => (parseFloat(a.replace(/^\D+/, "")) || 0) - (parseFloat(b.replace(/^\D+/, "")) || 0));
        if (sort === 5 || sort === 6) values.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
        if (sort === 7 || sort === 8) values.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
        if (sort && sort % 2 === 0) values.reverse();
        return values.map((v) => ({ text: v, value: v }));
    }
}

function currentOf(def) {
    const c = def.current || {};
    let v = c.value;
    if (v == null) v = c.text;
    if (v == null) return [];
    return [].concat(v).map(String);
}

// ---- layout: sections (before the first row, then each row) with panels placed in a 24-column grid

function expandRepeats(panels, vars) {
    const out = [];
    for (const p of panels) {
        if (!p.repeat || p.type === "row") { out.push(p); continue; }
        const r = vars.values(p.repeat);
        if (!r || r.values.length <= 1) { out.push(r && r.values.length === 1 ? { ...p, scopedVars: { [p.repeat]: { value: r.values[0], text: r.values[0] } } } : p); continue; }
        const g = p.gridPos || { x: 0, y: 0, w: 12, h: 8 };
        const n = r.values.length;
        if (p.repeatDirection === "v") {
            r.values.forEach((v, i) => out.push({ ...p, id: i ? `${p.id}-${i}` : p.id, _clone: true, gridPos: { ...g, y: g.y + i * g.h }, scopedVars: { [p.repeat]: { value: v, text: v } } }));
            out.push({ _shift: { at: g.y + g.h, by: (n - 1) * g.h } });
        } else {
            const w = Math.max(Math.floor(24 / n), Math.floor(24 / (p.maxPerRow || 4)), 1);
            const perRow = Math.floor(24 / w);
            r.values.forEach((v, i) => out.push({ ...p, id: i ? `${p.id}-${i}` : p.id, _clone: true,
                gridPos: { x: (i % perRow) * w, y: g.y + Math.floor(i / perRow) * g.h, w, h: g.h }, scopedVars: { [p.repeat]: { value: v, text: v } } }));
            out.push({ _shift: { at: g.y + g.h, by: (Math.ceil(n / perRow) - 1) * g.h } });
        }
    }
    // push down what comes after grown repeats
    const shifts = out.filter((p) => p._shift).map((p) => p._shift);
    const panelsOut = out.filter((p) => !p._shift);
    for (const s of shifts) for (const p of panelsOut) if (!p._clone && p.gridPos && p.gridPos.y >= s.at) p.gridPos = { ...p.gridPos, y: p.gridPos.y + s.by };
    return panelsOut;
}

function sections(panels) {
    const sorted = [...panels].map((p, i) => ({ p, i })).sort((a, b) => {
        const ga = a.p.gridPos || {}, gb = b.p.gridPos || {};
        return (ga.y ?? 1e9) - (gb.y ?? 1e9) || (ga.x ?? 0) - (gb.x ?? 0) || a.i - b.i;
    }).map((x) => x.p);
    const out = [{ row: null, panels: [] }];
    for (const p of sorted) {
        if (p.type === "row") out.push({ row: p, panels: p.collapsed ? [...(p.panels || [])] : [] });
        else {
            const last = out[out.length - 1];
            if (last.row && last.row.collapsed && !(last.row.panels || []).includes(p)) out.push({ row: null, panels: [p] });
            else last.panels.push(p);
        }
    }
    return out.filter((s) => s.row || s.panels.length);
}

// ---- the page

export async function dashboardView(ctx) {
    const uid = decodeURIComponent(ctx.params[0]);
    const main = ctx.main;
    main.textContent = "";
    main.appendChild(h("p", { class: "loading" }, "Loading dashboard…"));
    let model;
    try { model = await api.dashboard(uid, ctx.signal); } catch (e) {
        if (e.name === "AbortError") return;
        main.textContent = "";
        main.appendChild(e.status === 404
            ? emptyState(`Dashboard "${uid}" not found`, h("span", null, "See the ", h("a", { href: "/dashboards" }, "dashboard list"), "."))
            : errorBox(e, "Could not load the dashboard"));
        return;
    }
    const dash = upgrade(model.dashboard || {});
    const meta = model.meta || {};
    setUTC(dash.timezone === "utc");
    ctx.onCleanup(() => setUTC(false));
    document.title = `${dash.title || uid} – Osprey`;
    window.ospreyPaint = {};
    window.ospreyTiming = {};
    const vars = new Variables(dash.templating && dash.templating.list);
    const defaults = { from: (dash.time && dash.time.from) || "now-6h", to: (dash.time && dash.time.to) || "now", refresh: validRefresh(dash.refresh) };
    let state = readState(ctx.query, defaults, vars);
    let panels = [];
    let timer = null;
    let varsAbort = null;

    const header = h("div", { class: "dash-header" });
    const varBar = h("div", { class: "var-bar" });
    const grid = h("div", { class: "dash-grid" });
    main.textContent = "";
    main.append(header, varBar, grid);

    const urlFor = (s) => {
        const q = new URLSearchParams();
        q.set("from", s.from); q.set("to", s.to);
        if (s.refresh) q.set("refresh", s.refresh);
        else if (defaults.refresh) q.set("refresh", "off");
        if (s.viewPanel) q.set("viewPanel", s.viewPanel);
        for (const def of vars.defs) {
            const st = vars.state.get(def.name);
            const cur = st ? st.current : s.vars.get(def.name) || [];
            for (const v of cur) q.append("var-" + def.name, v === ALL ? "All" : v);
        }
        return `/dashboards/${encodeURIComponent(uid)}?${q}`;
    };
    const go = (patch) => ctx.navigate(urlFor({ ...state, ...patch }));

    const hooks = {
        onZoom: (f, t) => go({ from: String(f), to: String(t) }),
        viewHref: (id) => {
            const u = new URL(urlFor(state), location.origin);
            if (state.viewPanel === String(id)) u.searchParams.delete("viewPanel"); else u.searchParams.set("viewPanel", id);
            return u.pathname + u.search;
        },
        exploreHref: (expr) => {
            const q = new URLSearchParams({ expr, from: state.from, to: state.to, mode: "graph" });
            return `/explore?${q}`;
        },
    };

    function renderHeader() {
        header.textContent = "";
        header.append(
            h("div", { class: "dash-title" },
                h("a", { href: "/dashboards", class: "crumb" }, "Dashboards"), h("span", { class: "crumb-sep" }, "/"),
                h("h1", null, dash.title || uid),
                meta.provisioned ? badge("read-only", "readonly") : null,
                (dash.tags || []).map((t) => h("a", { class: "tag", href: `/dashboards?tag=${encodeURIComponent(t)}` }, t))),
            h("div", { class: "dash-controls" },
                timePicker(state, (r) => go(r)),
                refreshPicker(state.refresh, () => runPanels(), (r) => go({ refresh: r }))));
    }

    function renderVars() {
        varBar.textContent = "";
        for (const def of vars.defs) {
            if (def.hide === 2 || def.type === "datasource" || def.type === "adhoc") continue;
            const st = vars.state.get(def.name);
            if (!st) continue;
            const label = def.hide === 1 ? null : h("label", { class: "var-label" }, def.label || def.name);
            let control;
            if (def.type === "textbox") {
                control = h("input", { class: "input", value: st.current[0] || "", "data-var": def.name });
                control.addEventListener("change", () => changeVar(def, [control.value]));
            } else if (def.type === "constant") {
                continue;
            } else if (def.multi) {
                control = multiSelect(def, st, (values) => changeVar(def, values));
            } else {
                control = h("select", { class: "select", "data-var": def.name },
                    st.options.map((o) => h("option", { value: o.value, selected: st.current[0] === o.value }, o.text)));
                if (!st.options.length) control.appendChild(h("option", { value: "" }, "No values"));
                control.addEventListener("change", () => changeVar(def, [control.value]));
            }
            varBar.appendChild(h("div", { class: "var" + (def._error ? " var-error" : ""), title: def._error || "" }, label, control));
        }
        varBar.hidden = !varBar.childNodes.length;
    }

    function changeVar(def, values) {
        const q = new URL(urlFor(state), location.origin).searchParams;
        q.delete("var-" + def.name);
        for (const v of values) q.append("var-" + def.name, v === ALL ? "All" : v);
        ctx.navigate(`/dashboards/${encodeURIComponent(uid)}?${q}`);
    }

    function buildPanels() {
        for (const p of panels) p.destroy();
        panels = [];
        grid.textContent = "";
        const all = dash.panels || [];
        if (!all.length) {
            grid.appendChild(emptyState("This dashboard has no panels", "Add panels to its JSON model and POST it to /api/dashboards/db."));
            return;
        }
        let key = 0;
        if (state.viewPanel) {
            // one panel alone, as Grafana's viewPanel=ID
            const flat = expandRepeats(all.flatMap((p) => (p.type === "row" ? p.panels || [] : [p])), vars);
            const def = flat.find((p) => String(p.id) === state.viewPanel);
            if (def) {
                const p = new Panel(def, hooks);
                p.el.classList.add("panel-alone");
                grid.appendChild(h("div", { class: "view-bar" }, h("a", { href: hooks.viewHref(def.id) }, "← Back to the dashboard")));
                grid.appendChild(p.el);
                panels.push(p);
                return;
            }
        }
        for (const sec of sections(all)) {
            const body = h("div", { class: "section-grid" });
            const make = () => {
                const items = expandRepeats(sec.panels, vars);
                const minY = Math.min(...items.map((p) => (p.gridPos && p.gridPos.y) || 0));
                const made = [];
                for (const def of items) {
                    if (def.type === "row") continue;
                    const g = def.gridPos || { x: 0, y: 0, w: 12, h: 8 };
                    if (def.id == null) def._key = "k" + key++;
                    const p = new Panel(def, hooks);
                    p.el.style.gridColumn = `${Math.min(24, (g.x || 0) + 1)} / span ${Math.max(1, Math.min(24, g.w || 12))}`;
                    p.el.style.gridRow = `${(g.y || 0) - minY + 1} / span ${Math.max(1, g.h || 8)}`;
                    p.widthHint = ((g.w || 12) / 24) * (grid.clientWidth || 1200);
                    body.appendChild(p.el);
                    made.push(p);
                }
                return made;
            };
            if (sec.row) {
                const row = sec.row;
                let open = !row.collapsed;
                let rowPanels = [];
                const title = h("span", null, vars.interpolate(row.title || "Row", {}, null, "text"));
                const head = h("div", { class: "row-head" + (open ? " open" : ""), "data-panel-id": row.id, "data-panel-type": "row", "data-state": "ok", role: "button", tabindex: 0 },
                    h("span", { class: "chev" }, "▸"), title, h("span", { class: "row-count" }, ""));
                const toggle = () => {
                    open = !open;
                    head.classList.toggle("open", open);
                    if (open) { rowPanels = make(); panels.push(...rowPanels); body.hidden = false; runPanels(rowPanels); }
                    else { for (const p of rowPanels) p.destroy(); panels = panels.filter((p) => !rowPanels.includes(p)); rowPanels = []; body.textContent = ""; body.hidden = true; }
                    head.querySelector(".row-count").textContent = open ? "" : `(${sec.panels.length} panel${sec.panels.length === 1 ? "" : "s"})`;
                };
                head.addEventListener("click", toggle);
                head.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
                grid.append(head, body);
                if (open) { rowPanels = make(); panels.push(...rowPanels); } else { body.hidden = true; head.querySelector(".row-count").textContent = `(${sec.panels.length} panel${sec.panels.length === 1 ? "" : "s"})`; }
            } else {
                grid.appendChild(body);
                panels.push(...make());
            }
        }
    }

    function runPanels(list = panels) {
        const range = resolveRange(state.from, state.to);
        const env = {
            from: range.from, to: range.to,
            interpolate: (text, builtins, scoped, fmt) => vars.interpolate(text, builtins, scoped, fmt),
        };
        for (const p of list) p.run({ ...env, widthHint: p.widthHint });
    }

    function schedule() {
        if (timer) clearInterval(timer);
        timer = null;
        const ms = parseDuration(state.refresh);
        if (state.refresh && ms >= 1000) timer = setInterval(() => { if (!document.hidden) runPanels(); }, ms);
    }
    ctx.onCleanup(() => { if (timer) clearInterval(timer); for (const p of panels) p.destroy(); if (varsAbort) varsAbort.abort(); });

    async function loadVars(from = 0) {
        if (varsAbort) varsAbort.abort();
        varsAbort = new AbortController();
        await vars.resolve(state.vars, resolveRange(state.from, state.to), varsAbort.signal, from);
    }

    renderHeader();
    try { await loadVars(); } catch (e) { if (e.name === "AbortError") return; }
    if (ctx.signal.aborted) return;
    renderVars();
    history.replaceState(history.state, "", urlFor(state));
    buildPanels();
    runPanels();
    schedule();

    return {
        async update(query) {
            const next = readState(query, defaults, vars);
            const timeChanged = next.from !== state.from || next.to !== state.to;
            const changedVar = vars.defs.findIndex((d) => JSON.stringify(next.vars.get(d.name) || []) !== JSON.stringify((vars.state.get(d.name) || { current: [] }).current.map((v) => (v === ALL ? "All" : v))));
            const refreshChanged = next.refresh !== state.refresh;
            const viewChanged = next.viewPanel !== state.viewPanel;
            state = next;
            renderHeader();
            if (viewChanged && changedVar < 0) { buildPanels(); runPanels(); if (refreshChanged) schedule(); return; }
            if (changedVar >= 0 || (timeChanged && vars.defs.some((d) => Number(d.refresh) === 2))) {
                try { await loadVars(changedVar >= 0 ? changedVar : 0); } catch (e) { if (e.name === "AbortError") return; }
                if (ctx.signal.aborted) return;
                renderVars();
                history.replaceState(history.state, "", urlFor(state));
                buildPanels();
                runPanels();
            } else if (timeChanged) runPanels();
            if (refreshChanged) schedule();
        },
    };
}

// Dashboards older than Grafana 5 keep panels in `rows` (12-column spans, heights in px).
function upgrade(dash) {
    if (Array.isArray(dash.panels) && dash.panels.length || !Array.isArray(dash.rows)) return dash;
    const panels = [];
    let y = 0, id = 1000;
    for (const row of dash.rows) {
        const rowH = Math.max(3, Math.ceil((parseInt(row.height, 10) || 250) / 38));
        if (row.showTitle || dash.rows.length > 1) {
            panels.push({ type: "row", id: id++, title: row.title || "Row", collapsed: !!row.collapse, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
            y++;
        }
        let x = 0;
        for (const p of row.panels || []) {
            const w = Math.max(1, Math.min(24, Math.round((p.span || 12) * 2)));
            if (x + w > 24) { x = 0; y += rowH; }
            const np = { ...p, gridPos: { x, y, w, h: p.height ? Math.ceil(parseInt(p.height, 10) / 38) : rowH } };
            if (row.collapse) panels[panels.length - 1].panels.push(np); else panels.push(np);
            x += w;
        }
        y += rowH;
    }
    return { ...dash, panels };
}

function readState(query, defaults, vars) {
    const v = new Map();
    for (const def of vars.defs) {
        const all = query.getAll("var-" + def.name);
        if (all.length) v.set(def.name, all);
    }
    return {
        from: query.get("from") || defaults.from,
        to: query.get("to") || defaults.to,
        refresh: query.has("refresh") ? validRefresh(query.get("refresh")) : defaults.refresh,
        viewPanel: query.get("viewPanel") || "",
        vars: v,
    };
}

function multiSelect(def, st, onChange) {
    const chosen = new Set(st.current);
    const label = () => (chosen.has(ALL) ? "All" : [...chosen].map((v) => (st.options.find((o) => o.value === v) || { text: v }).text).join(" + ") || "None");
    const button = h("button", { class: "btn select-like", type: "button", "data-var": def.name }, label());
    const menu = h("div", { class: "dropdown-menu multi-menu" });
    const dd = h("div", { class: "dropdown" }, button, menu);
    let dirty = false;
    for (const o of st.options) {
        const cb = h("input", { type: "checkbox", checked: chosen.has(o.value) });
        cb.addEventListener("change", () => {
            if (o.value === ALL) { chosen.clear(); if (cb.checked) chosen.add(ALL); }
            else { chosen.delete(ALL); if (cb.checked) chosen.add(o.value); else chosen.delete(o.value); }
            for (const [i, box] of [...menu.querySelectorAll("input")].entries()) box.checked = chosen.has(st.options[i].value);
            button.textContent = label();
            dirty = true;
        });
        menu.appendChild(h("label", { class: "multi-option" }, cb, o.text));
    }
    const apply = () => { if (dirty) { dirty = false; onChange(chosen.size ? [...chosen] : [st.options[0] ? st.options[0].value : ""]); } };
    menu.appendChild(h("button", { class: "btn btn-primary", type: "button", onclick: () => { dd.classList.remove("open"); apply(); } }, "Apply"));
    button.addEventListener("click", (e) => {
        e.stopPropagation();
        const wasOpen = dd.classList.contains("open");
        for (const d of document.querySelectorAll(".dropdown.open")) d.classList.remove("open");
        if (!wasOpen) dd.classList.add("open"); else apply();
    });
    // applying when the menu closes by a click elsewhere
    new MutationObserver(() => { if (!dd.classList.contains("open")) apply(); }).observe(dd, { attributes: true, attributeFilter: ["class"] });
    return dd;
}

// ---- the list

export async function dashboardList(ctx) {
    const main = ctx.main;
    document.title = "Dashboards – Osprey";
    const q = ctx.query.get("query") || "";
    const tag = ctx.query.get("tag") || "";
    const search = h("input", { class: "input search", type: "search", placeholder: "Search dashboards by name", value: q, "aria-label": "Search dashboards" });
    const tagSel = h("select", { class: "select", "aria-label": "Filter by tag" }, h("option", { value: "" }, "All tags"));
    const list = h("div", { class: "dash-list" });
    main.textContent = "";
    main.append(h("div", { class: "page-head" }, h("h1", null, "Dashboards"), h("div", { class: "filters" }, search, tagSel)), list);
    let all = [];
    try { all = await api.search("", "", ctx.signal); } catch (e) {
        if (e.name === "AbortError") return;
        list.appendChild(errorBox(e, "Could not list dashboards"));
        return;
    }
    all = all.filter((d) => !d.type || d.type === "dash-db");
    const tags = [...new Set(all.flatMap((d) => d.tags || []))].sort();
    for (const t of tags) tagSel.appendChild(h("option", { value: t, selected: t === tag }, t));
    if (tag && !tags.includes(tag)) tagSel.appendChild(h("option", { value: tag, selected: true }, tag));
    const show = () => {
        const text = search.value.trim().toLowerCase();
        const t = tagSel.value;
        const rows = all.filter((d) => (!text || (d.title || "").toLowerCase().includes(text)) && (!t || (d.tags || []).includes(t)))
            .sort((a, b) => (a.title || "").localeCompare(b.title || ""));
        list.textContent = "";
        if (!all.length) {
            list.appendChild(emptyState("No dashboards yet: name a folder of Grafana JSON files in dashboards.path, or POST /api/dashboards/db",
                "Files in the dashboards.path folder are loaded at start and on reload (read-only); dashboards POSTed to /api/dashboards/db are saved in the data folder."));
            return;
        }
        if (!rows.length) { list.appendChild(emptyState("No dashboard matches", "Clear the search or the tag filter.")); return; }
        for (const d of rows) {
            list.appendChild(h("a", { class: "dash-item", href: `/dashboards/${encodeURIComponent(d.uid)}`, "data-uid": d.uid },
                h("span", { class: "dash-item-title" }, d.title || d.uid),
                h("span", { class: "dash-item-tags" },
                    (d.tags || []).map((x) => h("span", { class: "tag", onclick: (e) => { e.preventDefault(); e.stopPropagation(); tagSel.value = x; update(); } }, x)),
                    d.provisioned ? badge("read-only", "readonly") : null)));
        }
    };
    const update = () => {
        const u = new URLSearchParams();
        if (search.value.trim()) u.set("query", search.value.trim());
        if (tagSel.value) u.set("tag", tagSel.value);
        history.replaceState(history.state, "", "/dashboards" + (u.toString() ? "?" + u : ""));
        show();
    };
    search.addEventListener("input", update);
    tagSel.addEventListener("change", update);
    show();
    search.focus();
}
