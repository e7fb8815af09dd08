import Testing

@testable import OspreyQuery

/// Common mistakes and the exact error Prometheus 2.42 gives for each (recorded from the real
/// binary; the full recorded set is in `PrometheusReference+Recorded.swift`).
@Suite struct ParserErrorTests {
    private static func error(parsing query: String) -> ParseError? {
        do {
            _ = try PromQL.parse(query)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        // Unbalanced brackets and unfinished input.
        ("sum by (x", "1:10: parse error: unclosed left parenthesis"),
        ("rate(foo[5m]", "1:13: parse error: unclosed left parenthesis"),
        ("foo[5m", "1:7: parse error: unclosed left bracket"),
        (#"foo{a="b""#, "1:10: parse error: unexpected end of input inside braces"),
        ("foo)", "1:5: parse error: unexpected right parenthesis ')'"),
        ("foo]", "1:4: parse error: unexpected right bracket ']'"),
        ("foo +", "1:6: parse error: unexpected end of input"),
        ("", "1:1: parse error: no expression found in input"),
        ("# only a comment", "1:1: parse error: no expression found in input"),
        // Tokens out of place.
        ("foo bar", #"1:5: parse error: unexpected identifier "bar""#),
        ("sum(foo) by (a) by (b)", "1:17: parse error: unexpected <by>"),
        ("sum(foo bar)", #"1:9: parse error: unexpected identifier "bar" in aggregation"#),
        ("sum by (a)", "1:11: parse error: unexpected end of input in aggregation"),
        ("sum by x (foo)", #"1:8: parse error: unexpected identifier "x" in grouping opts, expected "(""#),
        ("sum by (a b) (foo)", #"1:11: parse error: unexpected identifier "b" in grouping opts, expected "," or ")""#),
        (#"sum by ("x") (foo)"#, #"1:9: parse error: unexpected string "\"x\"" in grouping opts, expected label"#),
        ("a bool b", "1:3: parse error: unexpected <bool>"),
        ("a and group_left b", "1:7: parse error: unexpected <group_left>"),
        ("a + on(x) group_left", #"1:21: parse error: unexpected end of input in grouping opts, expected "(""#),
        ("@", #"1:1: parse error: unexpected "<Item 57385>" <op:@>"#),
        ("1 2", #"1:3: parse error: unexpected number "2""#),
        ("foo 12345678901234", #"1:5: parse error: unexpected number "1234567890"..."#),
        ("rate(foo[5m],)", "1:13: parse error: trailing commas not allowed in function call args"),
        // Selectors.
        (#"foo{a="b" c="d"}"#, #"1:11: parse error: unexpected identifier "c" in label matching, expected "," or "}""#),
        ("foo{a}", #"1:6: parse error: unexpected "}" in label matching, expected label matching operator"#),
        ("foo{a=b}", #"1:7: parse error: unexpected identifier "b" in label matching, expected string"#),
        ("foo{,}", #"1:5: parse error: unexpected "," in label matching, expected identifier or "}""#),
        (#"foo{a~"b"}"#, "1:6: parse error: unexpected character inside braces: '~'"),
        ("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        (#"{a=~".*"}"#, "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        (#"foo{__name__="bar"}"#, #"1:1: parse error: metric name must not be set twice: "foo" or "bar""#),
        // Ranges, subqueries, offset and @.
        ("foo[5]", "1:5: parse error: missing unit character in duration"),
        ("foo[5x]", #"1:5: parse error: bad duration syntax: "5""#),
        ("foo[3d2w]", #"1:5: parse error: not a valid duration string: "3d2w""#),
        ("foo[0s]", "1:5: parse error: duration must be greater than 0"),
        ("foo[300y]", "1:5: parse error: duration out of range"),
        ("foo[5m 1m]", #"1:8: parse error: unexpected duration "1m" in subquery or range, expected ":" or "]""#),
        ("foo[5m:1]", #"1:8: parse error: unexpected number "1" in subquery selector, expected duration or "]""#),
        ("foo[5m:1m:1m]", "1:10: parse error: unexpected colon ':'"),
        ("(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"),
        ("foo offset 5m[5m]", "1:14: parse error: no offset modifiers allowed before range"),
        ("foo @ 1 [5m]", "1:9: parse error: no @ modifiers allowed before range"),
        ("foo offset 5", #"1:12: parse error: unexpected number "5" in offset, expected duration"#),
        ("foo offset 5m offset 5m", "1:1: parse error: offset may not be set multiple times"),
        (
            "rate(foo[5m]) offset 5m",
            "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"
        ),
        ("foo @ bar", #"1:7: parse error: unexpected identifier "bar" in @, expected timestamp"#),
        ("foo @ start(1)", #"1:13: parse error: unexpected number "1" in @, expected timestamp"#),
        ("foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"),
        ("foo @ Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
        ("foo @ 1e20", "1:1: parse error: timestamp out of bounds for @ modifier: 100000000000000000000.000000"),
        ("1[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"),
        // Numbers and strings.
        ("1e", #"1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e": invalid syntax"#),
        ("1e309", #"1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e309": value out of range"#),
        ("0xffffffffffffffff", #"1:1: parse error: error parsing number: strconv.ParseFloat: parsing "0xffffffffffffffff": invalid syntax"#),
        ("1_000", #"1:1: parse error: bad number or duration syntax: "1""#),
        ("5m", #"1:1: parse error: unexpected duration "5m""#),
        (#""abc"#, "1:1: parse error: unterminated quoted string"),
        ("`abc", "1:1: parse error: unterminated raw string"),
        (#""a\qb""#, "1:1: parse error: unknown escape sequence U+0071 'q'"),
        (#""\xZZ""#, "1:1: parse error: illegal character U+005A 'Z' in escape sequence"),
        (#""\uD800""#, "1:1: parse error: escape sequence is an invalid Unicode code point"),
        (#"foo{a="\d"}"#, "1:7: parse error: unknown escape sequence U+0064 'd'"),
        ("a =~ b", "1:3: parse error: unexpected character after '=': '~'"),
        ("a ! b", "1:3: parse error: unexpected character after '!': ' '"),
        ("日本", "1:1: parse error: unexpected character: '日'"),
        // Functions and types.
        ("foo(bar)", #"1:1: parse error: unknown function with name "foo""#),
        ("rate(foo)", #"1:6: parse error: expected type range vector in call to function "rate", got instant vector"#),
        ("rate(foo[5m], 1)", #"1:1: parse error: expected 1 argument(s) in call to "rate", got 2"#),
        ("round(foo, 1, 2)", #"1:1: parse error: expected at most 2 argument(s) in call to "round", got 3"#),
        (#"label_join(foo, "a")"#, #"1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2"#),
        ("sum(rate(foo))", #"1:10: parse error: expected type range vector in call to function "rate", got instant vector"#),
        ("sum()", "1:1: parse error: no arguments for aggregate expression provided"),
        ("topk(foo)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"),
        ("count_values(5, foo)", "1:14: parse error: expected type string in aggregation parameter, got scalar"),
        ("sum(foo[5m])", "1:5: parse error: expected type instant vector in aggregation expression, got range vector"),
        // Binary operations.
        ("1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        ("a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators"),
        ("foo and 1", #"1:1: parse error: set operator "and" not allowed in binary scalar expression"#),
        ("a and on (x) group_left (y) b", #"1:1: parse error: no grouping allowed for "and" operation"#),
        ("a + on (x) group_left (x) b", #"1:3: parse error: label "x" must not occur in ON and GROUP clause at once"#),
        ("foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        ("sum(foo) + on(x) 1", "1:1: parse error: vector matching only allowed between instant vectors"),
        (
            "-foo[5m]",
            #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector""#
        ),
        // Positions on later lines count bytes from the line start.
        ("foo\n+\nbar baz", #"3:5: parse error: unexpected identifier "baz""#),
        ("sum(\n  foo\n  bar\n)", #"3:3: parse error: unexpected identifier "bar" in aggregation"#),
        (#"foo{a="b"} é"#, "1:12: parse error: unexpected character: 'é'"),
    ])
    func reportsWhatPrometheusReports(query: String, message: String) {
        #expect(Self.error(parsing: query)?.description == message)
    }

    @Test func syntaxErrorsComeBeforeTypeErrors() {
        // `rate(foo)` alone is a type error; the unfinished rest is reported first.
        #expect(Self.error(parsing: "rate(foo) +")?.description == "1:12: parse error: unexpected end of input")
        #expect(
            Self.error(parsing: "rate(sum(foo) bar)")?.description
                == #"1:15: parse error: unexpected identifier "bar""#)
    }

    @Test func deepNestingIsRefusedNotOverflowed() throws {
        let limit = Parser.maximumNesting
        let deepParentheses = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(Self.error(parsing: deepParentheses)?.message == "expression nested more than \(limit) levels deep")
        let longChain = Array(repeating: "x", count: 10_000).joined(separator: " + ")
        #expect(Self.error(parsing: longChain)?.message == "expression nested more than \(limit) levels deep")
        #expect(Self.error(parsing: String(repeating: "-", count: 10_000) + "x") != nil)
        #expect(Self.error(parsing: String(repeating: "x[1m:]", count: 1_000)) != nil)

        // Up to the limit everything works, printing and prettifying included.
        let allowed = String(repeating: "(", count: limit - 2) + "x" + String(repeating: ")", count: limit - 2)
        let expr = try PromQL.parse(allowed)
        #expect(expr.description == allowed)
        #expect(try PromQL.parse(PromQL.prettify(expr)) == expr)
    }

    @Test func errorsCarryLineAndColumn() throws {
        let error = try #require(Self.error(parsing: "sum(\n  rate(x)\n)"))
        #expect(error.line == 2)
        #expect(error.column == 8)
        #expect(error.message == #"expected type range vector in call to function "rate", got instant vector"#)
    }
}
