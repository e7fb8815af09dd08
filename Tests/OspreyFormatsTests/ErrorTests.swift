import OspreyFormats
import OspreyModel
import Testing

/// Malformed input is rejected with the line it is on and a reason a user can act on.
@Suite struct ErrorTests {
    /// Two good lines first, so that a wrong line number shows.
    private let prefix = "# TYPE ok gauge\nok 1\n"

    @Test func duplicateLabelName() {
        expectError(prefix + "a{x=\"1\",x=\"2\"} 1\n", .text, line: 3, "duplicate label name", "\"x\"")
        expectError(prefix + "a{x=\"1\",y=\"3\",x=\"2\"} 1\n", .text, line: 3, "duplicate label name")
        expectError(prefix + "a{x=\"1\",x=\"2\"} 1\n# EOF\n", .openMetrics, line: 3, "duplicate label name")
        // The metric name is a label too.
        expectError(prefix + "a{__name__=\"b\"} 1\n", .text, line: 3, "__name__")
        // Same name with different values or lengths is fine.
        #expect(throws: Never.self) { try entries("a{x=\"1\",xx=\"1\",y=\"1\"} 1\n", .text) }
    }

    @Test func invalidMetricName() {
        expectError(prefix + "0abc 1\n", .text, line: 3, "metric name", "0abc")
        expectError(prefix + "{x=\"1\"} 1\n", .text, line: 3, "metric name")
        expectError(prefix + "é 1\n", .text, line: 3, "metric name")
        expectError(prefix + "# HELP 0abc text\n", .text, line: 3, "invalid metric name", "HELP")
        expectError(prefix + "# TYPE -x gauge\n", .text, line: 3, "invalid metric name", "TYPE")
        expectError(prefix + "a{0x=\"1\"} 1\n", .text, line: 3, "invalid label name")
        expectError(prefix + "a{x-y=\"1\"} 1\n", .text, line: 3, "'='", "\"x\"")
    }

    @Test func missingValue() {
        expectError(prefix + "a\n", .text, line: 3, "value")
        expectError(prefix + "a{x=\"1\"}\n", .text, line: 3, "value")
        expectError(prefix + "a{x=\"1\"}   \n", .text, line: 3, "missing value")
        expectError(prefix + "a\n# EOF\n", .openMetrics, line: 3, "value")
    }

    @Test func invalidValue() {
        expectError(prefix + "a 1.2.3\n", .text, line: 3, "invalid value \"1.2.3\"")
        for bad in ["1,5", "0x10", "0x1p3", "1_000", "1e", "e5", ".", "--1", "+-1", "Infinit", "+NaN", "-nan", "1e400"] {
            expectError(prefix + "a \(bad)\n", .text, line: 3, "invalid value \"\(bad)\"")
        }
        expectError(prefix + "a 1.2.3\n# EOF\n", .openMetrics, line: 3, "invalid value \"1.2.3\"")
    }

    @Test func invalidTimestamp() {
        // Text-format timestamps are whole milliseconds.
        expectError(prefix + "a 1 12.5\n", .text, line: 3, "invalid timestamp \"12.5\"")
        expectError(prefix + "a 1 1e3\n", .text, line: 3, "invalid timestamp \"1e3\"")
        expectError(prefix + "a 1 99999999999999999999\n", .text, line: 3, "invalid timestamp")
        expectError(prefix + "a 1 2 3\n", .text, line: 3, "after the timestamp")
        expectError(prefix + "a 1 NaN\n# EOF\n", .openMetrics, line: 3, "invalid timestamp \"NaN\"")
        expectError(prefix + "a 1 x\n# EOF\n", .openMetrics, line: 3, "invalid timestamp \"x\"")
    }

    @Test func unterminatedLabels() {
        expectError(prefix + "a{x=\"1} 1\n", .text, line: 3, "unterminated value of label \"x\"")
        expectError(prefix + "a{x=\"1\\\"} 1\n", .text, line: 3, "unterminated value of label \"x\"")
        expectError(prefix + "a{x=\"1\"\n", .text, line: 3, "missing '}'")
        expectError(prefix + "a{x=\"1\" y=\"2\"} 1\n", .text, line: 3, "expected ',' or '}'")
        expectError(prefix + "a{x=1} 1\n", .text, line: 3, "'\"'", "\"x\"")
    }

    /// Prometheus unescapes only `\\`, `\"` and `\n`; any other backslash stays as written.
    @Test func escapes() throws {
        let parsed = try samples(#"a{t="a\tb",q="\q",n="x\ny",b="\\n",e="\\",u="\u00e9"} 1"# + "\n", .text)
        let labels = try #require(parsed.first).labels
        #expect(labels["t"] == "a\\tb")
        #expect(labels["q"] == "\\q")
        #expect(labels["n"] == "x\ny")
        #expect(labels["b"] == "\\n")
        #expect(labels["e"] == "\\")
        #expect(labels["u"] == "\\u00e9")
        // The same in OpenMetrics.
        let openMetrics = try samples(#"a{t="a\tb"} 1"# + "\n# EOF\n", .openMetrics)
        #expect(try #require(openMetrics.first).labels["t"] == "a\\tb")
    }

    @Test func invalidUTF8() {
        let prefixBytes = Array(prefix.utf8)
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC3, 0x28], [0xE6, 0x97], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            let line = prefixBytes + Array("a{x=\"ok".utf8) + bad + Array("\"} 1\n".utf8)
            expectError(line, .text, line: 3, ["value of label \"x\"", "UTF-8"])
        }
        expectError(prefixBytes + Array("# HELP a bad ".utf8) + [0xFF] + [0x0A], .text, line: 3, ["UTF-8"])
        // Valid multi-byte text is fine.
        #expect(throws: Never.self) { try entries("a{x=\"日本 🦅 é\"} 1\n", .text) }
    }

    @Test func unknownType() {
        expectError(prefix + "# TYPE a foo\n", .text, line: 3, "unknown metric type \"foo\"")
        // Text format 0.0.4 knows only five types, and OpenMetrics says `unknown`, not `untyped`.
        expectError(prefix + "# TYPE a info\n", .text, line: 3, "unknown metric type \"info\"")
        expectError(prefix + "# TYPE a unknown\n", .text, line: 3, "unknown metric type \"unknown\"")
        expectError(prefix + "# TYPE a untyped\n# EOF\n", .openMetrics, line: 3, "unknown metric type \"untyped\"")
        expectError(prefix + "# TYPE a Gauge\n", .text, line: 3, "unknown metric type \"Gauge\"")
        expectError(prefix + "# TYPE a\n", .text, line: 3, "type")
        expectError(prefix + "# TYPE a gauge extra\n", .text, line: 3, "after the type")
    }

    @Test func secondMetadataLine() {
        expectError(prefix + "# HELP a one\n# HELP a two\n", .text, line: 4, "second # HELP", "a")
        expectError(prefix + "# HELP a one\na 1\n# HELP a two\n", .text, line: 5, "second # HELP")
        expectError(prefix + "# TYPE a gauge\n# TYPE a gauge\n", .text, line: 4, "second # TYPE")
        expectError(
            prefix + "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# UNIT a_seconds seconds\n# EOF\n",
            .openMetrics, line: 5, "second # UNIT")
        // HELP for a different metric is fine.
        #expect(throws: Never.self) { try entries("# HELP a one\n# HELP b two\n", .text) }
    }

    @Test func openMetricsOnlyRules() {
        // Each of these is fine in text format.
        let cases: [(text: String, line: Int, reason: String)] = [
            ("ok 1\n\nok 2\n", 2, "empty lines"),
            ("# TYPE c counter\nc 1\n", 2, "must end in _total"),
            ("a{x=\"1\",} 1\n", 1, "trailing ','"),
            ("ok 1\n# just a comment\n", 2, "OpenMetrics allows only"),
            ("#comment\n", 1, "OpenMetrics allows only"),
            ("a  1\n", 1, "single space"),
            ("a\t1\n", 1, "expected a space"),
            ("a{x = \"1\"} 1\n", 1, "'='"),
        ]
        for (text, line, reason) in cases {
            #expect(throws: Never.self, "\(text.debugDescription)") { try entries(text, .text) }
            expectError(text + "# EOF\n", .openMetrics, line: line, reason)
        }
        // Counter samples with `_total` are fine.
        #expect(throws: Never.self) { try entries("# TYPE c counter\nc_total 1\nc_created 1\n# EOF\n", .openMetrics) }
    }

    @Test func unitMustBeANameSuffix() throws {
        expectError(
            "# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n", .openMetrics, line: 2,
            "unit \"bytes\" is not a suffix of metric name a_seconds")
        expectError("# TYPE aseconds gauge\n# UNIT aseconds seconds\n# EOF\n", .openMetrics, line: 2, "not a suffix")
        let parsed = try entries("# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# EOF\n", .openMetrics)
        guard parsed.count == 2, case .unit(metric: "a_seconds", unit: "seconds") = parsed[1] else {
            Issue.record("expected the unit: \(parsed)")
            return
        }
        // Text format has no UNIT: the line is a comment.
        #expect((try? entries("# UNIT a_seconds bytes\n", .text))?.isEmpty == true)
    }

    @Test func exemplarLabelLimit() throws {
        func line(valueLength: Int) -> String {
            "# TYPE c counter\nc_total 1 # {id=\"\(String(repeating: "é", count: valueLength))\"} 1\n# EOF\n"
        }
        // "id" plus 126 characters (not bytes) is exactly the limit.
        let ok = try samples(line(valueLength: 126), .openMetrics)
        #expect(ok.first?.exemplar?.labels["id"]?.count == 126)
        expectError(line(valueLength: 127), .openMetrics, line: 2, "129 characters", "128")
        expectError(line(valueLength: 200), .openMetrics, line: 2, "exemplar labels")
    }

    @Test func malformedExemplars() {
        let head = "# TYPE c counter\n"
        expectError(head + "c_total 1 # 1\n# EOF\n", .openMetrics, line: 2, "'{'")
        expectError(head + "c_total 1 # {a=\"1\"}\n# EOF\n", .openMetrics, line: 2, "exemplar value")
        expectError(head + "c_total 1 # {a=\"1\"} x\n# EOF\n", .openMetrics, line: 2, "invalid exemplar value \"x\"")
        expectError(head + "c_total 1 # {a=\"1\"} 1 2 3\n# EOF\n", .openMetrics, line: 2, "after the exemplar")
        expectError(head + "c_total 1 #{a=\"1\"} 1\n# EOF\n", .openMetrics, line: 2, "after the value")
    }
}
