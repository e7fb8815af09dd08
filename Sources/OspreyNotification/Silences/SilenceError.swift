/// Why a silence request was refused.
public enum SilenceError: Error, Hashable, CustomStringConvertible {
    /// The silence or filter given is not acceptable; the text names the problem.
    case invalid(String)
    /// No silence has this id.
    case notFound(id: String)
    /// Expiring a silence that has already ended.
    case alreadyExpired(id: String)
    /// The database failed.
    case storage(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        case .notFound(let id): "silence \(id) not found"
        case .alreadyExpired(let id): "silence \(id) already expired"
        case .storage(let message): message
        }
    }
}
