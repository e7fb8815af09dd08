import Foundation
import OspreyModel
import OspreyTSDB
import Testing

/// PromQL matcher semantics over a small catalog: `=`, `!=`, `=~`, `!~`, anchoring, and a
/// missing label counting as the empty value.
@Suite struct MatcherSelectTests {
    static let a = labelSet("up", ["job": "a", "instance": "1"])
    static let ab = labelSet("up", ["job": "ab"])
    static let b = labelSet("up", ["job": "b", "env": "prod"])
    /// Created with `env=""`, which is no `env` at all.
    static let c = labelSet("up", ["job": "c", "env": ""])
    static let apache = labelSet("up", ["job": "apache", "instance": "2", "msg": "line1\nline2"])
    static let down = labelSet("down", ["job": "a"])
    static let all = [a, ab, b, c, apache, down]
    static let ups: Set<Labels> = [a, ab, b, c, apache]

    private static func m(_ kind: LabelMatcher.Kind, _ name: String, _ value: String) throws -> LabelMatcher {
        try LabelMatcher(kind, name, value)
    }

    /// Each selector and the series it must return.
    static func cases() throws -> [(matchers: [LabelMatcher], expected: Set<Labels>)] {
        let up = LabelMatcher.equal("__name__", "up")
        return [
            ([.equal("job", "a")], [a, down]),
            ([up, .equal("job", "a")], [a]),
            ([up, .notEqual("job", "a")], [ab, b, c, apache]),
            ([.equal("job", "zzz")], []),
            // Anchored: "a" is not a substring search.
            ([try m(.regex, "job", "a")], [a, down]),
            ([try m(.regex, "job", "A")], []),
            ([up, try m(.regex, "job", "a|b")], [a, b]),
            ([up, try m(.regex, "job", "ap.*")], [apache]),
            ([up, try m(.regex, "job", "a.*")], [a, ab, apache]),
            ([up, try m(.regex, "job", ".*b")], [ab, b]),
            ([up, try m(.regex, "job", "(a|c)")], [a, c]),
            ([up, try m(.notRegex, "job", "a.*")], [b, c]),
            ([up, try m(.notRegex, "job", "a")], [ab, b, c, apache]),
            // `.` does not match a newline, as in Prometheus 2 (RE2 without `(?s)`).
            ([try m(.regex, "msg", "line1.line2")], []),
            ([try m(.regex, "msg", "line1.*")], []),
            ([try m(.regex, "msg", "line1\nline2")], [apache]),
            // A missing label is the empty value.
            ([up, .equal("env", "")], [a, ab, c, apache]),
            ([up, .notEqual("env", "")], [b]),
            ([up, try m(.regex, "env", ".*")], ups),
            ([up, try m(.regex, "env", ".+")], [b]),
            ([up, try m(.notRegex, "env", "x")], ups),
            ([up, try m(.notRegex, "env", "prod")], [a, ab, c, apache]),
            ([up, try m(.regex, "env", "prod|")], ups),
            ([up, try m(.regex, "env", "")], [a, ab, c, apache]),
            ([.equal("foo", "")], Set(all)),
            ([.notEqual("foo", "")], []),
            ([try m(.regex, "foo", ".+")], []),
            ([try m(.regex, "foo", ".*")], Set(all)),
            ([try m(.notRegex, "foo", "x")], Set(all)),
            ([try m(.regex, "__name__", ".+")], Set(all)),
            ([try m(.regex, "__name__", "do.*")], [down]),
            // Several matchers: all must hold; `instance!="1"` keeps series without instance.
            ([try m(.regex, "job", "a.*"), .notEqual("instance", "1")], [ab, apache, down]),
            ([up, try m(.regex, "job", "a.*"), try m(.regex, "instance", ".+")], [a, apache]),
            ([up, .equal("job", "b"), .equal("env", "")], []),
        ]
    }

    private func check(_ storage: MetricsStorage, _ stage: String) throws {
        for (matchers, expected) in try Self.cases() {
            let got = Set(try storage.samples(matchers).keys)
            #expect(got == expected, "\(stage): \(matchers)")
            // The label-set check must agree with the index.
            #expect(Set(Self.all.filter { $0.matches(matchers) }) == expected, "Labels.matches \(matchers)")
        }
        let querier = storage.querier(minTime: 0, maxTime: .max)
        #expect(try querier.labelNames(matching: []) == ["__name__", "env", "instance", "job", "msg"], "\(stage)")
        #expect(try querier.labelNames(matching: [.equal("job", "b")]) == ["__name__", "env", "job"], "\(stage)")
        #expect(try querier.labelNames(matching: [.equal("__name__", "down")]) == ["__name__", "job"], "\(stage)")
        #expect(try querier.labelNames(matching: [.equal("job", "nope")]) == [], "\(stage)")
        #expect(try querier.labelValues("job", matching: []) == ["a", "ab", "apache", "b", "c"], "\(stage)")
        #expect(try querier.labelValues("job", matching: [.equal("__name__", "down")]) == ["a"], "\(stage)")
        #expect(try querier.labelValues("job", matching: [try Self.m(.regex, "instance", ".+")]) == ["a", "apache"], "\(stage)")
        #expect(try querier.labelValues("env", matching: []) == ["prod"], "\(stage)")
        #expect(try querier.labelValues("__name__", matching: []) == ["down", "up"], "\(stage)")
        #expect(try querier.labelValues("msg", matching: []) == ["line1\nline2"], "\(stage)")
        #expect(try querier.labelValues("nope", matching: []) == [], "\(stage)")
    }

    @Test func selectorsInHeadShardsAndAfterRestart() throws {
        try withDataFolder { path in
            let now = recentTime(secondsAgo: 60)
            do {
                let storage = try MetricsStorage(path: path)
                var appender = storage.appender()
                for (index, labels) in Self.all.enumerated() {
                    try appender.append(labels, timestamp: now, value: Double(index))
                    try appender.append(labels, timestamp: now + 1000, value: Double(index) + 0.5)
                }
                try appender.commit()
                #expect(storage.statistics().series == Self.all.count)
                try check(storage, "head")
                try storage.checkpoint()
                try check(storage, "shards")
                try storage.close()
            }
            let reopened = try MetricsStorage(path: path)
            try check(reopened, "reopened")
            #expect(try reopened.samples(of: Self.c) == [Sample(timestamp: now, value: 3), Sample(timestamp: now + 1000, value: 3.5)])
            try reopened.close()
        }
    }

    @Test func invalidRegexThrowsAtConstruction() {
        for pattern in ["(", "a[", "*", ")", "a**"] {
            #expect(throws: LabelMatcher.InvalidRegex.self, "=~\"\(pattern)\"") { try LabelMatcher(.regex, "job", pattern) }
            #expect(throws: LabelMatcher.InvalidRegex.self, "!~\"\(pattern)\"") { try LabelMatcher(.notRegex, "job", pattern) }
        }
        #expect(throws: Never.self) { try LabelMatcher(.equal, "job", "(") }
        #expect(throws: Never.self) { try LabelMatcher(.notEqual, "job", "(") }
    }

    @Test func matcherValueSemantics() throws {
        #expect(try LabelMatcher(.regex, "x", "a").matches("a"))
        #expect(!(try LabelMatcher(.regex, "x", "a").matches("ab")))
        #expect(!(try LabelMatcher(.regex, "x", "a").matches("ba")))
        #expect(try LabelMatcher(.regex, "x", "a|b").matches("b"))
        #expect(!(try LabelMatcher(.regex, "x", "a|b").matches("ab")))
        #expect(!(try LabelMatcher(.regex, "x", "a.c").matches("a\nc")))
        #expect(try LabelMatcher(.notRegex, "x", "a").matches(""))
    }

    /// RE2's `.` is every code point but `\n`: carriage returns and other line breaks match it,
    /// where Swift's own `.` would refuse them.
    @Test func dotMatchesEverythingButNewlineAsInRE2() throws {
        for value in ["a\rc", "a\u{85}c", "a\u{2028}c", "a\u{0B}c", "a\u{0C}c", "a\r\nc".replacingOccurrences(of: "\n", with: "")] {
            #expect(try LabelMatcher(.regex, "x", "a.c").matches(value), "\(value.debugDescription)")
        }
        #expect(try LabelMatcher(.regex, "x", ".*").matches("line one\r"))
        #expect(!(try LabelMatcher(.regex, "x", ".*").matches("two\nlines")))
        #expect(try LabelMatcher(.regex, "x", "(?s).*").matches("two\nlines"))
        // A dot in a class or escaped is a literal dot.
        #expect(try LabelMatcher(.regex, "x", "a[.]c").matches("a.c"))
        #expect(!(try LabelMatcher(.regex, "x", "a[.]c").matches("abc")))
        #expect(!(try LabelMatcher(.regex, "x", "a\\.c").matches("abc")))
        #expect(try LabelMatcher(.regex, "x", "[^a]..").matches("b\rc"))
        #expect(try LabelMatcher(.regex, "x", #"\Qa.b\E."#).matches("a.b\r"))
        #expect(!(try LabelMatcher(.regex, "x", #"\Qa.b\E"#).matches("axb")))
        #expect(!(try LabelMatcher(.regex, "x", ".+").matchesEmpty))
        #expect(try LabelMatcher(.regex, "x", ".*").matchesEmpty)
    }
}
