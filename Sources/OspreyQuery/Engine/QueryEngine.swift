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

    /// The value of `query` at instant `time` (milliseconds).
    public func instantQuery(_ query: String, at time: Timestamp, from queryable: any Queryable) async throws(QueryError) -> QueryValue {
        throw .execution("engine not built yet")
    }

    /// The value of `query` at every `step` from `start` to `end` (milliseconds, inclusive):
    /// a matrix, or for a scalar expression a matrix of one series without labels.
    public func rangeQuery(
        _ query: String, start: Timestamp, end: Timestamp, step: Int64, from queryable: any Queryable
    ) async throws(QueryError) -> QueryValue {
        throw .execution("engine not built yet")
    }
}
