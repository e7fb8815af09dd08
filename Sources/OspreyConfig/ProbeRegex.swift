import OspreyModel

/// Regular expressions of probe modules. Blackbox exporter searches bodies and headers with
/// Go's unanchored `MatchString`, unlike Prometheus's whole-value matchers, so the pattern is
/// wrapped to match anywhere. `[\s\S]` stands for any character, newlines included, without
/// switching on `(?s)`, which would change what the user's own `.` means.
public enum ProbeRegex {
    public static func unanchored(_ pattern: String) throws(GoRegex.SyntaxError) -> Regex<AnyRegexOutput> {
        try GoRegex.anchored("[\\s\\S]*?(?:" + pattern + ")[\\s\\S]*")
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
