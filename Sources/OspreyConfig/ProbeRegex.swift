import OspreyModel

/// Regular expressions of probe modules. Blackbox exporter searches bodies and headers with
/// Go's unanchored `MatchString`, unlike Prometheus's whole-value matchers, so the pattern is
/// compiled as written and matches anywhere unless it anchors itself.
public enum ProbeRegex {
    public static func unanchored(_ pattern: String) throws(GoRegex.SyntaxError) -> GoRegex {
        try GoRegex(pattern)
    }

    /// The first pattern that does not compile, with why, for a config error.
    static func firstInvalid(_ patterns: [String]) -> String? {
        for pattern in patterns {
            do {
                _ = try unanchored(pattern)
            } catch {
                return "invalid regular expression \"\(pattern)\": \(error.description)"
            }
        }
        return nil
    }
}
