import OspreyIngest

extension APIError {
    /// The answer to a push the ingest path refused.
    init(_ error: IngestError) {
        switch error {
        case .badData(let message): self = .badData(message)
        case .tooLarge(let message): self = .tooLarge(message)
        case .unavailable(let message, let retryAfterSeconds):
            self = APIError(
                status: .serviceUnavailable, errorType: "unavailable", message: message, headers: [.retryAfter: "\(retryAfterSeconds)"])
        case .failed(let message): self = .internal(message)
        }
    }

    /// Runs `body`, answering what it throws as `init(_:)` says.
    static func answering<T>(_ body: () throws(IngestError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            throw APIError(error)
        }
    }
}
