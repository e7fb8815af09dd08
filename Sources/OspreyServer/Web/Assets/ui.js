"use strict";
// Small DOM helpers and the controls shared by pages: time range picker, refresh picker.

import { parseTime, rangeLabel, formatTime, parseDuration } from "./format.js";

// h("div", {class: "x", onclick: fn}, child, "text", ...)
export function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
        for (const [k, v] of Object.entries(attrs)) {
            if (v == null || v === false) continue;
            if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
            else if (k === "class") e.className = v;
            else if (k === "dataset") Object.assign(e.dataset, v);
            else if (k === "style" && typeof v === "object") Object.assign(e.style, v);
            else if (k in e && typeof v !== "string") e[k] = v;
            else e.setAttribute(k, v === true ? "" : v);
        }
    }
    for (const c of children.flat(Infinity)) {
        if (c == null || c === false) continue;
        e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
}

export function emptyState(title, hint) {
    return h("div", { class: "empty-state" }, h("p", { class: "empty-title" }, title), hint ? h("p", { class: "empty-hint" }, hint) : null);
}

export function errorBox(err, what) {
    return h("div", { class: "error-box" }, h("b", null, what ? what + ": " : "Error: "), err && err.message ? err.message : String(err));
}

export function badge(text, kind) {
    return h("span", { class: "badge badge-" + (kind || String(text).toLowerCase()) }, text);
}

export const QUICK_RANGES = [["now-5m", "Last 5 minutes"], ["now-15m", "Last 15 minutes"], ["now-1h", "Last 1 hour"], ["now-6h", "Last 6 hours"],
    ["now-24h", "Last 24 hours"], ["now-7d", "Last 7 days"]];
export const REFRESH_CHOICES = ["", "5s", "10s", "30s", "1m", "5m"];

// Closes any open dropdown when clicking elsewhere.
document.addEventListener("click", (e) => {
    for (const d of document.querySelectorAll(".dropdown.open")) if (!d.contains(e.target)) d.classList.remove("open");
});
document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") for (const d of document.querySelectorAll(".dropdown.open")) d.classList.remove("open");
});

function toInput(text, roundUp) {
    if (/^\d{10,}$/.test(text)) return formatTime(Number(text));
    return text || (roundUp ? "now" : "");
}

// The time range picker: quick ranges, absolute from/to, zoom out. onChange({from, to}).
export function timePicker(state, onChange) {
    const fromIn = h("input", { class: "input", value: toInput(state.from), "aria-label": "From", spellcheck: "false" });
    const toIn = h("input", { class: "input", value: toInput(state.to, true), "aria-label": "To", spellcheck: "false" });
    const err = h("div", { class: "picker-error" });
    const norm = (s) => {
        s = s.trim();
        if (s.startsWith("now")) return s;
        const t = parseTime(s);
        return isFinite(t) ? String(t) : null;
    };
    const apply = () => {
        const f = norm(fromIn.value), t = norm(toIn.value);
        if (f == null || t == null || !isFinite(parseTime(f)) || !isFinite(parseTime(t, true))) { err.textContent = "Use now-6h, an ISO time (2026-01-02 15:04:05) or epoch ms"; return; }
        if (parseTime(f) >= parseTime(t, true)) { err.textContent = "From must be before to"; return; }
        dd.classList.remove("open");
        onChange({ from: f, to: t });
    };
    const menu = h("div", { class: "dropdown-menu picker-menu" },
        h("div", { class: "picker-abs" },
            h("h4", null, "Absolute time range"),
            h("label", null, "From", fromIn), h("label", null, "To", toIn), err,
            h("button", { class: "btn btn-primary", type: "button", onclick: apply }, "Apply time range")),
        h("div", { class: "picker-quick" },
            h("h4", null, "Quick ranges"),
            QUICK_RANGES.map(([from, label]) => h("button", {
                type: "button", class: "quick" + (state.from === from && state.to === "now" ? " active" : ""), dataset: { from },
                onclick: () => { dd.classList.remove("open"); onChange({ from, to: "now" }); },
            }, label))));
    for (const i of [fromIn, toIn]) i.addEventListener("keydown", (e) => { if (e.key === "Enter") apply(); });
    const button = h("button", { class: "btn picker-button", type: "button", title: "Time range",
        onclick: (e) => { e.stopPropagation(); dd.classList.toggle("open"); } }, rangeLabel(state.from, state.to));
    const dd = h("div", { class: "dropdown time-picker" }, button, menu);
    const zoomOut = h("button", { class: "btn", type: "button", title: "Zoom out (twice the range)", onclick: () => {
        const f = parseTime(state.from), t = parseTime(state.to, true), span = t - f;
        const now = Date.now();
        const nt = Math.min(now, t + span / 2);
        onChange({ from: String(Math.round(nt - span * 2)), to: nt === now && state.to === "now" ? "now" : String(Math.round(nt)) });
    } }, "⊖");
    return h("div", { class: "time-controls" }, dd, zoomOut);
}

// Refresh button and auto-refresh interval select. onRefresh(), onInterval(text).
export function refreshPicker(value, onRefresh, onInterval) {
    const sel = h("select", { class: "select refresh-select", title: "Auto refresh", "aria-label": "Auto refresh" },
        REFRESH_CHOICES.map((r) => h("option", { value: r, selected: r === (value || "") }, r || "Off")));
    if (value && !REFRESH_CHOICES.includes(value)) sel.appendChild(h("option", { value, selected: true }, value));
    sel.addEventListener("change", () => onInterval(sel.value));
    return h("div", { class: "refresh-controls" }, h("button", { class: "btn", type: "button", title: "Refresh now", onclick: onRefresh }, "↻"), sel);
}

// The range in milliseconds for from/to texts.
export function resolveRange(from, to, now = Date.now()) {
    let f = parseTime(from, false, now), t = parseTime(to, true, now);
    if (!isFinite(f)) f = now - 6 * 3600e3;
    if (!isFinite(t)) t = now;
    if (f >= t) f = t - 60e3;
    return { from: f, to: t };
}

export function validRefresh(r) { return r && parseDuration(r) >= 1000 ? r : ""; }
