import Testing

@testable import OspreyQuery

/// A query and what the real Prometheus 2.42 answered for it: its canonical text, or the
/// parse error with position. The recorded answers are in `PrometheusReference+Recorded.swift`.
struct PrometheusReference: Sendable, CustomTestStringConvertible {
    enum Answer: Sendable {
        case formats(String)
        case fails(String)
    }

    let query: String
    let answer: Answer

    init(_ query: String, formats canonical: String) {
        self.query = query
        answer = .formats(canonical)
    }

    init(_ query: String, fails error: String) {
        self.query = query
        answer = .fails(error)
    }

    var testDescription: String { query }

    /// Answers that cannot be the same here, each checked on its own below: strings whose
    /// escapes make bytes that are not UTF-8 (Swift strings hold only valid Unicode), and a unary
    /// `+`, which `Expr` does not keep, so it is not printed. Go's regexp errors are the same,
    /// word for word, since matchers run on RE2.
    var isKnownDifference: Bool {
        Self.differentHere.contains(query)
    }

    private static let differentHere: Set<String> = [
        #""\377""#, #""\xff""#, "+foo", "foo + + bar", "foo ++ bar", "-+a",
        // Prometheus bounds the seconds by int64 and lets the milliseconds wrap (both print as
        // `foo @ -9223372036854776.000`); here milliseconds that do not fit are out of bounds.
        "foo @ 9.3e15", "foo @ -9.3e15",
    ]
}

@Suite struct PrometheusConformanceTests {
    @Test(arguments: PrometheusReference.recorded.filter { !$0.isKnownDifference })
    func answersAsPrometheus(_ reference: PrometheusReference) {
        switch reference.answer {
        case .formats(let canonical):
            do {
                let expr = try PromQL.parse(reference.query)
                #expect(expr.description == canonical)
                #expect(try PromQL.parse(canonical).description == canonical)
            } catch {
                Issue.record("Prometheus accepts this query, here: \(error)")
            }
        case .fails(let message):
            #expect(throws: ParseError.self) { try PromQL.parse(reference.query) }
            do {
                let expr = try PromQL.parse(reference.query)
                Issue.record("Prometheus rejects this query; parsed as \(expr)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func atTimesWhoseMillisecondsDoNotFitAreRefused() {
        for query in ["foo @ 9.3e15", "foo @ -9.3e15"] {
            #expect(throws: ParseError.self, "\(query)") { try PromQL.parse(query) }
        }
    }

    @Test func unaryPlusIsDroppedFromTheTree() throws {
        // Prometheus prints these as `+foo`, `foo + +bar` and `-+a`.
        #expect(try PromQL.parse("+foo").description == "foo")
        #expect(try PromQL.parse("foo ++ bar").description == "foo + bar")
        #expect(try PromQL.parse("-+a").description == "-a")
    }

    @Test func escapesToBytesThatAreNoUTF8BecomeReplacementCharacters() throws {
        // Prometheus keeps the byte 0xff and prints "\xff"; a Swift string cannot hold it.
        #expect(try PromQL.parse(#""\377""#) == .string("\u{FFFD}"))
        #expect(try PromQL.parse(#""\xff""#) == .string("\u{FFFD}"))
        // Printed escaped, since Prometheus's lexer refuses U+FFFD itself inside strings.
        #expect(try PromQL.parse(#""\377""#).description == #""\ufffd""#)
        #expect(throws: ParseError.self) { try PromQL.parse("\"\u{FFFD}\"") }
    }
}
