/// Why the alerting database (outbox, notification log, silences, alerts) could not be read or
/// written, with the operation that failed.
public struct AlertingStoreError: Error, CustomStringConvertible {
    /// What was being done, e.g. "enqueue 3 notifications for receiver \"ops\"".
    public var operation: String
    public var underlying: String

    public init(_ operation: String, _ underlying: any Error) {
        self.operation = operation
        self.underlying = "\(underlying)"
    }

    public var description: String { "cannot \(operation): \(underlying)" }
}
