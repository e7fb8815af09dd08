import OspreyModel

/// A relabelling step's `regex`, compiled once with RE2's rules and anchored at both ends, as
/// Prometheus compiles `^(?:regex)$`.
struct RelabelRegex: @unchecked Sendable {
    // `Regex` is not `Sendable`, but it is an immutable value once built: every match keeps its
    // own state, so one compiled pattern may be matched from many threads at once.
    private let compiled: Regex<AnyRegexOutput>?

    /// A pattern that does not compile never matches. Decoding refuses such a config, so this
    /// only happens to configs built in code, which should not crash a scrape.
    init(_ pattern: String) {
        compiled = try? GoRegex.anchored(pattern)
    }

    /// The match of the whole of `text`, with its groups for `$1`-style templates.
    func match(_ text: String) -> Regex<AnyRegexOutput>.Match? {
        guard let compiled else { return nil }
        return try? compiled.wholeMatch(in: text)
    }

    func matches(_ text: String) -> Bool {
        match(text) != nil
    }
}
