import OspreyModel

/// `allowed_targets` of a probe module: regular expressions naming what an ad-hoc
/// `/probe?module=M&target=T` may reach with the module. Each is matched against the whole
/// target as written (anchored at both ends, as Prometheus anchors its label regexes) with the
/// label matchers' regex engine, so the syntax is Go's. Empty allows any target, except for a
/// module that sends credentials (see `ProbeModuleConfiguration.adHocRefusal`). Probe jobs are
/// not bound by it: the operator wrote their targets.
public struct ProbeAllowedTargets: Codable, Equatable, Sendable {
    public let patterns: [String]
    private let matchers: [LabelMatcher]

    /// None: any target, for a module without credentials.
    public init() {
        patterns = []
        matchers = []
    }

    public init(_ patterns: [String]) throws(LabelMatcher.InvalidRegex) {
        var matchers: [LabelMatcher] = []
        for pattern in patterns {
            matchers.append(try LabelMatcher(.regex, "target", pattern))
        }
        self.patterns = patterns
        self.matchers = matchers
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// Whether one of the patterns matches the whole of `target`.
    public func allows(_ target: String) -> Bool {
        matchers.contains { $0.matches(target) }
    }

    public static func == (lhs: ProbeAllowedTargets, rhs: ProbeAllowedTargets) -> Bool {
        lhs.patterns == rhs.patterns
    }

    public init(from decoder: any Decoder) throws {
        let patterns = try decoder.singleValueContainer().decode([String].self)
        do {
            try self.init(patterns)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(patterns)
    }
}
