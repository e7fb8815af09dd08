import OspreyGoCompat
import OspreyModel
import OspreyStorage
import Testing

@testable import OspreyQuery

/// Semantics that real Prometheus data from promtool cannot show: staleness markers, the
/// lookback window's edges, and the limits.
@Suite struct EngineSemanticsTests {
    let engine = QueryEngine()

    func instant(_ expr: Expr, at time: Timestamp, _ data: [StoredSeries], options: QueryOptions = QueryOptions()) throws -> QueryValue {
        try QueryEngine(options: options).instantQuery(expr, at: time, from: MemoryQueryable(series: data))
    }

    @Test func aStalenessMarkerEndsTheSeriesAtOnce() throws {
        let data = [series("up", ["job": "a"], [(0, 1), (15_000, 1), (30_000, .staleMarker)])]
        let before = try instant(.vectorSelector(selector("up")), at: 20_000, data)
        #expect(before == .vector([VectorElement(labels: data[0].labels, timestamp: 20_000, value: 1)]))
        let after = try instant(.vectorSelector(selector("up")), at: 31_000, data)
        #expect(after == .vector([]))
    }

    @Test func lookbackIncludesBothEdgesOfFiveMinutes() throws {
        let data = [series("up", [:], [(0, 7)])]
        #expect(
            try instant(.vectorSelector(selector("up")), at: 300_000, data)
                == .vector([VectorElement(labels: data[0].labels, timestamp: 300_000, value: 7)]))
        #expect(try instant(.vectorSelector(selector("up")), at: 300_001, data) == .vector([]))
    }

    @Test func rangeQueryOfAScalarIsOneSeriesWithoutLabels() throws {
        let result = try engine.rangeQuery(.number(2), start: 0, end: 120_000, step: 60_000, from: MemoryQueryable(series: []))
        #expect(result == .matrix([RangeSeries(labels: Labels(), samples: [0, 60_000, 120_000].map { Sample(timestamp: $0, value: 2) })]))
    }

    @Test func rateExtrapolatesToTheWindowAsPrometheusDoes() throws {
        // A counter sampled every 15 s growing by 1.5 per sample: 0.1 per second. The first
        // sample sits 15 s into the window, so extrapolation reaches the window's start.
        let data = [series("c_total", ["i": "x"], (1...20).map { (Timestamp($0) * 15_000, Double($0) * 1.5) })]
        let call = Expr.call(
            Call(function: Function.named("rate")!, args: [.matrixSelector(MatrixSelector(selector: selector("c_total"), range: 300_000))]))
        guard case .vector(let result) = try instant(call, at: 300_000, data) else {
            Issue.record("not a vector")
            return
        }
        #expect(result.count == 1)
        #expect(result.first?.labels == Labels(["i": "x"]))
        #expect(abs((result.first?.value ?? 0) - 0.1) < 1e-12)
    }

    @Test func tooManySamplesNamesTheLimit() throws {
        let data = [series("up", [:], (0..<100).map { (Timestamp($0) * 1000, 1) })]
        var options = QueryOptions()
        options.maxSamples = 10
        let range = Expr.matrixSelector(MatrixSelector(selector: selector("up"), range: 100_000))
        #expect(throws: QueryError.tooManySamples(limit: 10)) {
            try instant(range, at: 100_000, data, options: options)
        }
    }

    @Test func aRangeVectorIsRefusedInARangeQuery() throws {
        let range = Expr.matrixSelector(MatrixSelector(selector: selector("up"), range: 60_000))
        #expect(throws: QueryError.invalidQuery("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")) {
            try engine.rangeQuery(range, start: 0, end: 1, step: 1, from: MemoryQueryable(series: []))
        }
    }

    /// Enough series that the engine checks its deadline and cancellation many times over.
    static let manySeries = (0..<3000).map { index in
        series("m_total", ["i": "\(index)"], (0..<40).map { (Timestamp($0) * 15_000, Double($0)) })
    }

    @Test func aQueryPastItsTimeoutStopsWithTheLimitNamed() async {
        var options = QueryOptions()
        options.timeout = .zero
        let engine = QueryEngine(options: options)
        await #expect(throws: QueryError.timeout(limit: .zero)) {
            try await engine.rangeQuery(
                "sum(rate(m_total[5m]))", start: 0, end: 600_000, step: 15_000, from: MemoryQueryable(series: Self.manySeries))
        }
    }

    @Test func cancellingTheCallerStopsTheEvaluation() async {
        let engine = self.engine
        let query = Task {
            try await engine.rangeQuery(
                "sum(rate(m_total[5m]))", start: 0, end: 600_000, step: 15_000, from: MemoryQueryable(series: Self.manySeries))
        }
        query.cancel()
        let result = await query.result
        #expect(throws: QueryError.canceled) { try result.get() }
    }

    @Test func goFloatFormattingNeverUsesExponents() {
        #expect(1e-5.goFixedString == "0.00001")
        #expect(1e21.goFixedString == "1000000000000000000000")
        #expect(1.5.goFixedString == "1.5")
        #expect(100.0.goFixedString == "100")
        #expect((-0.25).goFixedString == "-0.25")
        #expect(0.1.goFixedString == "0.1")
        #expect(123456.789.goFixedString == "123456.789")
        #expect(Double.nan.goFixedString == "NaN")
        #expect((-Double.infinity).goFixedString == "-Inf")
        #expect(0.0.goFixedString == "0")
    }
}
