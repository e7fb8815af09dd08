import NIOHTTP1
import OspreyConfig

/// The regular-expression rules of an http module over the final answer's headers and body.
enum HTTPProbeRules {
    /// The first rule the answer breaks, described for the user; nil when it keeps them all.
    static func firstBroken(_ config: HTTPProbeConfiguration, headers: HTTPHeaders, body: [UInt8]) -> String? {
        if let broken = headerRule(config.failIfHeaderMatches, headers: headers, failWhenMatched: true) { return broken }
        if let broken = headerRule(config.failIfHeaderNotMatches, headers: headers, failWhenMatched: false) { return broken }
        guard !config.failIfBodyMatchesRegexp.isEmpty || !config.failIfBodyNotMatchesRegexp.isEmpty else { return nil }
        let text = String(decoding: body, as: UTF8.self)
        for pattern in config.failIfBodyMatchesRegexp where matches(pattern, text) {
            return "body matched regular expression \"\(pattern)\""
        }
        for pattern in config.failIfBodyNotMatchesRegexp where !matches(pattern, text) {
            return "body did not match regular expression \"\(pattern)\""
        }
        return nil
    }

    private static func headerRule(_ rules: [ProbeHeaderMatch], headers: HTTPHeaders, failWhenMatched: Bool) -> String? {
        for rule in rules {
            let values = headers[rule.header]
            if values.isEmpty {
                if rule.allowMissing { continue }
                return "header \(rule.header) is missing"
            }
            let matched = values.contains { matches(rule.regexp, $0) }
            if matched == failWhenMatched {
                return failWhenMatched
                    ? "header \(rule.header) matched regular expression \"\(rule.regexp)\""
                    : "header \(rule.header) did not match regular expression \"\(rule.regexp)\""
            }
        }
        return nil
    }

    /// Patterns were checked when the config was read; one that still fails to compile never matches.
    private static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? ProbeRegex.unanchored(pattern) else { return false }
        return regex.matches(text)
    }
}
