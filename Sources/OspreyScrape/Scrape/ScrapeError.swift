/// Why a scrape failed, worded as `/api/v1/targets` shows it in `lastError`.
public enum ScrapeError: Error, Sendable, Equatable, CustomStringConvertible {
    case status(String)
    case connection(String)
    case timeout(String)
    case bodyTooLarge(String)
    case sampleLimit(String)
    case parse(String)
    case configuration(String)
    case storage(String)

    public var description: String {
        switch self {
        case .status(let message), .connection(let message), .timeout(let message), .bodyTooLarge(let message),
            .sampleLimit(let message), .parse(let message), .configuration(let message), .storage(let message):
            message
        }
    }
}
