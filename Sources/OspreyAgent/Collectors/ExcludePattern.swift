import OspreyModel

/// A node_exporter `--collector.*-exclude` regular expression, matched as Go's
/// `Regexp.MatchString` does: anywhere in the text unless the pattern anchors itself.
///
/// It keeps the pattern's text and compiles it when matching because Swift's `Regex` is not
/// `Sendable`; collectors compile once per scrape, a few microseconds.
public struct ExcludePattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String

    /// Fails at configuration time for a pattern RE2 would refuse.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        _ = try compile()
    }

    public var description: String { pattern }

    func compile() throws -> Matcher {
        Matcher(regex: try GoRegex.anchored("[\\s\\S]*(?:" + pattern + ")[\\s\\S]*"))
    }

    struct Matcher {
        let regex: Regex<AnyRegexOutput>
        func excludes(_ text: String) -> Bool { (try? regex.wholeMatch(in: text)) != nil }
    }
}
