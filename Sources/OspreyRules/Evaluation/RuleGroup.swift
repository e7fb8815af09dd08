import Foundation
import OspreyModel
import OspreyNotification
import OspreyQuery
import OspreyStorage

/// A rule group as it runs: its rules in order, each with its alerts, health and the series it
/// wrote last time (to mark them stale when they go).
struct RuleGroup: Sendable {
    enum Rule: Sendable {
        case recording(RecordingRule)
        case alerting(AlertingRule)
    }

    let file: String
    let definition: RuleGroupDefinition
    let interval: Duration
    private(set) var rules: [Rule]
    private(set) var statuses: [RuleStatus]
    private var written: [StalenessTracker]
    private(set) var lastEvaluation: Date?
    private(set) var evaluationDuration: Duration = .zero
    private(set) var counts = RuleGroupCounts()

    init(file: String, definition: RuleGroupDefinition, defaultInterval: Duration) {
        self.file = file
        self.definition = definition
        interval = definition.interval ?? defaultInterval
        rules = definition.rules.map { rule in
            switch rule.kind {
            case .recording: .recording(RecordingRule(rule, groupLabels: definition.labels))
            case .alerting: .alerting(AlertingRule(rule, groupLabels: definition.labels))
            }
        }
        statuses = definition.rules.map { RuleStatus(definition: $0) }
        written = Array(repeating: StalenessTracker(), count: definition.rules.count)
    }

    /// Identifies the group across reloads, as Prometheus's group key does.
    var key: String { "\(file);\(definition.name)" }

    /// Evaluates every rule at `time`, in order, each seeing what the ones before it wrote; with
    /// `restoring`, alerting rules first take back their `for` state from before a restart.
    /// Returns the alerts to notify.
    mutating func evaluate(at time: Timestamp, context: RuleEvaluationContext, restoring: Bool) -> [Alert] {
        let clock = ContinuousClock()
        let groupStart = clock.now
        var alerts: [Alert] = []
        for index in rules.indices {
            let ruleStart = clock.now
            do throws(RuleEvaluationError) {
                let samples: [VectorElement]
                switch rules[index] {
                case .recording(let rule):
                    samples = try rule.evaluate(at: time, context: context, limit: definition.limit)
                case .alerting(var rule):
                    defer { rules[index] = .alerting(rule) }
                    samples = try rule.evaluate(at: time, context: context, limit: definition.limit)
                    if restoring { rule.restoreForState(at: time, context: context) }
                    alerts += rule.alertsToSend(at: time, interval: interval.milliseconds, context: context)
                }
                try write(samples, rule: index, at: time, to: context.appendable)
                statuses[index].health = .ok
                statuses[index].lastError = nil
            } catch {
                statuses[index].health = .err
                statuses[index].lastError = error.description
                counts.ruleFailures += 1
            }
            counts.ruleEvaluations += 1
            if case .alerting(let rule) = rules[index] {
                statuses[index].state = rule.state
                statuses[index].alerts = rule.active.values.filter { $0.state != .inactive }
                    .sorted { Labels.prometheusOrder($0.labels, $1.labels) }
            }
            statuses[index].lastEvaluation = Date(milliseconds: time)
            statuses[index].evaluationDuration = clock.now - ruleStart
        }
        lastEvaluation = Date(milliseconds: time)
        evaluationDuration = clock.now - groupStart
        counts.iterations += 1
        return alerts
    }

    mutating func noteMissedIterations(_ missed: Int) {
        counts.missedIterations += missed
    }

    /// Takes over the counts of `old`, the group as it was before a reload, and the alerts of
    /// its rules that are the same (same name, expression and labels).
    mutating func inherit(from old: RuleGroup) {
        counts = old.counts
        var oldAlerts: [RuleDefinition: [Labels: RuleAlert]] = [:]
        for rule in old.rules {
            if case .alerting(let rule) = rule { oldAlerts[rule.definition] = rule.active }
        }
        for index in rules.indices {
            if case .alerting(var rule) = rules[index], let alerts = oldAlerts[rule.definition] {
                rule.inherit(alerts)
                rules[index] = .alerting(rule)
            }
        }
    }

    var status: RuleGroupStatus {
        RuleGroupStatus(
            name: definition.name, file: file, interval: interval, limit: definition.limit, rules: statuses,
            lastEvaluation: lastEvaluation, evaluationDuration: evaluationDuration, counts: counts)
    }

    /// Writes a rule's samples in one commit, with staleness markers for the series it wrote last
    /// time and not this time.
    private mutating func write(
        _ samples: [VectorElement], rule index: Int, at time: Timestamp, to appendable: any Appendable
    ) throws(RuleEvaluationError) {
        do {
            try written[index].write(samples.map { ($0.labels, $0.value) }, at: time, to: appendable)
        } catch {
            throw .storage("\(error)")
        }
    }
}
