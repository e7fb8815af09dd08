import OspreyModel
import Testing

@testable import OspreyQuery

/// `name{matchers}`: the metric name as Prometheus stores it, a matcher after the others.
private func selector(
    _ name: String?, _ matchers: [LabelMatcher] = [], offset: Int64 = 0, at: AtModifier? = nil
) -> VectorSelector {
    VectorSelector(
        name: name, matchers: matchers + (name.map { [.equal("__name__", $0)] } ?? []), offset: offset, at: at)
}

private func metric(_ name: String, _ matchers: [LabelMatcher] = []) -> Expr {
    .vectorSelector(selector(name, matchers))
}

private func binary(
    _ lhs: Expr, _ op: BinaryOp, _ rhs: Expr, bool: Bool = false, matching: VectorMatching? = nil
) -> Expr {
    .binary(Binary(op: op, lhs: lhs, rhs: rhs, returnBool: bool, matching: matching))
}

/// Vector-to-vector operations always carry matching, one-to-one unless said otherwise.
private let oneToOne = VectorMatching()

private func call(_ name: String, _ args: Expr...) throws -> Expr {
    .call(Call(function: try #require(Function.named(name)), args: args))
}

@Suite struct NumberAndStringLiteralTests {
    @Test(arguments: [
        ("1", 1.0), ("1.5", 1.5), (".5", 0.5), ("5.", 5), ("1e3", 1000), ("1E-3", 0.001), ("2.5e+2", 250),
        ("0x1f", 31), ("0X1F", 31), ("0755", 493), ("08", 8), ("9223372036854775808", 9.223372036854775808e18),
        ("1e-400", 0), ("-1", -1), ("+1", 1), ("- -1", 1), ("-0", -0.0), ("Inf", .infinity), ("-inf", -.infinity),
        ("+INF", .infinity),
    ])
    func numbersKeepTheirValue(text: String, value: Double) throws {
        #expect(try PromQL.parse(text) == .number(value))
    }

    @Test func notANumberIsCaseInsensitive() throws {
        for text in ["NaN", "nan", "NAN"] {
            guard case .number(let value) = try PromQL.parse(text) else {
                Issue.record("\(text) is not a number literal")
                continue
            }
            #expect(value.isNaN)
        }
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .number(let value) = try PromQL.parse("-0") else { return #expect(Bool(false)) }
        #expect(value.sign == .minus)
    }

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#"'single "quotes"'"#, #"single "quotes""#),
        (#""it's \"quoted\"""#, #"it's "quoted""#),
        (#"'it\'s'"#, "it's"),
        (#""\a\b\f\n\r\t\v\\""#, "\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\"),
        (#""\x41\101\u00e9\U0001F600""#, "AAé😀"),
        (#""日本""#, "日本"),
        ("`raw \\d+ \"x\" 'y'`", #"raw \d+ "x" 'y'"#),
        ("`multi\nline`", "multi\nline"),
    ])
    func stringsResolveGoEscapes(text: String, value: String) throws {
        #expect(try PromQL.parse(text) == .string(value))
    }
}

@Suite struct SelectorTests {
    @Test func aNameAloneMatchesTheName() throws {
        #expect(try PromQL.parse("up") == metric("up"))
        #expect(try PromQL.parse("job:requests:rate5m") == metric("job:requests:rate5m"))
    }

    @Test func everyMatcherKind() throws {
        let expr = try PromQL.parse(#"http_requests_total{job="api", code!="200", method=~"GET|POST", path!~"/debug.*"}"#)
        #expect(
            expr
                == metric(
                    "http_requests_total",
                    [
                        .equal("job", "api"), .notEqual("code", "200"),
                        try LabelMatcher(.regex, "method", "GET|POST"), try LabelMatcher(.notRegex, "path", "/debug.*"),
                    ]))
    }

    @Test func matchersAreKeptInTheirWrittenOrder() throws {
        // `absent` reads them in order, as Prometheus does; the name matcher comes last.
        #expect(
            try PromQL.parse(#"foo{b="1", a="2", a!="3"}"#)
                == metric("foo", [.equal("b", "1"), .equal("a", "2"), .notEqual("a", "3")]))
    }

    @Test func bracesAloneNeedNoName() throws {
        #expect(try PromQL.parse(#"{job="api"}"#) == .vectorSelector(selector(nil, [.equal("job", "api")])))
        #expect(
            try PromQL.parse(#"{__name__="up"}"#) == .vectorSelector(selector(nil, [.equal("__name__", "up")])))
    }

    @Test func trailingCommasAndEmptyBracesAreAllowed() throws {
        #expect(try PromQL.parse(#"up{job="a",}"#) == metric("up", [.equal("job", "a")]))
        #expect(try PromQL.parse("up{}") == metric("up"))
    }

    @Test func keywordsAreLabelNamesInsideBraces() throws {
        #expect(
            try PromQL.parse(#"up{on="x", by="y", offset="z"}"#)
                == metric("up", [.equal("on", "x"), .equal("by", "y"), .equal("offset", "z")]))
    }

    @Test func someKeywordsAreMetricNames() throws {
        #expect(try PromQL.parse("sum") == metric("sum"))
        #expect(try PromQL.parse(#"by{a="b"}"#) == metric("by", [.equal("a", "b")]))
        #expect(try PromQL.parse("offset") == metric("offset"))
        // The name keeps its spelling even though keywords are case-insensitive.
        #expect(try PromQL.parse("SUM + 1") == binary(metric("SUM"), .add, .number(1)))
    }

    @Test func rangeSelectorsTakeOffsetAndAtAfterTheRange() throws {
        #expect(
            try PromQL.parse("foo[5m]") == .matrixSelector(MatrixSelector(selector: selector("foo"), range: 300_000)))
        #expect(
            try PromQL.parse("foo[1h30m] offset -2m @ end()")
                == .matrixSelector(
                    MatrixSelector(selector: selector("foo", offset: -120_000, at: .end), range: 5_400_000)))
    }

    @Test func offsetAndAtComeInEitherOrder() throws {
        let expected = Expr.vectorSelector(selector("foo", offset: 300_000, at: .timestamp(1_603_774_568_000)))
        #expect(try PromQL.parse("foo offset 5m @ 1603774568") == expected)
        #expect(try PromQL.parse("foo @ 1603774568 offset 5m") == expected)
        #expect(try PromQL.parse("foo @ start()") == .vectorSelector(selector("foo", at: .start)))
        #expect(try PromQL.parse("foo offset - 1w") == .vectorSelector(selector("foo", offset: -604_800_000)))
    }

    @Test func atTimestampsAreSecondsRoundedToMilliseconds() throws {
        #expect(try PromQL.parse("foo @ 1.0005") == .vectorSelector(selector("foo", at: .timestamp(1001))))
        #expect(try PromQL.parse("foo @ -0.0005") == .vectorSelector(selector("foo", at: .timestamp(-1))))
        #expect(try PromQL.parse("foo @ 0x10") == .vectorSelector(selector("foo", at: .timestamp(16_000))))
        #expect(try PromQL.parse("foo @ - 5") == .vectorSelector(selector("foo", at: .timestamp(-5_000))))
    }

    @Test func durationsSumTheirUnits() throws {
        for (text, milliseconds) in [
            ("1y", Int64(31_536_000_000)), ("2w", 1_209_600_000), ("1d12h", 129_600_000), ("90s", 90_000),
            ("1m30s500ms", 90_500), ("5ms", 5), ("292y", 9_208_512_000_000),
        ] {
            #expect(
                try PromQL.parse("x[\(text)]")
                    == .matrixSelector(MatrixSelector(selector: selector("x"), range: milliseconds)), "\(text)")
        }
    }

    @Test func parseSelectorTakesOnlyASelector() throws {
        #expect(try PromQL.parseSelector(#"up{job="a"}"#) == selector("up", [.equal("job", "a")]))
        // Emptiness is for the API to reject, as in Prometheus.
        #expect(try PromQL.parseSelector("{}") == selector(nil))
        #expect(try PromQL.parseSelector(#"foo{__name__="bar"}"#).matchers.count == 2)
        for (text, message) in [
            ("foo + bar", #"1:5: parse error: unexpected <op:+>"#),
            ("rate(foo)", #"1:5: parse error: unexpected "(""#),
            ("foo[5m]", #"1:4: parse error: unexpected "[""#),
            ("foo offset 5m", "1:5: parse error: unexpected <offset>"),
            ("", "1:1: parse error: unexpected end of input"),
            ("1", #"1:1: parse error: unexpected number "1""#),
            (#"foo{a="b""#, "1:10: parse error: unexpected end of input inside braces"),
        ] {
            #expect(throws: ParseError.self) { try PromQL.parseSelector(text) }
            do {
                _ = try PromQL.parseSelector(text)
            } catch {
                #expect(error.description == message, "\(text)")
            }
        }
    }
}

@Suite struct SubqueryTests {
    @Test func stepIsOptional() throws {
        #expect(
            try PromQL.parse("foo[30m:1m]") == .subquery(Subquery(expr: metric("foo"), range: 1_800_000, step: 60_000)))
        #expect(try PromQL.parse("foo[30m:]") == .subquery(Subquery(expr: metric("foo"), range: 1_800_000, step: nil)))
    }

    @Test func subqueriesTakeTheirOwnOffsetAndAt() throws {
        #expect(
            try PromQL.parse("rate(foo[5m])[1h:] @ 100 offset 1m")
                == .subquery(
                    Subquery(
                        expr: try call("rate", .matrixSelector(MatrixSelector(selector: selector("foo"), range: 300_000))),
                        range: 3_600_000, step: nil, offset: 60_000, at: .timestamp(100_000))))
    }

    @Test func aLetterInsideBracketsSeparatesLikeAColon() throws {
        // Prometheus's lexer turns any letter after the range into the colon.
        #expect(try PromQL.parse("foo[5m x]") == PromQL.parse("foo[5m:]"))
    }
}

@Suite struct CallAndAggregationTests {
    @Test func functionArgumentsAreCheckedAndKept() throws {
        #expect(try PromQL.parse("time()") == call("time"))
        #expect(try PromQL.parse("round(foo)") == call("round", metric("foo")))
        #expect(try PromQL.parse("round(foo, 5)") == call("round", metric("foo"), .number(5)))
        #expect(
            try PromQL.parse(#"label_join(up, "dst", ",", "a", "b", "c")"#)
                == call("label_join", metric("up"), .string("dst"), .string(","), .string("a"), .string("b"), .string("c")))
        #expect(try PromQL.parse("day_of_week()") == call("day_of_week"))
    }

    @Test func bothAggregationFormsAreTheSame() throws {
        let expected = Expr.aggregate(Aggregate(op: .sum, expr: metric("x"), grouping: ["a", "b"]))
        #expect(try PromQL.parse("sum by (a, b) (x)") == expected)
        #expect(try PromQL.parse("sum(x) by (a, b,)") == expected)
        #expect(try PromQL.parse("SUM BY (a, b) (x)") == expected)
        #expect(
            try PromQL.parse("avg without (pod) (x)")
                == .aggregate(Aggregate(op: .avg, expr: metric("x"), grouping: ["pod"], without: true)))
        #expect(try PromQL.parse("count by () (x)") == .aggregate(Aggregate(op: .count, expr: metric("x"))))
    }

    @Test func groupingLabelsMayBeKeywords() throws {
        #expect(
            try PromQL.parse("max by (on, bool, group_left, sum, start) (x)")
                == .aggregate(Aggregate(op: .max, expr: metric("x"), grouping: ["on", "bool", "group_left", "sum", "start"])))
    }

    @Test func parametersComeFirst() throws {
        #expect(
            try PromQL.parse("topk(5, x)") == .aggregate(Aggregate(op: .topk, expr: metric("x"), param: .number(5))))
        #expect(
            try PromQL.parse("quantile without (i) (0.9, x)")
                == .aggregate(
                    Aggregate(op: .quantile, expr: metric("x"), param: .number(0.9), grouping: ["i"], without: true)))
        #expect(
            try PromQL.parse(#"count_values("v", x)"#)
                == .aggregate(Aggregate(op: .countValues, expr: metric("x"), param: .string("v"))))
    }
}

@Suite struct OperatorTests {
    @Test func precedenceFromOrUpToPower() throws {
        let (a, b, c) = (metric("a"), metric("b"), metric("c"))
        #expect(try PromQL.parse("a + b * c") == binary(a, .add, binary(b, .multiply, c, matching: oneToOne), matching: oneToOne))
        #expect(try PromQL.parse("a * b + c") == binary(binary(a, .multiply, b, matching: oneToOne), .add, c, matching: oneToOne))
        #expect(try PromQL.parse("a * b ^ c") == binary(a, .multiply, binary(b, .power, c, matching: oneToOne), matching: oneToOne))
        #expect(
            try PromQL.parse("a > b + c") == binary(a, .greater, binary(b, .add, c, matching: oneToOne), matching: oneToOne))
        let manyToMany = VectorMatching(cardinality: .manyToMany)
        #expect(
            try PromQL.parse("a or b and c")
                == binary(a, .or, binary(b, .and, c, matching: manyToMany), matching: manyToMany))
        #expect(
            try PromQL.parse("a unless b == c")
                == binary(a, .unless, binary(b, .equal, c, matching: oneToOne), matching: manyToMany))
        #expect(
            try PromQL.parse("a atan2 b * c")
                == binary(binary(a, .atan2, b, matching: oneToOne), .multiply, c, matching: oneToOne))
    }

    @Test func powerIsRightAssociativeTheRestLeft() throws {
        #expect(try PromQL.parse("2 ^ 3 ^ 2") == binary(.number(2), .power, binary(.number(3), .power, .number(2))))
        #expect(try PromQL.parse("8 - 2 - 1") == binary(binary(.number(8), .subtract, .number(2)), .subtract, .number(1)))
        #expect(try PromQL.parse("8 / 2 * 4") == binary(binary(.number(8), .divide, .number(2)), .multiply, .number(4)))
    }

    @Test func unaryBindsTighterThanBinaryExceptPower() throws {
        #expect(try PromQL.parse("-2 ^ 2") == .negation(binary(.number(2), .power, .number(2))))
        #expect(try PromQL.parse("-2 * 3") == binary(.number(-2), .multiply, .number(3)))
        #expect(try PromQL.parse("-a * b") == binary(.negation(metric("a")), .multiply, metric("b"), matching: oneToOne))
        #expect(try PromQL.parse("2 ^ -1") == binary(.number(2), .power, .number(-1)))
        #expect(try PromQL.parse("+a") == metric("a"))
        #expect(try PromQL.parse("-(1)") == .negation(.parenthesized(.number(1))))
        #expect(try PromQL.parse("-a offset 5m") == .negation(.vectorSelector(selector("a", offset: 300_000))))
    }

    @Test func parenthesesStayInTheTree() throws {
        #expect(
            try PromQL.parse("(a + b) * c")
                == binary(
                    .parenthesized(binary(metric("a"), .add, metric("b"), matching: oneToOne)), .multiply, metric("c"),
                    matching: oneToOne))
        #expect(try PromQL.parse("((1))") == .parenthesized(.parenthesized(.number(1))))
    }

    @Test func matchingIsSetOnlyBetweenVectors() throws {
        #expect(try PromQL.parse("a + 1") == binary(metric("a"), .add, .number(1)))
        #expect(try PromQL.parse("1 - a") == binary(.number(1), .subtract, metric("a")))
        #expect(try PromQL.parse("a + on() 1") == binary(metric("a"), .add, .number(1)))
        #expect(try PromQL.parse("sum(a) / count(a)").binaryMatching == oneToOne)
    }

    @Test func onIgnoringAndGroupModifiers() throws {
        #expect(
            try PromQL.parse("a * on (x, y) group_left (z) b").binaryMatching
                == VectorMatching(cardinality: .manyToOne, labels: ["x", "y"], on: true, include: ["z"]))
        #expect(
            try PromQL.parse("a * ignoring (x) group_right b").binaryMatching
                == VectorMatching(cardinality: .oneToMany, labels: ["x"], on: false, include: []))
        #expect(try PromQL.parse("a / on() b").binaryMatching == VectorMatching(on: true))
        #expect(
            try PromQL.parse("a and on (x) b").binaryMatching
                == VectorMatching(cardinality: .manyToMany, labels: ["x"], on: true))
        #expect(
            try PromQL.parse("a unless ignoring (x,) b").binaryMatching
                == VectorMatching(cardinality: .manyToMany, labels: ["x"]))
    }

    @Test func boolFollowsComparisons() throws {
        #expect(try PromQL.parse("1 > bool 2") == binary(.number(1), .greater, .number(2), bool: true))
        #expect(
            try PromQL.parse("a == bool on (x) b")
                == binary(metric("a"), .equal, metric("b"), bool: true, matching: VectorMatching(labels: ["x"], on: true)))
        #expect(try PromQL.parse("a != 1") == binary(metric("a"), .notEqual, .number(1)))
    }

    @Test func commentsAndLineBreaksAreSpace() throws {
        #expect(
            try PromQL.parse("sum(\n  rate(x[5m]) # per second\n) # total")
                == .aggregate(
                    Aggregate(
                        op: .sum, expr: try call("rate", .matrixSelector(MatrixSelector(selector: selector("x"), range: 300_000))))))
    }
}

extension Expr {
    fileprivate var binaryMatching: VectorMatching? {
        if case .binary(let binary) = self { binary.matching } else { nil }
    }
}
