"use strict";
// Text that dashboards and senders write, turned into DOM nodes that cannot run script: text
// panels' HTML through an allowlist (elements, attributes and URL schemes kept by name), their
// Markdown built node by node, and the checks on links and colours every page shares.
//
// Nothing here serialises HTML and parses it again: what is checked is the node tree that is
// inserted, so a parser quirk (scripting mode, mutation on re-parse) cannot turn checked markup
// into something else.

// Elements kept (with their allowed children); anything else is dropped and its children kept,
// except DROPPED_WITH_CONTENT whose content is code, styles or foreign markup.
const ELEMENTS = new Set(["a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr"]);
const DROPPED_WITH_CONTENT = new Set(["script", "style", "template", "noscript", "noembed", "noframes", "iframe", "frame", "frameset",
    "object", "embed", "applet", "svg", "math", "textarea", "title", "xmp", "plaintext", "select", "option", "head", "meta", "link",
    "base", "form", "button", "input"]);

// Attributes kept, on every element and per element; URL attributes also pass safeURL.
const GLOBAL_ATTRIBUTES = new Set(["title", "lang", "dir"]);
const ELEMENT_ATTRIBUTES = {
    a: new Set(["href"]),
    img: new Set(["src", "alt", "width", "height"]),
    td: new Set(["colspan", "rowspan", "align"]), th: new Set(["colspan", "rowspan", "align", "scope"]),
    col: new Set(["span"]), colgroup: new Set(["span"]),
    ol: new Set(["start", "reversed"]), li: new Set(["value"]),
    p: new Set(["align"]), div: new Set(["align"]), table: new Set(["align"]), details: new Set(["open"]),
    q: new Set(["cite"]), blockquote: new Set(["cite"]), del: new Set(["cite"]), ins: new Set(["cite"]),
};
const URL_ATTRIBUTES = new Set(["href", "src", "cite"]);
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const IMAGE_SCHEMES = new Set(["http:", "https:"]);

// Whether `value` (an attribute's text as the parser gave it) leads somewhere harmless: the
// browser's own URL parser resolves it (dropping tabs, newlines and leading control characters as
// it will when the link is followed) and its scheme must be one allowed by name.
export function safeURL(value, schemes = LINK_SCHEMES) {
    if (value == null) return false;
    let url;
    try { url = new URL(String(value), location.href); } catch { return false; }
    return schemes.has(url.protocol);
}

// A CSS colour from a dashboard, or null: #rgb[a], #rrggbb[aa], rgb[a]()/hsl[a]() with numbers
// only, or a bare keyword (red, transparent). Nothing that could hold url(), quotes or markup.
export function safeColor(value) {
    if (typeof value !== "string") return null;
    const v = value.trim();
    if (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v)) return v;
    if (/^(?:rgb|hsl)a?\(\s*[-+0-9.]+(?:deg|%)?(?:\s*[,\s/]\s*[-+0-9.]+%?){2,3}\s*\)$/i.test(v)) return v;
    if (/^[a-z]{3,30}$/i.test(v)) return v;
    return null;
}

// HTML from a dashboard as a fragment of allowed nodes. The browser's own parser reads it into an
// inert <template> (nothing loads or runs there), then each allowed node is built anew with
// createElement and createTextNode: the tree inserted is the tree checked, never markup parsed
// a second time in another scripting mode. (Chromium reports an inline handler or style in the
// parsed HTML as a Content-Security-Policy violation even so: the inert copy is never run.)
export function sanitizedHTML(html) {
    const template = document.createElement("template");
    template.innerHTML = String(html ?? "");
    const out = document.createDocumentFragment();
    copyChildren(template.content, out, 0);
    return out;
}

const MAX_DEPTH = 64;

function copyChildren(from, to, depth) {
    for (const node of from.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) { to.appendChild(document.createTextNode(node.data)); continue; }
        if (node.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions
        // Only HTML elements by their local name: an <svg:a> or <math:mi> never passes as HTML.
        if (node.namespaceURI !== "http://www.w3.org/1999/xhtml") continue;
        const tag = node.localName;
        if (DROPPED_WITH_CONTENT.has(tag)) continue;
        if (!ELEMENTS.has(tag) || depth >= MAX_DEPTH) { copyChildren(node, to, depth + 1); continue; }
        const copy = document.createElement(tag);
        const allowed = ELEMENT_ATTRIBUTES[tag];
        for (const attr of node.attributes) {
            const name = attr.name.toLowerCase();
            if (!GLOBAL_ATTRIBUTES.has(name) && !(allowed && allowed.has(name))) continue;
            if (URL_ATTRIBUTES.has(name) && !safeURL(attr.value, tag === "img" ? IMAGE_SCHEMES : LINK_SCHEMES)) continue;
            copy.setAttribute(name, attr.value);
        }
        if (tag === "a" && copy.hasAttribute("href")) linkTarget(copy);
        copyChildren(node, copy, depth + 1);
        to.appendChild(copy);
    }
}

// Links leaving the UI open in a new tab that cannot reach back to this one.
function linkTarget(a) {
    const url = new URL(a.getAttribute("href"), location.href);
    if (url.origin !== location.origin) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
}

// ---- Markdown (the subset Grafana's text panels mostly use), built as nodes

const INLINE = [
    ["code", /`([^`]+)`/],
    ["link", /!?\[([^\]]*)\]\(([^)\s]+)\)/],
    ["url", /(?<=^|\s)https?:\/\/[^\s<]+/],
    ["strong", /\*\*([^*]+)\*\*/],
    ["em", /(?<!\*)\*([^*\s][^*]*)\*/],
];

// Inline Markdown as nodes: the earliest construct wins, so a link's URL is never read as emphasis.
function inline(text, depth = 0) {
    const nodes = [];
    let rest = text;
    while (rest) {
        let best = null;
        for (const [kind, re] of INLINE) {
            const m = re.exec(rest);
            if (m && (!best || m.index < best.m.index)) best = { kind, m };
        }
        if (!best || depth > 16) { nodes.push(document.createTextNode(rest)); break; }
        const { kind, m } = best;
        if (m.index) nodes.push(document.createTextNode(rest.slice(0, m.index)));
        rest = rest.slice(m.index + m[0].length);
        if (kind === "code") nodes.push(element("code", [document.createTextNode(m[1])]));
        else if (kind === "strong") nodes.push(element("b", inline(m[1], depth + 1)));
        else if (kind === "em") nodes.push(element("i", inline(m[1], depth + 1)));
        else if (kind === "url") nodes.push(link(m[0], [document.createTextNode(m[0])]));
        else nodes.push(safeURL(m[2]) ? link(m[2], inline(m[1], depth + 1)) : document.createTextNode(m[1]));
    }
    return nodes;
}

function element(tag, children) {
    const e = document.createElement(tag);
    for (const c of children) e.appendChild(c);
    return e;
}

function link(href, children) {
    const a = element("a", children);
    a.setAttribute("href", href);
    linkTarget(a);
    return a;
}

// Markdown as a fragment: headings, paragraphs, lists, rules and fenced code; raw HTML stays text.
export function markdown(src) {
    const out = document.createDocumentFragment();
    let para = [], list = null, code = null;
    const flushPara = () => { if (para.length) { out.appendChild(element("p", inline(para.join(" ")))); para = []; } };
    const flushList = () => {
        if (list) { out.appendChild(element(list.tag, list.items.map((i) => element("li", inline(i))))); list = null; }
    };
    const flushCode = () => { out.appendChild(element("pre", [element("code", [document.createTextNode(code.join("\n"))])])); code = null; };
    for (const line of String(src ?? "").split(/\r?\n/)) {
        if (code != null) {
            if (/^```/.test(line)) flushCode(); else code.push(line);
            continue;
        }
        let m;
        if (/^```/.test(line)) { flushPara(); flushList(); code = []; }
        else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) { flushPara(); flushList(); out.appendChild(element("h" + m[1].length, inline(m[2]))); }
        else if (/^\s*([-*_])\s*\1\s*\1[\s\1]*$/.test(line)) { flushPara(); flushList(); out.appendChild(document.createElement("hr")); }
        else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) { flushPara(); if (!list || list.tag !== "ul") { flushList(); list = { tag: "ul", items: [] }; } list.items.push(m[1]); }
        else if ((m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) { flushPara(); if (!list || list.tag !== "ol") { flushList(); list = { tag: "ol", items: [] }; } list.items.push(m[1]); }
        else if (!line.trim()) { flushPara(); flushList(); }
        else { flushList(); para.push(line); }
    }
    if (code != null) flushCode();
    flushPara(); flushList();
    return out;
}
