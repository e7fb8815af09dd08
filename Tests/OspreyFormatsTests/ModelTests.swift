import OspreyModel
import Testing

@Suite struct LabelsTests {
    @Test func sortedWithEmptyValuesDropped() {
        let labels = Labels([
            Label("job", "node"), Label("__name__", "up"), Label("a", ""), Label("instance", "h:9100"),
        ])
        #expect(labels.map(\.name) == ["__name__", "instance", "job"])
        #expect(labels.map(\.value) == ["up", "h:9100", "node"])
        #expect(labels.name == "up")
        #expect(labels["job"] == "node")
        #expect(labels["a"] == nil)
        #expect(labels == Labels(["instance": "h:9100", "job": "node", "__name__": "up", "zone": ""]))
        // A repeated name keeps its last value.
        #expect(Labels([Label("a", "1"), Label("b", "2"), Label("a", "3")]).map(\.value) == ["3", "2"])
        #expect(Labels([Label("a", "")]).isEmpty)
        #expect(Labels().isEmpty)
        // Order is by name, byte-wise: upper case before `_` before lower case.
        #expect(Labels(["b": "1", "B": "1", "_": "1", "a": "1"]).map(\.name) == ["B", "_", "a", "b"])
    }

    @Test func settingAndRemoving() {
        let labels = Labels(["__name__": "up", "job": "node"])
        #expect(labels.setting("instance", to: "x") == Labels(["__name__": "up", "job": "node", "instance": "x"]))
        #expect(labels.setting("job", to: "other")["job"] == "other")
        #expect(labels.setting("job", to: "") == Labels(["__name__": "up"]))
        #expect(labels.removing("__name__") == Labels(["job": "node"]))
        #expect(labels.removing("missing") == labels)
    }

    @Test func description() {
        #expect(Labels(["__name__": "up"]).description == "up")
        #expect(Labels(["__name__": "up", "job": "node", "a": "1"]).description == #"up{a="1", job="node"}"#)
        #expect(Labels(["job": "node"]).description == #"{job="node"}"#)
        #expect(Labels().description == "{}")
        #expect(Labels(["__name__": "x", "p": "C:\\dir \"q\"\nnext"]).description == #"x{p="C:\\dir \"q\"\nnext"}"#)
        #expect(escapingLabelValue("plain é") == "plain é")
        #expect(escapingLabelValue("\t") == "\t")
    }
}

@Suite struct MetricNamesTests {
    @Test func metricNames() {
        for valid in ["up", "_", "a1", ":", ":a:b", "node_cpu_seconds_total", "job:rate5m:sum", "A_Z09", "__name__"] {
            #expect(MetricNames.isValidMetricName(valid), "\(valid)")
        }
        for invalid in ["", "1a", "a-b", "a b", "a.b", "é", "aé", "naïve", "a\u{0}", "a{", "a\"", "🦅", "a\n"] {
            #expect(!MetricNames.isValidMetricName(invalid), "\(invalid.debugDescription)")
        }
        // Substrings work too.
        #expect(MetricNames.isValidMetricName("x up y".split(separator: " ")[1]))
    }

    @Test func labelNames() {
        for valid in ["a", "_", "__name__", "le", "A1", "_9"] {
            #expect(MetricNames.isValidLabelName(valid), "\(valid)")
        }
        for invalid in ["", ":", "a:b", "1a", "a-b", "é", "a b"] {
            #expect(!MetricNames.isValidLabelName(invalid), "\(invalid.debugDescription)")
        }
    }

    /// Every ASCII character against the rule as the Prometheus docs write it, and characters
    /// whose UTF-8 bytes (≥ 128) would be letters or digits if the high bit were ignored.
    @Test func characterClasses() {
        func isLetter(_ c: Character) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
        for code in UInt8(1)..<128 {
            let c = Character(Unicode.Scalar(code))
            #expect(MetricNames.isValidMetricName(String(c)) == (isLetter(c) || c == ":"), "\(code)")
            #expect(MetricNames.isValidMetricName("a" + String(c)) == (isLetter(c) || isDigit(c) || c == ":"), "\(code)")
            #expect(MetricNames.isValidLabelName(String(c)) == isLetter(c), "\(code)")
            #expect(MetricNames.isValidLabelName("a" + String(c)) == (isLetter(c) || isDigit(c)), "\(code)")
        }
        // U+00C1 is C3 81, U+0441 is D1 81, U+1061 is E1 81 A1: low seven bits are letters and digits.
        for scalar in (0x80..<0x800).map({ $0 }) + [0x1061, 0x3041, 0xFFFD, 0x1F985] {
            let text = String(Unicode.Scalar(UInt32(scalar))!)
            #expect(!MetricNames.isValidMetricName(text), "U+\(String(scalar, radix: 16))")
            #expect(!MetricNames.isValidMetricName("a" + text), "U+\(String(scalar, radix: 16))")
            #expect(!MetricNames.isValidLabelName("a" + text), "U+\(String(scalar, radix: 16))")
        }
    }
}

@Suite struct PrometheusDurationTests {
    @Test func parse() throws {
        #expect(try Duration(prometheus: "1h30m") == .seconds(5400))
        #expect(try Duration(prometheus: "15s") == .seconds(15))
        #expect(try Duration(prometheus: "500ms") == .milliseconds(500))
        #expect(try Duration(prometheus: "2w") == .seconds(14 * 86400))
        #expect(try Duration(prometheus: "0") == .zero)
        #expect(try Duration(prometheus: "0s") == .zero)
        #expect(try Duration(prometheus: "1y") == .seconds(365 * 86400))
        #expect(try Duration(prometheus: "1d") == .seconds(86400))
        #expect(try Duration(prometheus: "90m") == .seconds(5400))
        #expect(try Duration(prometheus: "1m1ms") == .milliseconds(60_001))
        let days: Int64 = 365 + 14 + 3
        let all: Int64 = (((days * 24 + 4) * 60 + 5) * 60 + 6) * 1000 + 7
        #expect(try Duration(prometheus: "1y2w3d4h5m6s7ms") == .milliseconds(all))
        #expect(try Duration(prometheus: "x 15s".split(separator: " ")[1]) == .seconds(15))
    }

    @Test func rejects() {
        for text in [
            "1x", "m", "1m1h", "", "-1s", "1.5h", "1h1h", "1msm", "15", "1s ", " 1s", "1S", "s1",
            "1ms1s", "99999999999999999999s", "999999999999y",
        ] {
            let error = #expect(throws: DurationSyntaxError.self, "\(text)") { try Duration(prometheus: text) }
            #expect(error?.text == text)
            #expect(error?.description.contains("\"\(text)\"") == true)
        }
    }

    /// Prometheus's durations are int64 nanoseconds: 106751d23h47m16s854ms at most. Longer
    /// ones are refused as out of range, so that a time plus or minus one stays in 64 bits.
    @Test func durationsEndWherePrometheusDurationsEnd() throws {
        #expect(try Duration(prometheus: "106751d23h47m16s854ms") == .longestPrometheus)
        #expect(try Duration(prometheus: "292y") == .seconds(292 * 365 * 86_400))
        for text in ["106751d23h47m16s855ms", "293y", "9223372036854775807ms", "99999999999999999999s", "1y106751d"] {
            let error = #expect(throws: DurationSyntaxError.self, "\(text)") { try Duration(prometheus: text) }
            #expect(error == DurationSyntaxError(text: text, outOfRange: true))
            #expect(error?.description.contains("out of range") == true)
        }
    }

    /// Durations made some other way than from text convert without trapping.
    @Test func conversionsOfHugeDurationsSaturate() {
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
        #expect(Duration.seconds(Int64.max / 1000).nanoseconds == .max)
        #expect(Duration.milliseconds(Int64.max).nanoseconds == .max)
        #expect(Duration.milliseconds(Int64.min).prometheusString.hasPrefix("-"))
        #expect(Duration.seconds(Int64.min).prometheusString.hasPrefix("-"))
    }

    @Test func prometheusString() {
        #expect(Duration.seconds(5400).prometheusString == "1h30m")
        #expect(Duration.seconds(15).prometheusString == "15s")
        #expect(Duration.milliseconds(500).prometheusString == "500ms")
        #expect(Duration.seconds(14 * 86400).prometheusString == "2w")
        #expect(Duration.zero.prometheusString == "0s")
        #expect(Duration.seconds(365 * 86400).prometheusString == "1y")
        #expect(Duration.seconds(86400 + 1).prometheusString == "1d1s")
        #expect(Duration.milliseconds(3_600_001).prometheusString == "1h1ms")
        #expect(Duration.seconds(1.5).milliseconds == 1500)
    }

    /// Prometheus's `model.Duration.String` uses years and weeks only when they divide the
    /// duration exactly ("90d rather than 12w6d").
    @Test func yearsAndWeeksOnlyWhenExact() {
        #expect(Duration.seconds(8 * 86400).prometheusString == "8d")
        #expect(Duration.seconds(90 * 86400).prometheusString == "90d")
        #expect(Duration.seconds(366 * 86400).prometheusString == "366d")
        #expect(Duration.seconds(3 * 7 * 86400 + 3600).prometheusString == "21d1h")
    }

    @Test func stringRoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            // Spread over all magnitudes, from milliseconds to the 292 years Prometheus allows.
            let shift = Int64.random(in: 0...43, using: &generator)
            let milliseconds = Int64.random(in: 0...Duration.longestPrometheus.milliseconds, using: &generator) >> shift
            let duration = Duration.milliseconds(milliseconds)
            #expect(try Duration(prometheus: duration.prometheusString) == duration, "\(milliseconds)")
        }
    }
}
