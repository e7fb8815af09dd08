import OspreyConfig
import OspreyModel

/// One `groups:` entry of a rule file: rules evaluated in order, on one interval.
public struct RuleGroupDefinition: Sendable, Hashable, Decodable {
    public var name: String
    /// The group's own interval; nil takes `global.evaluation_interval`.
    public var interval: Duration?
    /// How far back from each evaluation time the rules look (Prometheus's `query_offset`).
    public var queryOffset: Duration
    /// At most this many series per recording rule and alerts per alerting rule; 0 is no limit.
    public var limit: Int
    /// Labels added to every series and alert of the group's rules (a rule's own labels win).
    public var labels: Labels
    public var rules: [RuleDefinition]

    public init(
        name: String, interval: Duration? = nil, queryOffset: Duration = .zero, limit: Int = 0, labels: Labels = Labels(),
        rules: [RuleDefinition]
    ) {
        self.name = name
        self.interval = interval
        self.queryOffset = queryOffset
        self.limit = limit
        self.labels = labels
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey {
        case name, interval, limit, labels, rules
        case queryOffset = "query_offset"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        interval = try container.decodeIfPresent(DurationValue.self, forKey: .interval)?.duration
        queryOffset = try container.decodeIfPresent(DurationValue.self, forKey: .queryOffset)?.duration ?? .zero
        limit = try container.decodeIfPresent(Int.self, forKey: .limit) ?? 0
        let labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        self.labels = Labels(labels)
        rules = try container.decodeIfPresent([RuleDefinition].self, forKey: .rules) ?? []

        var problems: [String] = []
        if name.isEmpty { problems.append("groupname must not be empty") }
        if let interval, interval <= .zero { problems.append("interval must be greater than 0s") }
        if limit < 0 { problems.append("limit must not be negative") }
        for label in labels.keys.sorted() where !MetricNames.isValidLabelName(label) {
            problems.append("invalid label name: \(label)")
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }
}
