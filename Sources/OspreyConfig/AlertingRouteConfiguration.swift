import OspreyModel

/// One node of Alertmanager's `route` tree as written; settings left out (nil) are inherited
/// from the parent route when the tree is built.
public struct AlertingRouteConfiguration: Codable, Equatable, Sendable {
    public var receiver: String?
    /// Label names alerts are grouped by; `["..."]` groups by every label; nil inherits.
    public var groupBy: [String]?
    public var groupWait: Duration?
    public var groupInterval: Duration?
    public var repeatInterval: Duration?
    /// `matchers`, Alertmanager's matcher strings read into matchers.
    public var matchers: [LabelMatcher]
    /// Legacy `match`: label equal to value.
    public var match: [String: String]
    /// Legacy `match_re`: label matching an anchored regular expression.
    public var matchRegex: [String: String]
    public var routes: [AlertingRouteConfiguration]
    /// Whether siblings after this route are still tried once it matched.
    public var `continue`: Bool

    /// The group_by entry that means "every label".
    public static let groupByAll = "..."

    public init(
        receiver: String? = nil, groupBy: [String]? = nil, groupWait: Duration? = nil, groupInterval: Duration? = nil,
        repeatInterval: Duration? = nil, matchers: [LabelMatcher] = [], match: [String: String] = [:],
        matchRegex: [String: String] = [:], routes: [AlertingRouteConfiguration] = [], continue: Bool = false
    ) {
        self.receiver = receiver
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.matchers = matchers
        self.match = match
        self.matchRegex = matchRegex
        self.routes = routes
        self.continue = `continue`
    }

    /// Whether any of `matchers`, `match` or `match_re` is set.
    public var hasMatchers: Bool { !matchers.isEmpty || !match.isEmpty || !matchRegex.isEmpty }

    /// Every receiver name used by this route and the routes below it.
    public var referencedReceivers: [String] {
        (receiver.map { [$0] } ?? []) + routes.flatMap(\.referencedReceivers)
    }

    enum CodingKeys: String, CodingKey {
        case receiver
        case groupBy = "group_by"
        case groupWait = "group_wait"
        case groupInterval = "group_interval"
        case repeatInterval = "repeat_interval"
        case matchers, match
        case matchRegex = "match_re"
        case routes
        case `continue`
        case activeTimeIntervals = "active_time_intervals"
        case muteTimeIntervals = "mute_time_intervals"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems: [String] = []
        for key in [CodingKeys.activeTimeIntervals, .muteTimeIntervals] where container.contains(key) {
            problems.append("\(key.stringValue) is not supported by Osprey")
        }
        receiver = try container.decodeIfPresent(String.self, forKey: .receiver)
        groupBy = try container.decodeIfPresent([String].self, forKey: .groupBy)
        groupWait = try container.decodeIfPresent(DurationValue.self, forKey: .groupWait)?.duration
        groupInterval = try container.decodeIfPresent(DurationValue.self, forKey: .groupInterval)?.duration
        repeatInterval = try container.decodeIfPresent(DurationValue.self, forKey: .repeatInterval)?.duration
        match = try container.decodeIfPresent([String: String].self, forKey: .match) ?? [:]
        matchRegex = try container.decodeIfPresent([String: String].self, forKey: .matchRegex) ?? [:]
        routes = try container.decodeIfPresent([AlertingRouteConfiguration].self, forKey: .routes) ?? []
        `continue` = try container.decodeIfPresent(Bool.self, forKey: .continue) ?? false

        matchers = []
        for text in try container.decodeIfPresent([String].self, forKey: .matchers) ?? [] {
            do {
                matchers += try AlertingMatcherParser.parse(text)
            } catch {
                problems.append("matchers: \(error.description)")
            }
        }
        for name in match.keys.sorted() where !MetricNames.isValidLabelName(name) {
            problems.append("match: \"\(name)\" is not a valid label name")
        }
        for (name, pattern) in matchRegex.sorted(by: { $0.key < $1.key }) {
            if !MetricNames.isValidLabelName(name) { problems.append("match_re: \"\(name)\" is not a valid label name") }
            do {
                _ = try LabelMatcher(.regex, name, pattern)
            } catch {
                problems.append("match_re: \(error.description)")
            }
        }
        problems += groupByProblems
        if let groupInterval, groupInterval <= .zero { problems.append("group_interval cannot be zero") }
        if let repeatInterval, repeatInterval <= .zero { problems.append("repeat_interval cannot be zero") }
        if let groupWait, groupWait < .zero { problems.append("group_wait must not be negative") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    private var groupByProblems: [String] {
        guard let groupBy else { return [] }
        var problems: [String] = []
        var seen: Set<String> = []
        for name in groupBy {
            if name == Self.groupByAll {
                if groupBy.count > 1 { problems.append("group_by: \"...\" must be the only entry, it already groups by every label") }
            } else if !MetricNames.isValidLabelName(name) {
                problems.append("group_by: \"\(name)\" is not a valid label name")
            }
            if !seen.insert(name).inserted { problems.append("group_by: \"\(name)\" is listed twice") }
        }
        return problems
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(receiver, forKey: .receiver)
        try container.encodeIfPresent(groupBy, forKey: .groupBy)
        try container.encodeIfPresent(groupWait?.prometheusString, forKey: .groupWait)
        try container.encodeIfPresent(groupInterval?.prometheusString, forKey: .groupInterval)
        try container.encodeIfPresent(repeatInterval?.prometheusString, forKey: .repeatInterval)
        if !matchers.isEmpty { try container.encode(matchers.map(\.description), forKey: .matchers) }
        if !match.isEmpty { try container.encode(match, forKey: .match) }
        if !matchRegex.isEmpty { try container.encode(matchRegex, forKey: .matchRegex) }
        if !routes.isEmpty { try container.encode(routes, forKey: .routes) }
        if `continue` { try container.encode(true, forKey: .continue) }
    }
}
