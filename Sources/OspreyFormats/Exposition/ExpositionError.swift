/// A problem in exposition text, reported as `line N: reason`.
public struct ExpositionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the input.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
