import OspreyModel
import OspreyStorage

/// Evaluates one query: every node over all steps at once, as Prometheus's range evaluation
/// does, so a selector reads storage once per query rather than once per step.
final class Evaluator {
    let queryable: any Queryable
    let options: QueryOptions
    /// The query's own start and end, what `@ start()` and `@ end()` mean at any depth.
    let queryStart: Timestamp
    let queryEnd: Timestamp
    private let deadline: ContinuousClock.Instant
    private let cancellation: QueryCancellation
    private var checks = 0

    init(queryable: any Queryable, options: QueryOptions, queryStart: Timestamp, queryEnd: Timestamp, cancellation: QueryCancellation) {
        self.queryable = queryable
        self.options = options
        self.queryStart = queryStart
        self.queryEnd = queryEnd
        self.cancellation = cancellation
        self.deadline = ContinuousClock.now.advanced(by: options.timeout)
    }

    /// Stops the query when its time is up or its caller went away.
    func checkInterrupt() throws(QueryError) {
        checks &+= 1
        guard checks & 0xFF == 0 else { return }
        if let interruption { throw interruption }
    }

    /// The same, at once: after work that materialized many points (the loops that made them
    /// check only now and then).
    func checkInterruptNow() throws(QueryError) {
        if let interruption { throw interruption }
    }

    /// Why the query must stop now, if it must.
    private var interruption: QueryError? {
        if cancellation.isCancelled || Task.isCancelled { return .canceled }
        if ContinuousClock.now >= deadline { return .timeout(limit: options.timeout) }
        return nil
    }

    /// Refuses results larger than `query.max_samples`.
    func account(_ count: Int) throws(QueryError) {
        if count > options.maxSamples { throw .tooManySamples(limit: options.maxSamples) }
        try checkInterruptNow()
    }

    func resolve(_ at: AtModifier?) -> Timestamp? {
        switch at {
        case nil: nil
        case .timestamp(let time): time
        case .start: queryStart
        case .end: queryEnd
        }
    }

    // MARK: Dispatch

    func eval(_ expr: Expr, _ steps: Steps) throws(QueryError) -> EvalValue {
        try checkInterrupt()
        switch expr {
        case .number(let value):
            return .scalar(Array(repeating: value, count: steps.count))
        case .string(let value):
            return .string(value)
        case .parenthesized(let inner):
            return try eval(inner, steps)
        case .negation(let inner):
            switch try eval(inner, steps) {
            case .scalar(let values): return .scalar(values.map { -$0 })
            case .vector(let series):
                return .vector(
                    series.map {
                        StepSeries(labels: $0.labels.droppingMetricName, points: $0.points.map { Sample(timestamp: $0.timestamp, value: -$0.value) })
                    })
            default: throw .execution("unary minus needs a scalar or an instant vector")
            }
        case .vectorSelector(let selector):
            return .vector(try selectVector(selector, steps, valueIsTimestamp: false))
        case .matrixSelector(let selector):
            guard steps.start == steps.end else {
                throw .execution("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")
            }
            return .matrix(try rangeAt(steps.start, windows: try windows(of: selector, steps)))
        case .subquery(let subquery):
            guard steps.start == steps.end else {
                throw .execution("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")
            }
            return .matrix(try rangeAt(steps.start, windows: try windows(of: subquery, steps)))
        case .call(let call):
            return try evalCall(call, steps)
        case .aggregate(let aggregate):
            return .vector(try evalAggregate(aggregate, steps))
        case .binary(let binary):
            return try evalBinary(binary, steps)
        }
    }

    func evalVector(_ expr: Expr, _ steps: Steps) throws(QueryError) -> [StepSeries] {
        guard case .vector(let series) = try eval(expr, steps) else {
            throw .execution("expected an instant vector, got \(expr.type.rawValue)")
        }
        return series
    }

    func evalScalar(_ expr: Expr, _ steps: Steps) throws(QueryError) -> [Double] {
        guard case .scalar(let values) = try eval(expr, steps) else {
            throw .execution("expected a scalar, got \(expr.type.rawValue)")
        }
        return values
    }

    func evalString(_ expr: Expr) throws(QueryError) -> String {
        switch expr {
        case .string(let value): value
        case .parenthesized(let inner): try evalString(inner)
        default: throw .execution("expected a string, got \(expr.type.rawValue)")
        }
    }

    // MARK: Selectors

    func fetch(_ matchers: [LabelMatcher], from minTime: Timestamp, to maxTime: Timestamp) throws(QueryError) -> [StoredSeries] {
        var series: [StoredSeries]
        do {
            // Matching a regex against every value of a label can take long: the storage asks
            // between values whether the query is still wanted.
            series = try queryable.querier(minTime: minTime, maxTime: maxTime).select(matchers) { interruption != nil }
        } catch .interrupted {
            throw interruption ?? .canceled
        } catch {
            throw .storage(error)
        }
        try account(series.reduce(0) { $0 + $1.samples.count })
        // Prometheus iterates series in label order; sums then add in the same order.
        series.sort { Labels.prometheusOrder($0.labels, $1.labels) }
        return series
    }

    /// An instant selector at every step: the newest sample within the lookback window, unless
    /// that sample is a staleness marker.
    func selectVector(_ selector: VectorSelector, _ steps: Steps, valueIsTimestamp: Bool) throws(QueryError) -> [StepSeries] {
        let at = resolve(selector.at)
        let lookback = options.lookbackDelta
        let firstReference = (at ?? steps.start).subtractingSaturated(selector.offset)
        let lastReference = (at ?? steps.end).subtractingSaturated(selector.offset)
        let stored = try fetch(selector.matchers, from: firstReference.subtractingSaturated(lookback), to: lastReference)
        var result: [StepSeries] = []
        result.reserveCapacity(stored.count)
        var total = 0
        for series in stored {
            try checkInterrupt()
            let samples = series.samples
            var points: [Sample] = []
            points.reserveCapacity(Swift.min(steps.count, samples.count))
            var next = 0
            for step in 0..<steps.count {
                if step & 0x3FF == 0x3FF { try checkInterrupt() }
                let time = steps.time(at: step)
                let reference = (at ?? time).subtractingSaturated(selector.offset)
                while next < samples.count, samples[next].timestamp <= reference { next += 1 }
                guard next > 0 else { continue }
                let sample = samples[next - 1]
                guard sample.timestamp >= reference.subtractingSaturated(lookback), !sample.value.isStaleMarker else { continue }
                points.append(Sample(timestamp: time, value: valueIsTimestamp ? Double(sample.timestamp) / 1000 : sample.value))
            }
            total += points.count
            if !points.isEmpty { result.append(StepSeries(labels: series.labels, points: points)) }
        }
        try account(total)
        return result
    }

    // MARK: Range vectors

    /// The samples range functions slide their windows over, and where each window ends.
    struct Windows {
        var series: [RangeSeries]
        var range: Int64
        var offset: Int64
        var at: Timestamp?
        /// Set for the functions Prometheus 2 does not treat as step-invariant under `@`
        /// (`predict_linear`): their window then moves on from the `@` time by the time since
        /// the first step, over only the samples read around the `@` time, as 2.42 computes it.
        var driftFrom: Timestamp? = nil

        /// Times and durations here come from the query (`@`, `offset`, the range), so they
        /// saturate rather than trap.
        func end(at time: Timestamp) -> Timestamp {
            if let at, let driftFrom { return at.addingSaturated(time.subtractingSaturated(driftFrom)).subtractingSaturated(offset) }
            return (at ?? time).subtractingSaturated(offset)
        }

        func start(at time: Timestamp) -> Timestamp {
            end(at: time).subtractingSaturated(range)
        }
    }

    func windows(of selector: MatrixSelector, _ steps: Steps) throws(QueryError) -> Windows {
        let vector = selector.selector
        let at = resolve(vector.at)
        let first = (at ?? steps.start).subtractingSaturated(vector.offset).subtractingSaturated(selector.range)
        let last = (at ?? steps.end).subtractingSaturated(vector.offset)
        let stored = try fetch(vector.matchers, from: first, to: last)
        // Range vectors leave staleness markers out; most series have none, so keep their array.
        let series = stored.map { item in
            RangeSeries(
                labels: item.labels,
                samples: item.samples.contains { $0.value.isStaleMarker } ? item.samples.filter { !$0.value.isStaleMarker } : item.samples)
        }
        return Windows(series: series, range: selector.range, offset: vector.offset, at: at, driftFrom: nil)
    }

    /// A subquery: its expression evaluated at every multiple of its step that any window
    /// covers.
    func windows(of subquery: Subquery, _ steps: Steps, drifting: Bool = false) throws(QueryError) -> Windows {
        let at = resolve(subquery.at)
        let interval = subquery.step ?? options.defaultSubqueryStep
        let first = (at ?? steps.start).subtractingSaturated(subquery.offset).subtractingSaturated(subquery.range)
        // A drifting window (see `Windows.driftFrom`) reads a subquery on past the `@` time.
        let last = (at.map { drifting ? $0.addingSaturated(steps.end.subtractingSaturated(steps.start)) : $0 } ?? steps.end)
            .subtractingSaturated(subquery.offset)
        guard let innerStart = Self.firstMultiple(of: interval, atOrAfter: first), innerStart <= last else {
            return Windows(series: [], range: subquery.range, offset: subquery.offset, at: at, driftFrom: drifting ? steps.start : nil)
        }
        let inner = Steps(start: innerStart, end: last, interval: interval)
        // Every step of the inner evaluation holds at least a slot in memory: `[1y:1ms]` would
        // ask for 31 billion of them before looking at a single sample.
        try account(inner.count)
        let series: [RangeSeries]
        switch try eval(subquery.expr, inner) {
        case .vector(let vector):
            series = vector.map { RangeSeries(labels: $0.labels, samples: $0.points) }
        case .scalar(let values):
            series = [
                RangeSeries(labels: Labels(), samples: values.enumerated().map { Sample(timestamp: inner.time(at: $0.offset), value: $0.element) })
            ]
        default:
            throw .execution("subquery is only allowed on instant vector or scalar, got \(subquery.expr.type.rawValue)")
        }
        // The inner evaluation may have made millions of points between checks.
        try checkInterruptNow()
        return Windows(series: series, range: subquery.range, offset: subquery.offset, at: at, driftFrom: drifting ? steps.start : nil)
    }

    /// The first multiple of `interval` (positive) at or after `time`; nil when the next one
    /// is beyond 64 bits.
    static func firstMultiple(of interval: Int64, atOrAfter time: Timestamp) -> Timestamp? {
        let quotient = time.floorDivided(by: interval)
        let (aligned, overflow) = quotient.multipliedReportingOverflow(by: interval)
        if !overflow, aligned == time { return aligned }
        // `aligned` lies below `time`, so the next multiple is above it; the quotient is at most
        // `time` and only equals it for an interval of 1, which the line above returned.
        let (next, nextOverflow) = (quotient + 1).multipliedReportingOverflow(by: interval)
        return nextOverflow ? nil : next
    }

    /// The window of every series at one instant, for results of type matrix.
    func rangeAt(_ time: Timestamp, windows: Windows) throws(QueryError) -> [RangeSeries] {
        let (start, end) = (windows.start(at: time), windows.end(at: time))
        var total = 0
        let result = windows.series.compactMap { series -> RangeSeries? in
            let samples = series.samples.filter { $0.timestamp >= start && $0.timestamp <= end }
            total += samples.count
            return samples.isEmpty ? nil : RangeSeries(labels: series.labels, samples: samples)
        }
        try account(total)
        return result
    }

    /// Applies `body` to the window of every series at every step (windows are closed
    /// intervals, `[end - range, end]`, as in Prometheus 2). `body` gets the step index too,
    /// for functions with scalar arguments.
    func slide(
        _ windows: Windows, _ steps: Steps, keepName: Bool,
        _ body: (ArraySlice<Sample>, Int, Timestamp) throws(QueryError) -> Double?
    ) throws(QueryError) -> [StepSeries] {
        try slide(windows, steps, keepName: keepName) { (window, _, step, time) throws(QueryError) in try body(window, step, time) }
    }

    /// `slide` for functions that prepare something per series: `body` also gets the index of
    /// the series in `windows.series` (its window's indices are positions in that series).
    func slide(
        _ windows: Windows, _ steps: Steps, keepName: Bool,
        _ body: (ArraySlice<Sample>, Int, Int, Timestamp) throws(QueryError) -> Double?
    ) throws(QueryError) -> [StepSeries] {
        var result: [StepSeries] = []
        result.reserveCapacity(windows.series.count)
        for (seriesIndex, series) in windows.series.enumerated() {
            try checkInterrupt()
            let samples = series.samples
            var points: [Sample] = []
            points.reserveCapacity(steps.count)
            var low = 0
            var high = 0
            for step in 0..<steps.count {
                if step & 0x3FF == 0x3FF { try checkInterrupt() }
                let time = steps.time(at: step)
                let (start, end) = (windows.start(at: time), windows.end(at: time))
                if windows.at != nil {
                    low = 0
                    high = 0
                }
                while low < samples.count, samples[low].timestamp < start { low += 1 }
                if high < low { high = low }
                while high < samples.count, samples[high].timestamp <= end { high += 1 }
                guard low < high else { continue }
                if let value = try body(samples[low..<high], seriesIndex, step, time) {
                    points.append(Sample(timestamp: time, value: value))
                }
            }
            if !points.isEmpty {
                result.append(StepSeries(labels: keepName ? series.labels : series.labels.droppingMetricName, points: points))
            }
        }
        try account(result.reduce(0) { $0 + $1.points.count })
        return try mergingSameLabels(result)
    }

    /// Series that became equal (names dropped, labels rewritten) merge into one, unless two of
    /// them have a value at the same step, which Prometheus refuses.
    func mergingSameLabels(_ series: [StepSeries]) throws(QueryError) -> [StepSeries] {
        var positions: [Labels: Int] = [:]
        positions.reserveCapacity(series.count)
        var result: [StepSeries] = []
        result.reserveCapacity(series.count)
        var merged = false
        for item in series {
            if let position = positions[item.labels] {
                result[position].points.append(contentsOf: item.points)
                merged = true
            } else {
                positions[item.labels] = result.count
                result.append(item)
            }
        }
        guard merged else { return result }
        for index in result.indices {
            result[index].points.sort { $0.timestamp < $1.timestamp }
            for (a, b) in zip(result[index].points, result[index].points.dropFirst()) where a.timestamp == b.timestamp {
                throw .execution("vector cannot contain metrics with the same labelset")
            }
        }
        return result
    }
}
