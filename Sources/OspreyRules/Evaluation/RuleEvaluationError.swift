import OspreyQuery

/// Why one evaluation of one rule failed; the rule's health shows it until the next evaluation.
public enum RuleEvaluationError: Error, Sendable, CustomStringConvertible {
    case query(QueryError)
    case notAVector(String)
    case duplicateLabelSet(String)
    case limitExceeded(limit: Int, count: Int, what: String)
    case storage(String)

    public var description: String {
        switch self {
        case .query(let error): "\(error)"
        case .notAVector(let type): "rule result is not a vector or scalar but \(type)"
        case .duplicateLabelSet(let what): "vector contains metrics with the same labelset after applying \(what) labels"
        case .limitExceeded(let limit, let count, let what): "exceeded limit of \(limit) with \(count) \(what)"
        case .storage(let message): "writing the rule's result: \(message)"
        }
    }
}
