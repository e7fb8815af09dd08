import Foundation

/// What one system's evaluations of the rule file came to, in the same terms for Osprey and
/// Prometheus so that they print side by side.
struct RuleEvaluationFigures {
    /// A rule by its group's name and its position in the group (alert names may repeat).
    struct RuleKey: Hashable, Comparable {
        let group: String
        let index: Int
        static func < (lhs: RuleKey, rhs: RuleKey) -> Bool { (lhs.group, lhs.index) < (rhs.group, rhs.index) }
    }

    struct AlertCounts: Equatable {
        var pending = 0
        var firing = 0
    }

    /// For each evaluation of every group, the sum of the groups' evaluation times in seconds.
    var groupDurationSums: [Double] = []
    /// Rules whose last evaluation failed, with the error.
    var failedRules: [RuleKey: String] = [:]
    /// Pending and firing alerts of each rule after the last evaluation.
    var alerts: [RuleKey: AlertCounts] = [:]

    var medianGroupDurationSum: Double { Self.median(groupDurationSums) }

    var totalAlerts: AlertCounts {
        alerts.values.reduce(into: AlertCounts()) { total, counts in
            total.pending += counts.pending
            total.firing += counts.firing
        }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
