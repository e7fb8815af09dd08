"use strict";
// Units, numbers, durations and times: what the charts, stats and tables print.

const SI = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"], [1, ""], [1e-3, "m"], [1e-6, "µ"], [1e-9, "n"]];
const SHORT = [[1e15, " Quadr"], [1e12, " T"], [1e9, " B"], [1e6, " M"], [1e3, " K"], [1, ""]];
const IEC = [[1024 ** 5, " PiB"], [1024 ** 4, " TiB"], [1024 ** 3, " GiB"], [1024 ** 2, " MiB"], [1024, " KiB"], [1, " B"]];
const DEC_BYTES = [[1e15, " PB"], [1e12, " TB"], [1e9, " GB"], [1e6, " MB"], [1e3, " kB"], [1, " B"]];
const TIME_S = [[604800, " week"], [86400, " day"], [3600, " hour"], [60, " min"], [1, " s"], [1e-3, " ms"], [1e-6, " µs"], [1e-9, " ns"]];

function siScale(suffix) { return SI.map(([f, p]) => [f, " " + p + suffix]); }
function withSuffix(table, suffix) { return table.map(([f, p]) => [f, p + suffix]); }

// unit → {scales: [[factor, suffix]] (largest first), mul: value multiplier, prefix}
const UNITS = {
    none: { scales: null }, short: { scales: SHORT }, "": { scales: SHORT },
    percent: { scales: null, suffix: "%" }, percentunit: { scales: null, suffix: "%", mul: 100 },
    bytes: { scales: IEC }, decbytes: { scales: DEC_BYTES }, kbytes: { scales: IEC, mul: 1024 }, mbytes: { scales: IEC, mul: 1024 ** 2 },
    bits: { scales: withSuffix(SHORT, "").map(([f, p]) => [f, p.trim() ? " " + p.trim() + "b" : " b"]) },
    Bps: { scales: withSuffix(DEC_BYTES, "/s") }, binBps: { scales: withSuffix(IEC, "/s") },
    bps: { scales: siScale("bps") }, binbps: { scales: withSuffix(IEC, "/s").map(([f, p]) => [f, p.replace("B", "b")]) },
    s: { scales: TIME_S }, ms: { scales: TIME_S, mul: 1e-3 }, "µs": { scales: TIME_S, mul: 1e-6 }, us: { scales: TIME_S, mul: 1e-6 },
    ns: { scales: TIME_S, mul: 1e-9 }, m: { scales: TIME_S, mul: 60 }, h: { scales: TIME_S, mul: 3600 }, d: { scales: TIME_S, mul: 86400 },
    dtdurations: { scales: TIME_S }, dtdurationms: { scales: TIME_S, mul: 1e-3 },
    reqps: { scales: withSuffix(SHORT, " req/s") }, rps: { scales: withSuffix(SHORT, " req/s") }, ops: { scales: withSuffix(SHORT, " ops/s") },
    iops: { scales: withSuffix(SHORT, " io/s") }, wps: { scales: withSuffix(SHORT, " wr/s") }, rpm: { scales: withSuffix(SHORT, " rpm") },
    opm: { scales: withSuffix(SHORT, " ops/min") }, cps: { scales: withSuffix(SHORT, " c/s") },
    hertz: { scales: siScale("Hz") }, volt: { scales: siScale("V") }, watt: { scales: siScale("W") }, amp: { scales: siScale("A") },
    celsius: { scales: null, suffix: "°C" }, fahrenheit: { scales: null, suffix: "°F" },
    currencyUSD: { scales: SHORT, prefix: "$" }, currencyEUR: { scales: SHORT, prefix: "€" }, currencyGBP: { scales: SHORT, prefix: "£" },
    dateTimeAsIso: { time: true }, dateTimeFromNow: { time: true },
    pps: { scales: withSuffix(SHORT, " p/s") }, eps: { scales: withSuffix(SHORT, " /s") }, rotrpm: { scales: withSuffix(SHORT, " rpm") },
    decbits: { scales: siScale("b") }, bool: { map: ["False", "True"] }, bool_yes_no: { map: ["No", "Yes"] }, bool_on_off: { map: ["Off", "On"] },
    velocityms: { scales: null, suffix: " m/s" }, lengthm: { scales: siScale("m") }, mps: { scales: withSuffix(SHORT, " m/s") },
};

function unitSpec(unit) {
    if (unit == null) return UNITS.short;
    if (UNITS[unit]) return UNITS[unit];
    if (unit.startsWith("suffix:")) return { scales: null, suffix: " " + unit.slice(7) };
    if (unit.startsWith("prefix:")) return { scales: null, prefix: unit.slice(7) };
    return { scales: SHORT, suffix: " " + unit };
}

function pickScale(scales, absValue) {
    if (!scales || !isFinite(absValue) || absValue === 0) return scales ? scales.find(([f]) => f === 1) || [1, ""] : [1, ""];
    for (const s of scales) if (absValue >= s[0] * 0.9999) return s;
    return scales[scales.length - 1];
}

function autoDecimals(v) {
    const a = Math.abs(v);
    if (a === 0 || Number.isInteger(v)) return 0;
    if (a >= 100) return 0;
    if (a >= 10) return 1;
    if (a >= 1) return 2;
    return Math.min(6, Math.max(2, -Math.floor(Math.log10(a)) + 1));
}

function trimZeros(s) { return s.includes(".") ? s.replace(/\.?0+$/, "") : s; }

// One value with its unit: 1.5 GiB, 300 ms, 45%.
export function formatValue(value, unit, decimals) {
    if (value == null || Number.isNaN(value)) return "–";
    if (!isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
    const spec = unitSpec(unit);
    if (spec.time) return formatTime(value, { seconds: true });
    if (spec.map) return spec.map[value ? 1 : 0];
    const v = value * (spec.mul || 1);
    const [factor, suffix] = pickScale(spec.scales, Math.abs(v));
    const scaled = v / factor;
    const d = decimals != null && decimals !== "" ? Number(decimals) : autoDecimals(scaled);
    let text = scaled.toFixed(Math.min(20, Math.max(0, d)));
    if (decimals == null || decimals === "") text = trimZeros(text);
    return (spec.prefix || "") + text + suffix + (spec.suffix || "");
}

// Labels for axis ticks: one scale for the whole axis, decimals from the tick step.
export function axisFormatter(unit, maxAbs, step, decimals) {
    const spec = unitSpec(unit);
    if (spec.time) return (v) => formatTime(v, { seconds: true });
    const mul = spec.mul || 1;
    const [factor, suffix] = pickScale(spec.scales, Math.abs(maxAbs * mul));
    const scaledStep = Math.abs(step * mul / factor);
    const d = decimals != null && decimals !== "" ? Number(decimals) : Math.max(0, Math.min(10, -Math.floor(Math.log10(scaledStep || 1) + 1e-9)));
    return (v) => (spec.prefix || "") + (v * mul / factor).toFixed(d) + suffix + (spec.suffix || "");
}

// Nice ticks between lo and hi, about `count` of them; bytes step in powers of 1024 scales.
export function niceTicks(lo, hi, count, unit) {
    if (!(hi > lo)) { hi = lo + 1; }
    const spec = unitSpec(unit);
    const mul = spec.mul || 1;
    const [factor] = pickScale(spec.scales, Math.max(Math.abs(lo), Math.abs(hi)) * mul);
    const span = (hi - lo) * mul / factor;
    const raw = span / Math.max(1, count);
    const mag = 10 ** Math.floor(Math.log10(raw));
    const norm = raw / mag;
    const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
    const step = nice * mag * factor / mul;
    const ticks = [];
    const start = Math.ceil(lo / step - 1e-9) * step;
    for (let t = start; t <= hi + step * 1e-9 && ticks.length < 100; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return { ticks, step };
}

// ---- durations

const DUR_UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, y: 31536000000 };

// "1h30m", "15s", "7d" → milliseconds (NaN when it is not a duration).
export function parseDuration(text) {
    if (text == null) return NaN;
    const s = String(text).trim();
    if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
    let total = 0, m, matched = 0;
    while ((m = re.exec(s))) { total += Number(m[1]) * DUR_UNITS[m[2]]; matched = re.lastIndex; }
    return matched === s.length && s.length > 0 ? total : NaN;
}

// Milliseconds → Prometheus duration text ("1h30m", "15s").
export function durationText(ms) {
    if (!(ms > 0)) return "0s";
    if (ms < 1000) return Math.round(ms) + "ms";
    let rest = Math.round(ms / 1000);
    let out = "";
    for (const [u, n] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]]) {
        if (rest >= n) { out += Math.floor(rest / n) + u; rest %= n; }
    }
    return out;
}

// A friendly "3 s", "1.2 min" for a duration in seconds.
export function humanSeconds(sec) {
    if (sec == null || isNaN(sec)) return "–";
    return formatValue(sec, "s");
}

export function ago(date, now = Date.now()) {
    const t = date instanceof Date ? date.getTime() : Date.parse(date);
    if (!isFinite(t) || t <= 0 || new Date(t).getUTCFullYear() < 1971) return "never";
    const d = (now - t) / 1000;
    if (d < 0) return "in " + durationText(-d * 1000);
    if (d < 1) return "just now";
    return durationText(Math.round(d) * 1000) + " ago";
}

// Grafana's roundInterval: nice interval for a raw one (ms).
export function roundInterval(ms) {
    const steps = [[15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
        [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000], [210000, 120000], [450000, 300000],
        [750000, 600000], [1050000, 900000], [1500000, 1200000], [2700000, 1800000], [5400000, 3600000], [9000000, 7200000],
        [16200000, 10800000], [32400000, 21600000], [86400000, 43200000], [604800000, 86400000], [1814400000, 604800000],
        [3628800000, 2592000000]];
    for (const [lim, v] of steps) if (ms < lim) return v;
    return 31536000000;
}

// ---- time

let useUTC = false;
export function setUTC(flag) { useUTC = !!flag; }

function parts(t) {
    const d = new Date(t);
    return useUTC
        ? { Y: d.getUTCFullYear(), M: d.getUTCMonth() + 1, D: d.getUTCDate(), h: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds() }
        : { Y: d.getFullYear(), M: d.getMonth() + 1, D: d.getDate(), h: d.getHours(), m: d.getMinutes(), s: d.getSeconds() };
}
const p2 = (n) => String(n).padStart(2, "0");

export function formatTime(t, opts = {}) {
    if (opts.seconds) t = t * 1000;
    const p = parts(t);
    return `${p.Y}-${p2(p.M)}-${p2(p.D)} ${p2(p.h)}:${p2(p.m)}:${p2(p.s)}`;
}

// Axis label for time t (ms) given the tick step and the whole range.
export function formatAxisTime(t, step, range) {
    const p = parts(t);
    const hm = `${p2(p.h)}:${p2(p.m)}`;
    if (step < 60000) return `${hm}:${p2(p.s)}`;
    if (range <= 86400000 * 1.01) return hm;
    if (step < 86400000) return `${p2(p.M)}/${p2(p.D)} ${hm}`;
    return `${p2(p.M)}/${p2(p.D)}`;
}

// Time ticks at nice boundaries, about `count` of them.
export function timeTicks(from, to, count) {
    const span = to - from;
    const cands = [1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5, 1728e5, 6048e5, 2592e6, 31536e6];
    let step = cands[cands.length - 1];
    for (const c of cands) if (span / c <= count) { step = c; break; }
    const offset = useUTC || step < 36e5 ? 0 : new Date(from).getTimezoneOffset() * 60000;
    const ticks = [];
    let t = Math.ceil((from - offset) / step) * step + offset;
    if (step >= 864e5 && !useUTC) { // align days to local midnight
        const d = new Date(from); d.setHours(0, 0, 0, 0); t = d.getTime();
        while (t < from) t += step;
    }
    for (; t <= to && ticks.length < 200; t += step) ticks.push(t);
    return { ticks, step };
}

// Grafana's time expressions: "now", "now-6h", "now-1d/d", epoch milliseconds or an ISO date.
export function parseTime(text, roundUp = false, now = Date.now()) {
    if (text == null || text === "") return NaN;
    const s = String(text).trim();
    if (/^\d{10,}$/.test(s)) return Number(s);
    const m = /^now(?:([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y))?(?:\/(s|m|h|d|w|M|y))?$/.exec(s);
    if (m) {
        let t = now;
        if (m[1]) {
            const n = Number(m[2]) * (m[1] === "-" ? -1 : 1);
            if (m[3] === "M") { const d = new Date(t); d.setMonth(d.getMonth() + n); t = d.getTime(); }
            else t += n * DUR_UNITS[m[3]];
        }
        if (m[4]) t = roundTo(t, m[4], roundUp);
        return t;
    }
    const d = Date.parse(s.includes("T") || s.length <= 10 ? s : s.replace(" ", "T"));
    return isFinite(d) ? d : NaN;
}

function roundTo(t, unit, up) {
    const d = new Date(t);
    const set = { s: () => d.setMilliseconds(0), m: () => d.setSeconds(0, 0), h: () => d.setMinutes(0, 0, 0), d: () => d.setHours(0, 0, 0, 0),
        w: () => { d.setHours(0, 0, 0, 0); d.setDate(d.getDate() - d.getDay()); }, M: () => { d.setHours(0, 0, 0, 0); d.setDate(1); },
        y: () => { d.setHours(0, 0, 0, 0); d.setMonth(0, 1); } };
    set[unit]();
    if (up) {
        const add = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[unit];
        if (add) return d.getTime() + add - 1;
        if (unit === "M") d.setMonth(d.getMonth() + 1); else d.setFullYear(d.getFullYear() + 1);
        return d.getTime() - 1;
    }
    return d.getTime();
}

// Text for a range as the picker shows it.
export function rangeLabel(from, to) {
    const rel = /^now-(\d+)([smhdwMy])$/.exec(from);
    if (rel && to === "now") {
        const names = { s: "second", m: "minute", h: "hour", d: "day", w: "week", M: "month", y: "year" };
        return `Last ${rel[1]} ${names[rel[2]]}${rel[1] === "1" ? "" : "s"}`;
    }
    const f = (x) => /^\d+$/.test(x) ? formatTime(Number(x)) : x;
    return `${f(from)} to ${f(to)}`;
}

// A sample value as the API writes it ("3e+00", "1.5e-03", "+Inf") shown as Prometheus's UI shows
// it: 3, 0.0015, +Inf. Text that is no number is shown as it came.
export function sampleValueText(text) {
    const s = String(text ?? "").trim();
    if (/^[+-]?inf(inity)?$/i.test(s)) return s.startsWith("-") ? "-Inf" : "+Inf";
    if (/^nan$/i.test(s)) return "NaN";
    const v = s === "" ? NaN : Number(s);
    return Number.isFinite(v) ? String(v) : s;
}

export function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// A series' labels as Prometheus prints them: name{a="b", c="d"}.
export function seriesName(metric) {
    const name = metric.__name__ || "";
    const rest = Object.keys(metric).filter((k) => k !== "__name__").sort().map((k) => `${k}="${metric[k]}"`);
    if (!rest.length) return name || "{}";
    return `${name}{${rest.join(", ")}}`;
}
