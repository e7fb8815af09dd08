import OspreyModel

/// A node_exporter `--collector.*-exclude` regular expression, matched as Go's
/// `Regexp.MatchString` does: anywhere in the text unless the pattern anchors itself.
public struct ExcludePattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let regex: GoRegex

    /// Fails at configuration time for a pattern Go would refuse.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        regex = try GoRegex(pattern)
    }

    public var description: String { pattern }

    func excludes(_ text: String) -> Bool { regex.matches(text) }

    public static func == (lhs: ExcludePattern, rhs: ExcludePattern) -> Bool { lhs.pattern == rhs.pattern }

    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}
