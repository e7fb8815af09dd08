import OspreyModel
import OspreyStorage

/// Limits and defaults of query evaluation.
public struct QueryOptions: Sendable, Hashable {
    /// How far back an instant selector looks for a sample (Prometheus's 5 m).
    public var lookbackDelta: Int64 = 5 * 60_000
    public var timeout: Duration = .seconds(120)
    public var maxSamples: Int = 50_000_000
    /// The step of subqueries that give none (Prometheus's default evaluation interval).
    public var defaultSubqueryStep: Int64 = 60_000

    public init() {}
}

/// Evaluates PromQL over a `Queryable`.
public struct QueryEngine: Sendable {
    public var options: QueryOptions

    public init(options: QueryOptions = QueryOptions()) {
        self.options = options
    }

    /// The value of `query` at instant `time` (milliseconds), computed on a thread of its own;
    /// cancelling the calling task stops it.
    public func instantQuery(_ query: String, at time: Timestamp, from queryable: any Queryable) async throws(QueryError) -> QueryValue {
        let expr = try parse(query)
        return try await onOwnThread { cancellation throws(QueryError) in
            try instantQuery(expr, at: time, from: queryable, cancellation: cancellation)
        }
    }

    /// Evaluates on the calling thread, for callers that already run off the cooperative pool.
    public func instantQuery(
        _ expr: Expr, at time: Timestamp, from queryable: any Queryable, cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> QueryValue {
        let evaluator = Evaluator(queryable: queryable, options: options, queryStart: time, queryEnd: time, cancellation: cancellation)
        switch try evaluator.eval(expr, Steps(start: time, end: time, interval: 1)) {
        case .scalar(let values):
            return .scalar(Sample(timestamp: time, value: values[0]))
        case .string(let value):
            return .string(timestamp: time, value: value)
        case .vector(let series):
            return .vector(
                series.compactMap { item in
                    item.points.first.map { VectorElement(labels: item.labels, timestamp: time, value: $0.value) }
                })
        case .matrix(let series):
            return .matrix(series.sorted { Labels.prometheusOrder($0.labels, $1.labels) })
        }
    }

    /// The value of `query` at every `step` from `start` to `end` (milliseconds, inclusive):
    /// a matrix, or for a scalar expression a matrix of one series without labels. Computed on
    /// a thread of its own; cancelling the calling task stops it.
    public func rangeQuery(
        _ query: String, start: Timestamp, end: Timestamp, step: Int64, from queryable: any Queryable
    ) async throws(QueryError) -> QueryValue {
        let expr = try parse(query)
        return try await onOwnThread { cancellation throws(QueryError) in
            try rangeQuery(expr, start: start, end: end, step: step, from: queryable, cancellation: cancellation)
        }
    }

    /// Evaluates on the calling thread, for callers that already run off the cooperative pool.
    public func rangeQuery(
        _ expr: Expr, start: Timestamp, end: Timestamp, step: Int64, from queryable: any Queryable,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> QueryValue {
        guard expr.type == .vector || expr.type == .scalar else {
            let name = expr.type == .matrix ? "range vector" : expr.type.rawValue
            throw .invalidQuery("invalid expression type \"\(name)\" for range query, must be Scalar or instant Vector")
        }
        guard step > 0 else {
            throw .invalidQuery("zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard end >= start else { throw .invalidQuery("end timestamp must not be before start time") }
        let steps = Steps(start: start, end: end, interval: step)
        let evaluator = Evaluator(queryable: queryable, options: options, queryStart: start, queryEnd: end, cancellation: cancellation)
        // One value per step at the least, before a single one is computed.
        try evaluator.account(steps.count)
        switch try evaluator.eval(expr, steps) {
        case .scalar(let values):
            return .matrix([
                RangeSeries(labels: Labels(), samples: values.enumerated().map { Sample(timestamp: steps.time(at: $0.offset), value: $0.element) })
            ])
        case .vector(let series):
            return .matrix(series.map { RangeSeries(labels: $0.labels, samples: $0.points) }.sorted { Labels.prometheusOrder($0.labels, $1.labels) })
        case .string, .matrix:
            throw .invalidQuery("invalid expression type for range query, must be Scalar or instant Vector")
        }
    }

    private func parse(_ query: String) throws(QueryError) -> Expr {
        do {
            return try PromQL.parse(query)
        } catch {
            throw .parse(error)
        }
    }
}
