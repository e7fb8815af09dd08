/// Why a push was refused, whatever its wire format; nothing of a refused push is stored. The
/// server answers each with its HTTP status.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The push is malformed, or names a series or sample storage refuses (400), with where.
    case badData(String)
    /// The push is over a size limit (413): sending it again cannot help, smaller pushes can.
    case tooLarge(String)
    /// The server cannot take the push now (503); `retryAfterSeconds` when a retry soon helps.
    case unavailable(String, retryAfterSeconds: Int)
    /// A store the ingest path keeps (the pushgateway's groups) failed (500).
    case failed(String)

    public var description: String {
        switch self {
        case .badData(let message), .tooLarge(let message), .unavailable(let message, _), .failed(let message): message
        }
    }

    /// The pushes in flight hold as much memory as `ingest.max_inflight_bytes` allows. Unavailable
    /// rather than too many requests: the server lacks room now whatever this client does; the
    /// push is stored whole or not at all, so sending it again later is safe.
    static let memorySaturated = IngestError.unavailable(
        "the pushes in flight hold ingest.max_inflight_bytes of memory; retry shortly", retryAfterSeconds: 1)

    /// The push alone needs more memory than all pushes in flight may hold together.
    static func memoryExceededAlone(_ capacity: Int) -> IngestError {
        .tooLarge(
            "the push needs more memory than ingest.max_inflight_bytes (\(capacity)) allows all pushes in flight together; "
                + "send it in smaller pushes or raise the limit")
    }
}
