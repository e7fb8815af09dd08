import OspreyFormats
import OspreyModel
import Testing

/// What Prometheus's text-format parser lets through, and so must Osprey's.
@Suite struct LeniencyTests {
    private func one(_ line: String) throws -> ParsedSample {
        let parsed = try samples(line + "\n", .text)
        #expect(parsed.count == 1)
        return try #require(parsed.first)
    }

    @Test func blankLinesAndSpacing() throws {
        let text = [
            "",
            "\t ",
            "  a{x=\"1\"} 1\t",
            "\ta   2   ",
            "b   {  x = \"2\" ,y=\"3\"  }   3   1000\t",
            "",
            "",
        ].joined(separator: "\n")
        let parsed = try samples(text, .text)
        #expect(parsed.map(\.labels) == [series("a", ["x": "1"]), series("a"), series("b", ["x": "2", "y": "3"])])
        #expect(parsed.map(\.value) == [1, 2, 3])
        #expect(parsed.map(\.timestamp) == [nil, nil, 1000])
        #expect(parsed.map(\.name) == ["a", "a", "b"])
    }

    @Test func labelSetSpellings() throws {
        // VictoriaMetrics writes `", "` between labels.
        #expect(try one(#"a{a="1", b="2"} 1"#).labels == series("a", ["a": "1", "b": "2"]))
        // A trailing comma, as some clients write.
        #expect(try one(#"a{a="1",} 1"#).labels == series("a", ["a": "1"]))
        #expect(try one(#"a{a="1", b="2", } 1"#).labels == series("a", ["a": "1", "b": "2"]))
        #expect(try one("a{} 1").labels == series("a"))
        // No blank between the closing brace and the value.
        let tight = try one(#"a{a="1"}7 1000"#)
        #expect(tight.labels == series("a", ["a": "1"]))
        #expect(tight.value == 7)
        #expect(tight.timestamp == 1000)
        #expect(try one(#"a{a=""} 1"#).labels == series("a"))
        // Names with colons and underscores.
        #expect(try one(#"job:rate5m:sum{_x="1"} 1"#).labels == series("job:rate5m:sum", ["_x": "1"]))
    }

    @Test func comments() throws {
        let text = """
            # free comment
            #no blank after the hash
            #
            # HELP
            # TYPE\t
            #\tHELP b\thelp with a tab
            # HELP a
            # TYPE a gauge
            a 1
            """
        let parsed = try entries(text, .text)
        #expect(parsed.count == 4)
        guard case .help(metric: "b", text: "help with a tab") = parsed[0], case .help(metric: "a", text: "") = parsed[1],
            case .type(metric: "a", .gauge) = parsed[2]
        else {
            Issue.record("unexpected entries: \(parsed)")
            return
        }
        #expect(parsed[3].sample?.type == .gauge)
    }

    @Test func timestamps() throws {
        #expect(try one("a 1 -1500").timestamp == -1500)
        #expect(try one("a 1 1795920799039").timestamp == 1_795_920_799_039)
        #expect(try one("a 1 0").timestamp == 0)
        #expect(try one("a 1 9223372036854775807").timestamp == .max)
        #expect(try one("a 1 -9223372036854775808").timestamp == .min)
        #expect(try one("a 1").timestamp == nil)
        // OpenMetrics writes seconds.
        let openMetrics = try samples("a 1 -1.5\nb 2 1795920799.039\nc 3 0\n# EOF\n", .openMetrics)
        #expect(openMetrics.map(\.timestamp) == [-1500, 1_795_920_799_039, 0])
    }

    /// OpenMetrics seconds become whole milliseconds exactly, however large.
    @Test func openMetricsTimestampPrecision() throws {
        let cases: [(String, Timestamp)] = [
            ("9007199254740.991", 9_007_199_254_740_991), ("-9007199254740.991", -9_007_199_254_740_991),
            ("2251799813685.249", 2_251_799_813_685_249), ("1.001", 1001), ("0.0005", 1), ("-0.0005", -1),
            ("1.0004999", 1000), ("1.9999", 2000), (".5", 500), ("5.", 5000), ("+2", 2000), ("1e3", 1_000_000),
            ("1.5E-3", 2), ("9223372036854775.807", .max), ("-9223372036854775.808", .min),
        ]
        let text = cases.map { "a 1 \($0.0)\n" }.joined() + "# EOF\n"
        let parsed = try samples(text, .openMetrics)
        for ((spelling, expected), sample) in zip(cases, parsed) {
            #expect(sample.timestamp == expected, "\(spelling)")
        }
        for bad in ["9223372036854775.808", "1e300", "Inf", "-", ".", "1.2.3", "0x10"] {
            expectError("a 1 \(bad)\n# EOF\n", .openMetrics, line: 1, "invalid timestamp")
        }
    }

    @Test func valueSpellings() throws {
        let cases: [(String, Double)] = [
            ("1e+06", 1_000_000), ("1E6", 1_000_000), ("-1.5e-3", -0.0015), ("42", 42), ("-7", -7), ("+3", 3),
            ("007", 7), (".5", 0.5), ("5.", 5), ("1.0", 1), ("0.000115395", 0.000115395),
            ("-Inf", -.infinity), ("+Inf", .infinity), ("Inf", .infinity), ("inf", .infinity), ("-INF", -.infinity),
            ("+infinity", .infinity), ("Infinity", .infinity), ("-Infinity", -.infinity),
            ("9007199254740993", 9_007_199_254_740_992), ("18446744073709551616", 18_446_744_073_709_551_616),
            ("1.7976931348623157e308", .greatestFiniteMagnitude), ("4.9e-324", .leastNonzeroMagnitude),
            ("1e-400", 0),
        ]
        for (text, expected) in cases {
            let value = try one("a \(text)").value
            #expect(value.bitPattern == expected.bitPattern, "\(text) gave \(value)")
        }
        for nan in ["NaN", "nan", "NAN", "nAn"] {
            #expect(try one("a \(nan)").value.isNaN, "\(nan)")
        }
        let negativeZero = try one("a -0").value
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        #expect(try one("a -0.0e10").value.sign == .minus)
    }

    @Test func helpText() throws {
        let parsed = try entries(
            #"# HELP a  two blanks, a \\ backslash, a \n newline, a \" quote and \t"# + "\n", .text)
        guard case .help(metric: "a", let text) = try #require(parsed.first) else {
            Issue.record("expected HELP: \(parsed)")
            return
        }
        // Text format unescapes `\\` and `\n` only; leading blanks go as in Prometheus's expfmt.
        #expect(text == "two blanks, a \\ backslash, a \n newline, a \\\" quote and \\t")
        let openMetrics = try entries(#"# HELP a a \" quote"# + "\n# EOF\n", .openMetrics)
        guard case .help(metric: "a", let omText) = try #require(openMetrics.first) else {
            Issue.record("expected HELP: \(openMetrics)")
            return
        }
        #expect(omText == "a \" quote")
    }

    @Test func samplesWithoutMetadataFormFamiliesByName() throws {
        let families = try ExpositionParser.families(
            from: Array("a 1\na{x=\"1\"} 2\nb 3\n# TYPE c gauge\nc 4\nd 5\n".utf8), format: .text)
        #expect(families.map(\.name) == ["a", "b", "c", "d"])
        #expect(families.map(\.type) == [.unknown, .unknown, .gauge, .unknown])
        #expect(families.map(\.samples.count) == [2, 1, 1, 1])
    }
}
