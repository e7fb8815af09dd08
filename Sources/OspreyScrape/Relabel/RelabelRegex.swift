import OspreyModel

/// A relabelling step's `regex`, compiled once with RE2's rules and anchored at both ends, as
/// Prometheus compiles `^(?:regex)$`.
struct RelabelRegex: Sendable {
    private let compiled: GoRegex?

    /// A pattern that does not compile never matches. Decoding refuses such a config, so this
    /// only happens to configs built in code, which should not crash a scrape.
    init(_ pattern: String) {
        compiled = try? GoRegex.anchored(pattern)
    }

    /// The match of the whole of `text`, with its groups for `$1`-style templates.
    func match(_ text: String) -> GoRegex.Match? {
        compiled?.firstMatch(in: text)
    }

    func matches(_ text: String) -> Bool {
        compiled?.matches(text) ?? false
    }
}
