import OspreyGoCompat
import OspreyRules
import Testing

@Suite struct TemplateFunctionTests {
    // Values from Prometheus's own template tests.
    @Test func humanize() throws {
        #expect(
            try each("humanize", [0, 1, 12, 123, 1234, 12345, 123456, 1_234_567, 12_345_678, 123_456_789, 1_234_567_890])
                == "0:1:12:123:1.234k:12.35k:123.5k:1.235M:12.35M:123.5M:1.235G:")
        #expect(try each("humanize", [0.1, 0.0001, 0.12345, 0.00001234, 0.000000001234]) == "100m:100u:123.5m:12.34u:1.234n:")
        #expect(try renderTemplate("{{ humanize 0.001234 }} {{ humanize \"1234567\" }} {{ humanize -1234 }}") == "1.234m 1.235M -1.234k")
    }

    @Test func humanize1024() throws {
        #expect(
            try each("humanize1024", [0, .infinity, .nan, 1, 1023, 1024, 1_048_576, 1_073_741_824, 1.5e12])
                == "0:+Inf:NaN:1:1023:1ki:1Mi:1Gi:1.364Ti:")
    }

    @Test func humanizeDuration() throws {
        #expect(
            try each("humanizeDuration", [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99])
                == "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:")
        #expect(
            try each("humanizeDuration", [0, 0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345])
                == "0s:100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:")
        #expect(
            try renderTemplate("{{ humanizeDuration 90061 }}|{{ humanizeDuration 1.5 }}|{{ humanizeDuration 0.0015 }}")
                == "1d 1h 1m 1s|1.5s|1.5ms")
    }

    @Test func humanizePercentage() throws {
        #expect(
            try each("humanizePercentage", [0, 0.1, 0.1234567, 1, 1.5])
                == "0%:10%:12.35%:100%:150%:")
        #expect(try renderTemplate("{{ $value | humanizePercentage }}", value: 0.1234) == "12.34%")
    }

    @Test func humanizeTimestampAndToTime() throws {
        #expect(
            try each("humanizeTimestamp", [0, 1, 1_234_567_890, 1435065584.128, .nan])
                == "1970-01-01 00:00:00 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:2009-02-13 23:31:30 +0000 UTC:"
                + "2015-06-23 13:19:44.128 +0000 UTC:NaN:")
        // The float's nanoseconds are truncated to milliseconds, as Prometheus does: .123 is .122999…
        #expect(try renderTemplate("{{ humanizeTimestamp 1234567890.123 }}") == "2009-02-13 23:31:30.122 +0000 UTC")
        #expect(try renderTemplate("{{ toTime 1435065584.128 }}") == "2015-06-23 13:19:44.128 +0000 UTC")
    }

    @Test func humanizersRejectNonNumbers() {
        let error = templateError(#"{{ humanize "x" }}"#)
        #expect(
            error?.description
                == #"template: __alert_Test:1:4: executing "__alert_Test" at <humanize "x">: error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax"#
        )
    }

    @Test func stringFunctions() throws {
        #expect(
            try renderTemplate(#"{{ title "hello wORLD-foo_bar" }}|{{ toUpper "aBc" }}|{{ toLower "AbC" }}"#)
                == "Hello WORLD-Foo_bar|ABC|abc")
        #expect(try renderTemplate(#"{{ safeHtml "<b>" }}"#) == "<b>")
    }

    @Test(arguments: [
        ("web-1:9100", "web-1", "web-1:9100"), ("web-1.example.com:9100", "web-1.example.com", "web-1:9100"),
        ("web-1.example.com", "web-1.example.com", "web-1"), ("[::1]:9100", "::1", "[::1]:9100"),
        ("10.0.0.1:9100", "10.0.0.1", "10.0.0.1:9100"), ("10.0.0.1", "10.0.0.1", "10.0.0.1"), ("a:b:c", "a:b:c", "a:b:c"),
    ])
    func stripPortAndDomain(input: String, port: String, domain: String) throws {
        #expect(try renderTemplate("{{ stripPort \"\(input)\" }}") == port)
        #expect(try renderTemplate("{{ stripDomain \"\(input)\" }}") == domain)
    }

    @Test func regexFunctions() throws {
        #expect(
            try renderTemplate(#"{{ match "^web" $labels.instance }} {{ match "9100" $labels.instance }} {{ match "^db" "web" }}"#)
                == "true true false")
        #expect(try renderTemplate(#"{{ reReplaceAll "(.*):(\\d+)" "$1 port $2" $labels.instance }}"#) == "web-1 port 9100")
        #expect(try renderTemplate(#"{{ reReplaceAll "-" "_" "a-b-c" }}"#) == "a_b_c")
        #expect(templateError(#"{{ match "(" "x" }}"#)?.message.hasPrefix("error calling match: error parsing regexp") == true)
    }

    @Test func queryWithFirstValueAndHumanize() throws {
        let engine = FakeQueryEngine(answers: [
            "some_metric{instance='someinstance'}": [TemplateSample(labels: ["instance": "someinstance"], value: 1_234_567)]
        ])
        let text = #"{{ with query "some_metric{instance='someinstance'}" }}{{ . | first | value | humanize }}{{ end }}"#
        #expect(try renderTemplate(text, query: engine.query) == "1.235M")
    }

    @Test func rangeOverQueryResults() throws {
        let engine = FakeQueryEngine(answers: [
            "up": [
                TemplateSample(labels: ["__name__": "up", "instance": "b:9100"], value: 0),
                TemplateSample(labels: ["__name__": "up", "instance": "a:9100"], value: 1),
            ]
        ])
        #expect(
            try renderTemplate(#"{{ range query "up" }}{{ .Labels.instance }} {{ .Value }}:{{ end }}"#, query: engine.query)
                == "b:9100 0:a:9100 1:")
        #expect(
            try renderTemplate(#"{{ range query "up" | sortByLabel "instance" }}{{ label "instance" . }},{{ end }}"#, query: engine.query)
                == "a:9100,b:9100,")
        #expect(try renderTemplate(#"{{ len (query "up") }}"#, query: engine.query) == "2")
    }

    @Test func queryFailures() {
        let engine = FakeQueryEngine(answers: ["empty": []])
        #expect(
            templateError(#"{{ query "empty" | first }}"#, query: engine.query)?.message
                == "error calling first: first() called on vector with no elements")
        #expect(templateError(#"{{ query "nope" }}"#, query: engine.query)?.message == "error calling query: unknown query nope")
        #expect(templateError(#"{{ query "up" }}"#)?.message.hasPrefix("error calling query:") == true)
    }

    @Test func strvalueReadsTheValueLabel() throws {
        let engine = FakeQueryEngine(answers: ["version": [TemplateSample(labels: ["__value__": "v1.2"], value: 0)]])
        #expect(try renderTemplate(#"{{ query "version" | first | strvalue }}"#, query: engine.query) == "v1.2")
    }

    @Test func linksAndURLs() throws {
        #expect(try renderTemplate(#"{{ graphLink "rate(x[5m]) > 1" }}"#) == "/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=0")
        #expect(try renderTemplate(#"{{ tableLink "up" }}"#) == "/graph?g0.expr=up&g0.tab=1")
        #expect(try renderTemplate("{{ externalURL }}|{{ pathPrefix }}") == "https://osprey.example.com/prom|/prom")
    }

    @Test func parseDuration() throws {
        #expect(try renderTemplate(#"{{ parseDuration "1h30m" }}|{{ parseDuration "250ms" }}"#) == "5400|0.25")
        #expect(templateError(#"{{ parseDuration "soon" }}"#)?.message == #"error calling parseDuration: not a valid duration string: "soon""#)
    }

    /// `function` applied to each value in turn, each result followed by `:`, as Prometheus's tests print them.
    private func each(_ function: String, _ values: [Double]) throws -> String {
        var output = ""
        for value in values { output += try renderTemplate("{{ \(function) $value }}:", value: value) }
        return output
    }
}
