import Foundation

/// How a rule's last evaluation went, in Prometheus's API words.
public enum RuleHealth: String, Sendable, Hashable {
    case unknown, ok, err
}

/// A rule as `/api/v1/rules` shows it.
public struct RuleStatus: Sendable {
    public var definition: RuleDefinition
    public var health: RuleHealth = .unknown
    public var lastError: String?
    public var lastEvaluation: Date?
    public var evaluationDuration: Duration = .zero
    /// For an alerting rule, the most severe state of its alerts.
    public var state: AlertState?
    /// For an alerting rule, its pending and firing alerts.
    public var alerts: [RuleAlert] = []
}

/// How often a group has run, counted since the server started, as Prometheus's
/// `prometheus_rule_*_total` counters count.
public struct RuleGroupCounts: Sendable, Equatable {
    /// Evaluations of the whole group.
    public var iterations = 0
    /// Turns skipped because the evaluation before ran past them.
    public var missedIterations = 0
    /// Evaluations of single rules, and those that failed.
    public var ruleEvaluations = 0
    public var ruleFailures = 0

    public init() {}
}

/// A group as `/api/v1/rules` shows it.
public struct RuleGroupStatus: Sendable {
    public var name: String
    public var file: String
    public var interval: Duration
    public var limit: Int
    public var rules: [RuleStatus]
    public var lastEvaluation: Date?
    public var evaluationDuration: Duration
    public var counts: RuleGroupCounts
}
