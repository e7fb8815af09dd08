import Foundation
import OspreyTestSupport
import Testing

extension EndToEndTests {
    /// The web UI against script injection, in Debian's headless Chromium: text panels, template
    /// variables from the URL, label values pushed by a sender, series names and dashboard colours
    /// carry payloads from the issue and from common XSS lists (OWASP's filter evasion cheat sheet);
    /// none may run (each would set the page's title to PWNED-…), reach the page as live markup, or
    /// send the UI's requests elsewhere, while the harmless parts around them still show. Every
    /// response carries a Content-Security-Policy and nosniff.
    @Suite(.enabled(if: HeadlessChromium.available, "apt-get install chromium"))
    struct BrowserSecurityTests {
        static let assets = BrowserTests.repository.appendingPathComponent("Sources/OspreyServer/Web/Assets")

        /// HTML for text panels; `N` stands for the panel's number (in the PWNED-N marker) and
        /// `RECEIVER` for another server's address (a `<base>` must not send the UI's requests there).
        static let htmlPayloads = [
            // The issue's bypasses of the old sanitizer.
            "<noscript><!--</noscript><img src=x onerror=document.title=`PWNED-N`>--></noscript>",
            "<a href=\"jav&#9;ascript:document.title=`PWNED-N`\">tab</a>",
            "<a href=\"java&#10;script:document.title=`PWNED-N`\">newline</a>",
            "<a href=\"&#1;javascript:document.title=`PWNED-N`\">control</a>",
            "<svg><a><animate attributeName=\"href\" values=\"javascript:document.title=`PWNED-N`\"/><text x=\"20\" y=\"20\">animate</text></a></svg>",
            "<svg><a><set attributeName=\"href\" to=\"javascript:document.title=`PWNED-N`\"/><text x=\"20\" y=\"20\">set</text></a></svg>",
            "<base href=\"RECEIVER/\">",
            // From the usual lists.
            "<img src=x onerror=document.title=`PWNED-N`>",
            "<IMG SRC=\"javascript:document.title=`PWNED-N`\">",
            "<svg/onload=document.title=`PWNED-N`>",
            "<iframe srcdoc=\"<script>parent.document.title=`PWNED-N`</script>\"></iframe>",
            "<details open ontoggle=document.title=`PWNED-N`><summary>details</summary></details>",
            "<a href=\"javascript&colon;document.title=`PWNED-N`\">colon</a>",
            "<a href=\"  JaVaScRiPt:document.title=`PWNED-N`\">mixed case</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD5kb2N1bWVudC50aXRsZT0xPC9zY3JpcHQ+\">data</a>",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:document.title=`PWNED-N`\">",
            "<object data=\"javascript:document.title=`PWNED-N`\"></object><embed src=\"javascript:document.title=`PWNED-N`\">",
            "<form action=\"javascript:document.title=`PWNED-N`\"><button formaction=\"javascript:document.title=`PWNED-N`\">go</button></form>",
            "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=document.title=`PWNED-N`&gt;\">",
            "<svg></p><style><a id=\"</style><img src=1 onerror=document.title=`PWNED-N`>\">",
            "<a href=\"https://example.com/ok\" onclick=\"document.title=`PWNED-N`\">click</a>",
            "<div style=\"background:url(javascript:document.title=`PWNED-N`)\">styled</div><style>@import 'RECEIVER/css';</style>",
            "<script>document.title=`PWNED-N`</script>",
        ]

        /// A dashboard of the given panels, saved through the API; returns its URL.
        private func save(_ panels: [[String: Any]], variables: [[String: Any]] = [], on server: TestServer) async throws -> String {
            let dashboard: [String: Any] = [
                "uid": "xss-lab", "title": "XSS lab", "panels": panels, "templating": ["list": variables],
                "time": ["from": "now-1h", "to": "now"],
            ]
            let body = try JSONSerialization.data(withJSONObject: ["dashboard": dashboard, "overwrite": true])
            // Dashboards load in the background after start (503 until then).
            @Sendable func send() async throws -> TestServer.Reply {
                try await server.send("/api/dashboards/db", method: .POST, bytes: Array(body), headers: [("Content-Type", "application/json")])
            }
            try await server.eventually { try await send().status != 503 }
            let saved = try await send()
            #expect(saved.status == 200, "\(saved.body)")
            return server.baseURL + "/dashboards/xss-lab"
        }

        private static func textPanel(_ id: Int, _ content: String, mode: String = "html", y: Int = 0) -> [String: Any] {
            [
                "id": id, "type": "text", "title": "text \(id)", "options": ["mode": mode, "content": content],
                "gridPos": ["x": 0, "y": y, "w": 24, "h": 3],
            ]
        }

        /// What in a page's DOM could run script or leave the page: an event handler attribute,
        /// a script URL (read as the browser's URL parser reads it), elements that load or run
        /// something, a `<base>`; and a title some payload set.
        static func dangers(in page: HeadlessChromium.Page, title: String) -> [String] {
            var found: [String] = []
            let dom = page.dom
            if let shown = dom.firstMatch(of: /<title>([^<]*)<\/title>/)?.output.1, shown != title { found.append("title \(shown)") }
            for tag in dom.matches(of: /<[a-zA-Z][^>]*>/).map({ String($0.output) }) {
                for attribute in tag.matches(of: /\s([^\s="'>\/]+)\s*=\s*"([^"]*)"/) {
                    let name = attribute.output.1.lowercased()
                    let value = String(attribute.output.2)
                    if name.hasPrefix("on") { found.append("handler in \(tag)") }
                    if ["href", "src", "action", "formaction", "data", "xlink:href", "values", "to", "srcdoc"].contains(name) {
                        let url = value.replacingOccurrences(of: "&amp;", with: "&").filter { !"\t\n\r".contains($0) }
                            .drop { $0.asciiValue.map { $0 <= 0x20 } ?? false }.lowercased()
                        if url.hasPrefix("javascript:") || url.hasPrefix("vbscript:") || url.hasPrefix("data:text") {
                            found.append("script URL in \(tag)")
                        }
                    }
                    if name == "style" && value.contains("url(") { found.append("style URL in \(tag)") }
                }
            }
            let counts: [(Regex<Substring>, Int, String)] = [
                (/<script[\s>]/, 1, "a script besides the UI's"), (/<noscript[\s>]/, 1, "a noscript besides the UI's"),
                (/<base[\s>]/, 0, "a base element"), (/<iframe[\s>]/, 0, "an iframe"), (/<object[\s>]/, 0, "an object"),
                (/<embed[\s>]/, 0, "an embed"), (/<animate[\s>\/]/, 0, "an SVG animate"), (/<set[\s>\/]/, 0, "an SVG set"),
                (/<meta http-equiv/, 0, "a meta refresh"), (/<form[^>]*\saction=/, 0, "a form with an action"), (/<style[\s>]/, 0, "a style element"),
            ]
            for (pattern, allowed, what) in counts where dom.matches(of: pattern).count > allowed { found.append(what) }
            return found
        }

        /// The page's reports of the policy refusing something. (Chromium also reports a handler or a
        /// style attribute in HTML it merely parses into an inert copy, so pages showing such HTML
        /// are not asked for none.)
        static func policyViolations(in page: HeadlessChromium.Page) -> [String] {
            page.console.filter { $0.contains("Content Security Policy") || $0.contains("Refused to") }
        }

        @Test func textPanelsShowAllowedHTMLAndMarkdownAndNothingThatRuns() async throws {
            let receiver = try await WebhookReceiver.start()
            defer { Task { await receiver.stop() } }
            let receiverURL = "http://127.0.0.1:\(receiver.port)"
            try await TestServer.with(config: "") { server in
                var panels: [[String: Any]] = []
                for (index, payload) in Self.htmlPayloads.enumerated() {
                    let content =
                        "<p>before-\(index)</p>"
                        + payload.replacingOccurrences(of: "PWNED-N", with: "PWNED-\(index)").replacingOccurrences(of: "RECEIVER", with: receiverURL)
                        + "<p><b>after-\(index)</b></p>"
                    panels.append(Self.textPanel(index + 1, content, y: index * 3))
                }
                // Queries drawn after the text panels: a <base> would send them to the receiver.
                let queries: [String: Any] = [
                    "id": 100, "type": "timeseries", "title": "queries", "targets": [["refId": "A", "expr": "vector(1)"]],
                    "gridPos": ["x": 0, "y": 200, "w": 24, "h": 6],
                ]
                let allowed = """
                    <p title="kept" style="color:red" class="c" id="page">allowed <a href="https://example.com/x?a=1&amp;b=2">link</a> \
                    <a href="/dashboards">home</a> <img src="https://example.com/pic.png" alt="pic"></p>\
                    <table><tr><td colspan="2">cell</td></tr></table><ul><li>item</li></ul>
                    """
                let markdown = """
                    # Heading
                    [*a](https://b*) and **bold** and *it* and `<code>` and https://example.com/auto
                    - [x](javascript:document.title=this.textContent) <img src=x alt=PWNED-md onerror=document.title=this.alt>
                    """
                panels += [Self.textPanel(200, allowed, y: 300), Self.textPanel(201, markdown, mode: "markdown", y: 303), queries]
                let url = try await save(panels, on: server)

                let page = try await HeadlessChromium.load(url)
                #expect(Self.dangers(in: page, title: "XSS lab – Osprey") == [])
                for (index, payload) in Self.htmlPayloads.enumerated() {
                    #expect(page.dom.contains("<p>before-\(index)</p>"), "panel \(index + 1)")
                    // (An unclosed <math> takes what follows into itself, and is dropped with it.)
                    #expect(payload.hasPrefix("<math>") || page.dom.contains("<b>after-\(index)</b>"), "panel \(index + 1)")
                }
                #expect(receiver.received.isEmpty, "requests sent elsewhere: \(receiver.received.map(\.path))")
                #expect(page.dom.contains(#"<a href="https://example.com/ok" target="_blank" rel="noopener noreferrer">click</a>"#))

                // The allowlist keeps what it names (and only that).
                #expect(
                    page.dom.contains(
                        #"<p title="kept">allowed <a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">link</a>"#))
                #expect(page.dom.contains(#"<a href="/dashboards">home</a> <img src="https://example.com/pic.png" alt="pic"></p>"#))
                #expect(page.dom.contains(#"<td colspan="2">cell</td>"#) && page.dom.contains("<li>item</li>"))
                // Markdown: a link's URL is not read as emphasis; raw HTML stays text.
                #expect(page.dom.contains(#"<a href="https://b*" target="_blank" rel="noopener noreferrer">*a</a>"#))
                #expect(page.dom.contains("<h1>Heading</h1>") && page.dom.contains("<b>bold</b>") && page.dom.contains("<i>it</i>"))
                #expect(page.dom.contains("<code>&lt;code&gt;</code>"))
                #expect(
                    page.dom.contains(#"<a href="https://example.com/auto" target="_blank" rel="noopener noreferrer">https://example.com/auto</a>"#))
                #expect(page.dom.contains("<li>x &lt;img src=x alt=PWNED-md onerror=document.title=this.alt&gt;</li>"))
                try await HeadlessChromium.screenshot(url, to: try Self.screenshotFolder() + "/xss-lab.png")
            }
        }

        @Test func variablesFromTheURLAndLabelValuesFromSendersStayText() async throws {
            let label = "<noscript><!--</noscript><img src=x onerror=document.title=`PWNED-label`>--></noscript>"
            let textbox = "<noscript><!--</noscript><img src=x onerror=document.title=`PWNED-url`>--></noscript>"
            try await TestServer.with(config: "") { server in
                // Samples of the last minutes, so both range and instant queries up to now see them.
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let samples = [600_000, 300_000, 120_000].map { "xss_target{who=\"\(label)\"} 1 \(now - Int64($0))\n" }.joined()
                let pushed = try await server.post("/api/v1/import/prometheus", body: samples)
                #expect(pushed.status == 204, "\(pushed.body)")
                let variables: [[String: Any]] = [
                    ["name": "who", "type": "textbox", "query": "world"],
                    ["name": "lbl", "type": "query", "query": "label_values(xss_target, who)", "refresh": 1],
                ]
                let panels: [[String: Any]] = [
                    Self.textPanel(1, "<p>Hello <b>$who</b> and <i>$lbl</i></p>"),
                    Self.textPanel(2, "Label **$lbl** from $who", mode: "markdown", y: 3),
                    [
                        "id": 3, "type": "timeseries", "title": "$lbl", "targets": [["refId": "A", "expr": "xss_target", "legendFormat": "{{who}}"]],
                        "gridPos": ["x": 0, "y": 6, "w": 12, "h": 6],
                    ],
                    [
                        "id": 4, "type": "table", "title": "series", "targets": [["refId": "A", "expr": "xss_target", "instant": true]],
                        "gridPos": ["x": 12, "y": 6, "w": 12, "h": 6],
                    ],
                    [
                        "id": 5, "type": "stat", "title": "$who", "targets": [["refId": "A", "expr": "xss_target", "legendFormat": "{{who}}"]],
                        "gridPos": ["x": 0, "y": 12, "w": 12, "h": 6],
                    ],
                ]
                let url = try await save(panels, variables: variables, on: server)
                let escaped = textbox.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? textbox
                let page = try await HeadlessChromium.load(url + "?var-who=" + escaped)
                #expect(Self.dangers(in: page, title: "XSS lab – Osprey") == [])
                #expect(Self.policyViolations(in: page) == [], "variables reach the page as text, never as markup")
                #expect(
                    page.dom.contains("<p>Hello <b>&lt;noscript&gt;&lt;!--&lt;/noscript&gt;&lt;img src=x onerror=document.title=`PWNED-url`&gt;"),
                    "the textbox's value shows as text")
                #expect(
                    page.dom.contains("<i>&lt;noscript&gt;&lt;!--&lt;/noscript&gt;&lt;img src=x onerror=document.title=`PWNED-label`&gt;"),
                    "the label value shows as text")
                let drawn = page.elements(with: "data-panel-id")
                #expect(drawn.filter { $0["data-state"] == "ok" }.count == 5, "\(drawn)")
            }
        }

        @Test func theTooltipShowsADashboardsColourOnlyWhenItIsAColour() async throws {
            // The shipped panels.js and chart.js on a page of the test's own, which hovers the chart.
            let folder = try TemporaryFolder()
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.assets.path) {
                try FileManager.default.copyItem(atPath: Self.assets.appendingPathComponent(name).path, toPath: folder.path + "/" + name)
            }
            let colours = [
                #"red"><img src=x onerror=document.title=`PWNED-colour`><i x=""#, "rgb(10, 20, 30)", "dark-red", "url(https://example.com/x)",
            ]
            let coloursJSON = String(decoding: try JSONSerialization.data(withJSONObject: colours), as: UTF8.self)
            let script = """
                import { Panel } from "./panels.js";
                const box = document.getElementById("box");
                for (const [i, fixedColor] of \(coloursJSON).entries()) {
                    const def = { id: i + 1, type: "timeseries", title: "t", targets: [{ refId: "A", expr: "x" }],
                        fieldConfig: { defaults: { color: { mode: "fixed", fixedColor } } } };
                    const panel = new Panel(def, {});
                    panel.el.style.width = "600px"; panel.el.style.height = "300px";
                    box.appendChild(panel.el);
                    const metric = { __name__: "x", who: "<img src=x onerror=document.title=`PWNED-name`>" };
                    const data = { resultType: "matrix", result: [{ metric, values: [[0, "1"], [60, "2"], [120, "3"]] }] };
                    panel.render([{ t: def.targets[0], expr: "x", instant: false, stepMs: 60000, data }], { from: 0, to: 120000 });
                    const chart = panel.chart, at = chart.svg.getBoundingClientRect();
                    chart.svg.dispatchEvent(new MouseEvent("mousemove",
                        { clientX: at.left + (chart.geom.left + chart.geom.right) / 2, clientY: at.top + 40, bubbles: true }));
                    chart.tip.dataset.case = String(i);
                }
                """
            try script.write(toFile: folder.path + "/hover.js", atomically: true, encoding: .utf8)
            try """
            <!doctype html><meta charset="utf-8"><title>hover</title><link rel="stylesheet" href="app.css">
            <body><div id="box"></div><script type="module" src="hover.js"></script>
            """.write(toFile: folder.path + "/hover.html", atomically: true, encoding: .utf8)

            let page = try await HeadlessChromium.load("file://\(folder.path)/hover.html", arguments: ["--allow-file-access-from-files"])
            #expect(Self.dangers(in: page, title: "hover") == [])
            let tips = page.dom.matches(of: /<div class="chart-tip" data-case="(\d)"[^>]*>(.*?)<\/div><\/div>/).map {
                (Int($0.output.1) ?? -1, String($0.output.2))
            }
            #expect(tips.map(\.0) == [0, 1, 2, 3], "each chart shows its tooltip: \(page.dom.suffix(3000))")
            let swatches = tips.map { $0.1.firstMatch(of: /<i style="background: ([^;"]*);?">/)?.output.1 ?? "none" }
            #expect(
                swatches == ["rgb(115, 191, 105)", "rgb(10, 20, 30)", "rgb(196, 22, 42)", "rgb(115, 191, 105)"],
                "a colour that is no colour gives the default green")
            #expect(
                tips.allSatisfy { $0.1.contains(#"<span class="tip-name">x{who="&lt;img src=x onerror=document.title=`PWNED-name`&gt;"}</span>"#) })
        }

        @Test func everyResponseCarriesTheContentSecurityPolicyAndNosniff() async throws {
            try await TestServer.with(config: "") { server in
                for path in [
                    "/dashboards", "/explore", "/assets/app.js", "/assets/app.css", "/api/v1/query?query=1", "/api/v1/query?query=(",
                    "/no/such/page", "/assets/nope.js", "/-/healthy",
                ] {
                    let reply = try await server.get(path)
                    let policy = reply.headers["content-security-policy"] ?? ""
                    let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
                    for required in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
                        #expect(directives.contains(required), "\(path) (\(reply.status)): \(policy)")
                    }
                    #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"), "\(path): \(policy)")
                    #expect(reply.headers["x-content-type-options"] == "nosniff", "\(path) (\(reply.status))")
                }
                // The page has no inline script or handler for the policy to refuse.
                let page = try await server.get("/dashboards").body
                #expect(page.matches(of: /<script[^>]*>/).allSatisfy { $0.output.contains(" src=") })
                #expect(page.firstMatch(of: /<[^>]*\son[a-z]+=/) == nil)
            }
        }

        @Test func theAlertsPageShowsValuesAsPrometheusDoes() async throws {
            let folder = try TemporaryFolder()
            let rules = folder.path + "/values.rules.yml"
            try """
            groups:
            - name: values
              rules:
              - alert: Three
                expr: vector(3)
                annotations:
                  summary: "<img src=x onerror=document.title=`PWNED-annotation`>"
              - alert: Small
                expr: vector(0.0015)
            """.write(toFile: rules, atomically: true, encoding: .utf8)
            let config = "global:\n  evaluation_interval: 1s\nrule_files:\n  - \(rules)\n"
            try await TestServer.with(config: config, folder: folder) { server in
                try await server.eventually {
                    let body = try await server.get("/api/v1/alerts").body
                    return body.contains("Three") && body.contains("Small")
                }
                let api = try await server.get("/api/v1/alerts").body
                #expect(api.contains(#""3e+00""#), "the API keeps Prometheus's format: \(api)")
                let page = try await HeadlessChromium.load(server.baseURL + "/alerts")
                #expect(Self.dangers(in: page, title: "Alerts – Osprey") == [])
                #expect(Self.policyViolations(in: page) == [])
                let values = page.dom.matches(of: /<span class="muted alert-value">value ([^<]*)<\/span>/).map { String($0.output.1) }
                #expect(values.sorted() == ["0.0015", "3"], "\(values)")
                #expect(!page.dom.contains("e+00") && !page.dom.contains("e-03"))
                #expect(page.dom.contains("&lt;img src=x onerror=document.title=`PWNED-annotation`&gt;"))
            }
        }

        @Test func theProbesPageShowsNoOldErrorBesideUp() async throws {
            let target = try await WebhookReceiver.start()
            defer { Task { await target.stop() } }
            target.refuse(true)
            let config = """
                probe_modules:
                  http_post:
                    prober: http
                    timeout: 2s
                    http:
                      method: POST
                      preferred_ip_protocol: ip4
                probes:
                  - job_name: hook
                    module: http_post
                    interval: 1s
                    targets: ["\(target.url)"]
                """
            try await TestServer.with(config: config) { server in
                @Sendable func probe() async throws -> (health: String, lastError: String) {
                    let body = try await server.get("/api/v1/probes").body
                    let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                    let first = ((json?["data"] as? [String: Any])?["probes"] as? [[String: Any]])?.first ?? [:]
                    return (first["health"] as? String ?? "", first["lastError"] as? String ?? "")
                }
                try await server.eventually { try await probe().health == "down" }
                let failing = try await HeadlessChromium.load(server.baseURL + "/probes")
                let error = try await probe().lastError
                #expect(!error.isEmpty && failing.dom.contains(Self.htmlText(error)), "a failing probe shows its error")

                target.refuse(false)
                try await server.eventually { try await probe().health == "up" }
                let up = try await HeadlessChromium.load(server.baseURL + "/probes")
                #expect(up.dom.contains(#"<tr data-health="up">"#))
                #expect(up.dom.contains(#"<td class="err-text"></td>"#), "no error beside up: \(up.dom.suffix(1500))")
                if case let stale = try await probe().lastError, !stale.isEmpty {
                    #expect(!up.dom.contains(Self.htmlText(stale)), "the old error is not shown beside up")
                }
            }
        }

        /// `text` as a serialised DOM shows it in an element.
        static func htmlText(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\u{A0}", with: "&nbsp;")
        }

        static func screenshotFolder() throws -> String {
            let folder = BrowserTests.repository.appendingPathComponent(".build/screenshots").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder
        }
    }
}
