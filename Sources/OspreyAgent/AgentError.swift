/// Why the agent could not do something, with what it was doing.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ doing: String, _ error: any Error) {
        description = "\(doing): \(error)"
    }

    public init(_ description: String) {
        self.description = description
    }
}
