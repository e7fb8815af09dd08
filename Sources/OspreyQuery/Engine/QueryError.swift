import OspreyStorage

/// Why a query gave no answer. Each case names what stopped it.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not valid PromQL.
    case parse(ParseError)
    /// The query is valid PromQL but not for this kind of query (a range vector in a range query).
    case invalidQuery(String)
    /// Evaluation failed on the data (e.g. duplicate series after dropping names).
    case execution(String)
    /// `query.timeout` elapsed.
    case timeout(limit: Duration)
    /// The query would hold more than `query.max_samples` samples at once.
    case tooManySamples(limit: Int)
    /// The caller went away.
    case canceled
    case storage(StorageError)

    /// The `errorType` Prometheus's API reports for this kind of failure.
    public var errorType: String {
        switch self {
        case .parse, .invalidQuery: "bad_data"
        case .execution, .tooManySamples: "execution"
        case .timeout: "timeout"
        case .canceled: "canceled"
        case .storage: "internal"
        }
    }

    public var description: String {
        switch self {
        case .parse(let error): error.description
        case .invalidQuery(let message), .execution(let message): message
        case .timeout(let limit):
            "query timed out in expression evaluation (query.timeout is \(limit.milliseconds) ms)"
        case .tooManySamples(let limit):
            "query processing would load too many samples into memory in query execution (query.max_samples is \(limit))"
        case .canceled: "query was canceled"
        case .storage(let error): error.description
        }
    }
}
