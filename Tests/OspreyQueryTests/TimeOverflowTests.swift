import OspreyModel
import OspreyStorage
import Testing

@testable import OspreyQuery

/// Times and durations from the query text at the ends of the 64-bit range: refused with
/// Prometheus's words where they cannot be a time, evaluated without trapping where they can.
/// Before, `x @ 1e18` ended the process with an arithmetic overflow.
@Suite struct TimeOverflowTests {
    static let now: Timestamp = 1_700_000_000_000
    /// The largest magnitudes of `@` seconds whose milliseconds fit 64 bits, as a double holds them.
    static let latest = "9223372036854774"
    static let earliest = "-9223372036854774"
    /// Ordinary samples, and samples at the extreme ends of time, which windows moved by `@` and
    /// `offset` reach.
    static let data = [
        series("x", ["at": "now"], (0..<20).map { (now - Timestamp($0) * 15_000, Double($0)) }.reversed()),
        series("x", ["at": "past"], [(Int64.min, 1), (Int64.min + 15_000, 2), (Int64.min + 30_000, 4)]),
        series("x", ["at": "future"], [(Int64.max - 30_000, 1), (Int64.max - 15_000, 2), (Int64.max, 4)]),
    ]

    func instant(_ query: String, at time: Timestamp = now, options: QueryOptions = QueryOptions()) throws -> QueryValue {
        try QueryEngine(options: options).instantQuery(try PromQL.parse(query), at: time, from: MemoryQueryable(series: Self.data))
    }

    func range(_ query: String, start: Timestamp, end: Timestamp, step: Int64) throws -> QueryValue {
        try QueryEngine().rangeQuery(try PromQL.parse(query), start: start, end: end, step: step, from: MemoryQueryable(series: Self.data))
    }

    @Test(arguments: [
        ("many_series @ 1e18", "1000000000000000000.000000"),
        ("many_series @ -1e18", "-1000000000000000000.000000"),
        ("rate(x[5m] @ 1e18)", "1000000000000000000.000000"),
        ("x[5m:1m] @ 9.3e15", "9300000000000000.000000"),
        ("x @ 1e20", "100000000000000000000.000000"),
    ])
    func atBeyondSixtyFourBitsOfMillisecondsIsOutOfBounds(query: String, seconds: String) {
        do {
            let expr = try PromQL.parse(query)
            Issue.record("\(query) parsed as \(expr)")
        } catch {
            #expect(error.message == "timestamp out of bounds for @ modifier: \(seconds)", "\(query)")
        }
    }

    @Test func theLargestTimesThatFitAreAccepted() throws {
        // The largest doubles whose milliseconds fit 64 bits.
        #expect(try PromQL.parse("x @ 9223372036854774").description == "x @ 9223372036854774.000")
        #expect(try PromQL.parse("x @ -9223372036854774").description == "x @ -9223372036854774.000")
    }

    /// Each of these moved a window past the end of 64 bits, or measured between samples and a
    /// time 292 million years apart.
    @Test(arguments: [
        "x @ \(Self.latest) offset -292y", "x @ \(Self.earliest) offset 292y", "x @ \(Self.earliest)", "x offset -292y",
        "x offset 292y", "rate(x[292y] @ \(Self.earliest))", "rate(x[292y] @ \(Self.latest) offset -292y)",
        "increase(x[292y] offset 292y @ \(Self.earliest))", "irate(x[292y] @ \(Self.latest))", "deriv(x[292y] @ \(Self.earliest))",
        "predict_linear(x[292y] @ \(Self.earliest), 1e300)", "predict_linear(x[292y] @ \(Self.latest) offset -292y, -1e300)",
        "holt_winters(x[292y] @ \(Self.latest), 0.5, 0.5)", "timestamp(x @ \(Self.earliest))",
        "max_over_time(x[5m:1m] @ \(Self.latest) offset -292y)", "min_over_time(x[292y:146y] @ \(Self.earliest))",
        "last_over_time(x[292y:1y] offset 292y @ \(Self.earliest))", "time() - timestamp(x @ \(Self.latest))",
        "count_over_time(x[1m:1m] @ start() offset -292y)", "count_over_time(x[1m:1m] @ end() offset 292y)",
    ])
    func extremeWindowsEvaluateWithoutTrapping(query: String) throws {
        _ = try instant(query)
        _ = try instant(query, at: Int64.max)
        _ = try instant(query, at: Int64.min)
    }

    @Test func aWindowAtTheEndOfTimeFindsTheSamplesThere() throws {
        // The window ends a minute after the latest `@`: past the end, so at it.
        guard case .vector(let result) = try instant("rate(x[1m] @ \(Self.latest) offset -1m)") else {
            Issue.record("not a vector")
            return
        }
        #expect(result.map(\.labels) == [Labels(["at": "future"])])
        // The counter grew by 3 in the window's last 30 s; extrapolated back to zero, 10 s
        // earlier, that is 4 in 60 s.
        #expect(result.first.map { abs($0.value - 4.0 / 60) < 1e-12 } == true, "\(result)")
    }

    @Test func predictLinearFromSamplesAtTheStartOfTime() throws {
        // The regression's intercept is the step's time, 292 million years after the samples:
        // measured in floating point, the line still comes out.
        guard case .vector(let result) = try instant("predict_linear(x[2m] @ \(Self.earliest) offset -1m, 0)") else {
            Issue.record("not a vector")
            return
        }
        #expect(result.map(\.labels) == [Labels(["at": "past"])])
        #expect(result.first?.value.isFinite == true)
    }

    @Test func aRangeQueryOverAllOfTime() throws {
        guard case .matrix(let result) = try range("time()", start: .min, end: .max, step: .max) else {
            Issue.record("not a matrix")
            return
        }
        // From the first instant in steps of 2^63 - 1 ms: three of them fit before the last.
        #expect(result.first?.samples.map(\.timestamp) == [.min, -1, .max - 1])
        #expect(result.first?.samples.map(\.value) == [Double(Int64.min) / 1000, -0.001, Double(Int64.max - 1) / 1000])
        _ = try range("x offset 292y", start: .min, end: .max, step: .max / 2)
        _ = try range("rate(x[5m] @ end())", start: .min, end: .max, step: .max / 4)
    }

    @Test func aRangeQueryThatEndsBeforeItStartsIsRefused() {
        #expect(throws: QueryError.invalidQuery("end timestamp must not be before start time")) {
            try range("x", start: 1, end: 0, step: 1)
        }
    }

    /// `[1y:1ms]` asks for 31.5 billion inner steps; each holds memory whether or not a sample is
    /// found, so the query is refused before any is allocated.
    @Test(arguments: ["max_over_time(x[1y:1ms])", "count_over_time(vector(1)[292y:1ms])", "rate(x[100d:1ms] @ 9.2e15)"])
    func subqueriesWithMoreStepsThanSamplesAllowedAreRefused(query: String) {
        #expect(throws: QueryError.tooManySamples(limit: QueryOptions().maxSamples)) { try instant(query) }
    }

    @Test func theFirstSubqueryStepIsFoundAtTheEndsOfTime() {
        #expect(Evaluator.firstMultiple(of: 10, atOrAfter: .min) == -9_223_372_036_854_775_800)
        #expect(Evaluator.firstMultiple(of: 10, atOrAfter: .max) == nil)
        #expect(Evaluator.firstMultiple(of: 1, atOrAfter: .max) == .max)
        #expect(Evaluator.firstMultiple(of: 60_000, atOrAfter: -1) == 0)
        #expect(Evaluator.firstMultiple(of: 60_000, atOrAfter: 60_000) == 60_000)
        #expect(Evaluator.firstMultiple(of: 60_000, atOrAfter: 60_001) == 120_000)
    }
}
