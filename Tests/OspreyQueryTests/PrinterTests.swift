import OspreyGoCompat
import OspreyModel
import Testing

@testable import OspreyQuery

@Suite struct PrinterTests {
    @Test func printsTheCanonicalForm() throws {
        let rate = Expr.call(
            Call(
                function: try #require(Function.named("rate")),
                args: [
                    .matrixSelector(
                        MatrixSelector(
                            selector: VectorSelector(
                                name: "http_requests_total",
                                matchers: [.equal("code", "200"), .equal("__name__", "http_requests_total")],
                                offset: 60_000),
                            range: 300_000))
                ]))
        let sum = Expr.aggregate(Aggregate(op: .sum, expr: rate, grouping: ["job"]))
        #expect(sum.description == #"sum by (job) (rate(http_requests_total{code="200"}[5m] offset 1m))"#)

        let matching = VectorMatching(cardinality: .manyToOne, labels: ["x"], on: true, include: ["y"])
        let join = Expr.binary(
            Binary(
                op: .add, lhs: .vectorSelector(VectorSelector(name: "a", matchers: [.equal("__name__", "a")])),
                rhs: .vectorSelector(VectorSelector(name: "b", matchers: [.equal("__name__", "b")])), matching: matching))
        #expect(join.description == "a + on (x) group_left (y) b")
    }

    @Test func matchersAreSortedAndTheNameMatcherHidden() throws {
        #expect(try PromQL.parse(#"foo{z="1", a="2", m=~"3"}"#).description == #"foo{a="2",m=~"3",z="1"}"#)
        #expect(try PromQL.parse(#"{__name__="foo"}"#).description == #"{__name__="foo"}"#)
        #expect(try PromQL.parse(#"{__name__=~"job:.*"}"#).description == #"{__name__=~"job:.*"}"#)
    }

    @Test func modifiersPrintAtBeforeOffset() throws {
        #expect(try PromQL.parse("foo offset 5m @ 10").description == "foo @ 10.000 offset 5m")
        #expect(try PromQL.parse("foo[5m] offset 1m @ end()").description == "foo[5m] @ end() offset 1m")
        #expect(try PromQL.parse("foo[90m:] offset -1h").description == "foo[1h30m:] offset -1h")
        #expect(try PromQL.parse("foo @ 1603774568.1234").description == "foo @ 1603774568.123")
    }

    // Values and texts from Prometheus 2.42's printing of the same literals.
    @Test(arguments: [
        (1.0, "1"), (1000, "1000"), (100_000, "100000"), (1_000_000, "1e+06"), (123_456_789, "1.23456789e+08"),
        (123_456.7, "123456.7"), (1_234_567.8, "1.2345678e+06"), (0.1, "0.1"), (0.0001, "0.0001"), (0.00001, "1e-05"),
        (1.5e-7, "1.5e-07"), (2.5e-5, "2.5e-05"), (5e-324, "5e-324"), (1e20, "1e+20"), (1e21, "1e+21"),
        (1e308, "1e+308"), (9.223372036854775808e18, "9.223372036854776e+18"), (-0.0, "-0"), (0, "0"),
        (-2, "-2"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"),
    ])
    func numbersPrintAsGoPrintsThem(value: Double, text: String) {
        #expect(Expr.number(value).description == text)
    }

    @Test(arguments: [
        ("a\tb\u{e9}\u{1}\\", #""a\tb\#u{e9}\x01\\""#),
        (#"single "q""#, #""single \"q\"""#),
        ("\u{a0}\u{200b}\u{7f}\u{07}\u{08}\u{0c}\u{0b}\r\n", #""\u00a0\u200b\x7f\a\b\f\v\r\n""#),
        ("😀日本", #""😀日本""#),
    ])
    func stringsAreQuotedAsGoQuotes(value: String, text: String) {
        #expect(Expr.string(value).description == text)
    }

    @Test(arguments: [
        (Int64(1_603_774_568_123), "1603774568.123"), (1001, "1.001"), (-1, "-0.001"), (0, "0.000"),
        (10_000, "10.000"), (.min, "-9223372036854776.000"),
    ])
    func atTimestampsPrintSecondsWithThreeDecimals(milliseconds: Int64, text: String) {
        #expect(GoNumber.seconds(milliseconds: milliseconds) == text)
    }

    @Test func printedQueriesParseBackToTheSameTree() throws {
        var checked = 0
        for reference in PrometheusReference.recorded {
            guard case .formats = reference.answer, !reference.isKnownDifference, !reference.query.lowercased().contains("nan")
            else { continue }
            let expr = try PromQL.parse(reference.query)
            // The printer sorts matchers, so the trees agree up to their order: compare the text.
            #expect(try PromQL.parse(expr.description).description == expr.description, "\(reference.query)")
            checked += 1
        }
        #expect(checked > 250)
    }

    @Test func ignoringNothingIsNotPrinted() throws {
        // As in Prometheus: the matching says nothing, so it is left out.
        #expect(try PromQL.parse("a or ignoring () b").description == "a or b")
        #expect(try PromQL.parse("a + on () b").description == "a + on () b")
        #expect(try PromQL.parse("a + on (x) group_left b").description == "a + on (x) group_left () b")
    }
}

@Suite struct PrettifierTests {
    @Test func shortQueriesStayOnOneLine() throws {
        let expr = try PromQL.parse("sum(rate(foo[5m])) by (job)")
        #expect(PromQL.prettify(expr) == "sum by (job) (rate(foo[5m]))")
    }

    // Outputs of Prometheus 2.42's /api/v1/format_query for the same queries.
    @Test(arguments: [
        (
            "sum by (job, instance) (rate(http_requests_total{job=\"api-server\",code=~\"5..\",method=\"GET\"}[5m])) / sum by (job, instance) (rate(http_requests_total{job=\"api-server\"}[5m]))",
            """
              sum by (job, instance) (rate(http_requests_total{code=~"5..",job="api-server",method="GET"}[5m]))
            /
              sum by (job, instance) (rate(http_requests_total{job="api-server"}[5m]))
            """
        ),
        (
            "histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket{job=\"apiserver\",verb!=\"WATCH\"}[5m]))) > bool 1",
            """
              histogram_quantile(
                0.99,
                sum by (le, job) (rate(http_request_duration_seconds_bucket{job="apiserver",verb!="WATCH"}[5m]))
              )
            > bool
              1
            """
        ),
        (
            "topk(10, count_values(\"version\", build_info{job=\"very-long-job-name-that-goes-on-and-on\",instance=\"somewhere-far-away:9090\"}))",
            """
            topk(
              10,
              count_values(
                "version",
                build_info{instance="somewhere-far-away:9090",job="very-long-job-name-that-goes-on-and-on"}
              )
            )
            """
        ),
        (
            "-sum(rate(http_requests_total{job=\"api-server\",code=~\"5..\",method=\"GET\",handler=\"/api/v1/query_range\"}[5m]))",
            """
            -sum(
              rate(
                http_requests_total{code=~"5..",handler="/api/v1/query_range",job="api-server",method="GET"}[5m]
              )
            )
            """
        ),
        (
            "max_over_time((sum(rate(http_requests_total{job=\"api-server\",code=~\"5..\",method=\"GET\",handler=\"/x\"}[5m])))[30m:1m])",
            """
            max_over_time(
            (sum(rate(http_requests_total{code=~"5..",handler="/x",job="api-server",method="GET"}[5m])))[30m:1m]
            )
            """
        ),
        (
            "a_very_long_metric_name_number_one_for_testing{label=\"value\"} + on (instance) group_left (version) a_very_long_metric_name_number_two{label=\"value\"}",
            """
              a_very_long_metric_name_number_one_for_testing{label="value"}
            + on (instance) group_left (version)
              a_very_long_metric_name_number_two{label="value"}
            """
        ),
        (
            "label_replace(up{job=\"api-server\",instance=\"somewhere-far-away:9090\",environment=\"production\"}, \"foo\", \"$1\", \"instance\", \"(.*):.*\")",
            """
            label_replace(
              up{environment="production",instance="somewhere-far-away:9090",job="api-server"},
              "foo",
              "$1",
              "instance",
              "(.*):.*"
            )
            """
        ),
        (
            "(a_very_long_metric_name_number_one_for_testing{label=\"value\"} + a_very_long_metric_name_number_two{label=\"value\"})",
            """
            (
                a_very_long_metric_name_number_one_for_testing{label="value"}
              +
                a_very_long_metric_name_number_two{label="value"}
            )
            """
        ),
        (
            "very_long_metric_name_one{label_one=\"value_one\",label_two=\"value_two\",label_three=\"value_three\",label_four=\"v\"}",
            """
            very_long_metric_name_one{label_four="v",label_one="value_one",label_three="value_three",label_two="value_two"}
            """
        ),
        (
            "(sum(rate(a_very_long_metric_name_number_one_for_testing{label=\"value\"}[5m])) + sum(rate(another_metric_name[5m]))) * 100",
            """
              (
                  sum(rate(a_very_long_metric_name_number_one_for_testing{label="value"}[5m]))
                +
                  sum(rate(another_metric_name[5m]))
              )
            *
              100
            """
        ),
        (
            "(stdvar(foo) > 1 > bool 2 > bool 3 or (foo @ 1.001)) * label_replace(a + b * foo offset 373d1h1m1s1ms, \"dst\", \"$1\", \"src\", \"(.*)\") * on (instance, job) group_left (version) topk(5, label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\") * absent(nonexistent))",
            """
                (stdvar(foo) > 1 > bool 2 > bool 3 or (foo @ 1.001))
              *
                label_replace(a + b * foo offset 373d1h1m1s1ms, "dst", "$1", "src", "(.*)")
            * on (instance, job) group_left (version)
              topk(5, label_replace(up, "dst", "$1", "src", "(.*)") * absent(nonexistent))
            """
        ),
        (
            "((up{by=\"y\",offset=\"z\",on=\"x\"})) + label_replace(a <= bool b, \"dst\", \"$1\", \"src\", \"(.*)\") > clamp(a / on (x) b, 0, 100) + topk(5, clamp(a * on (x) group_left (b) c, 0, 100)) or clamp(clamp(label_join(up, \"dst\", \",\", \"a\", \"b\"), 0, 100), 0, 100)",
            """
                ((up{by="y",offset="z",on="x"})) + label_replace(a <= bool b, "dst", "$1", "src", "(.*)")
              >
                clamp(a / on (x) b, 0, 100) + topk(5, clamp(a * on (x) group_left (b) c, 0, 100))
            or
              clamp(clamp(label_join(up, "dst", ",", "a", "b"), 0, 100), 0, 100)
            """
        ),
        (
            "(topk(5, foo == 1)) and -((foo)) * on (instance, job) group_left (version) clamp(sum by (job, instance) (label_replace(avg, \"dst\", \"$1\", \"src\", \"(.*)\")), 0, 100)",
            """
              (topk(5, foo == 1))
            and
                -((foo))
              * on (instance, job) group_left (version)
                clamp(sum by (job, instance) (label_replace(avg, "dst", "$1", "src", "(.*)")), 0, 100)
            """
        ),
        (
            "clamp(sum by (job, instance) ({__name__=\"x\",__name__=\"y\"}), 0, 100) * label_replace(clamp(sum by (SUM, By) (foo), 0, 100), \"dst\", \"$1\", \"src\", \"(.*)\") > topk(5, --foo and bar)",
            """
                clamp(sum by (job, instance) ({__name__="x",__name__="y"}), 0, 100)
              *
                label_replace(clamp(sum by (SUM, By) (foo), 0, 100), "dst", "$1", "src", "(.*)")
            >
              topk(5, --foo and bar)
            """
        ),
        (
            "(clamp(a + on () b, 0, 100) unless label_replace(avg, \"dst\", \"$1\", \"src\", \"(.*)\") ^ (foo @ -1.000) - label_replace(foo{a=\"b\"} + bar, \"dst\", \"$1\", \"src\", \"(.*)\"))",
            """
            (
                clamp(a + on () b, 0, 100)
              unless
                  label_replace(avg, "dst", "$1", "src", "(.*)") ^ (foo @ -1.000)
                -
                  label_replace(foo{a="b"} + bar, "dst", "$1", "src", "(.*)")
            )
            """
        ),
    ])
    func longQueriesSplitAsPrometheusSplitsThem(query: String, pretty: String) throws {
        let expr = try PromQL.parse(query)
        #expect(PromQL.prettify(expr) == pretty)
        #expect(try PromQL.parse(pretty).description == expr.description)
    }
}
