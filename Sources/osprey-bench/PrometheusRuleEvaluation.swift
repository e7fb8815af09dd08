import Foundation
import OspreyFormats
import OspreyModel

/// Runs Prometheus on the yardstick with the rule file and reads back what its rule manager says
/// of itself: each group's last duration from its own metrics after every evaluation, and the
/// rules' health and alerts from its rules API.
enum PrometheusRuleEvaluation {
    struct Run {
        var figures = RuleEvaluationFigures()
        /// When each group (by name) made the evaluation whose alerts `figures` holds, in ms.
        var lastEvaluations: [String: Timestamp] = [:]
        /// `prometheus_rule_evaluation_failures_total` over all groups.
        var failuresTotal = 0.0
    }

    /// Backfills `openMetrics` (data ending about now), starts Prometheus with `ruleFile` every
    /// `interval` seconds and waits until each of its `groups` groups has evaluated `rounds` times.
    static func run(
        prometheus: String, promtool: String, curl: String, openMetrics: String, ruleFile: String, groups: Int, interval: Int,
        rounds: Int, folder: String
    ) throws -> Run {
        let data = folder + "/prometheus-data"
        let backfill = try Peers.run(promtool, ["tsdb", "create-blocks-from", "openmetrics", openMetrics, data])
        guard backfill.status == 0 else { throw BenchError("promtool backfill of \(openMetrics) failed: \(backfill.output)") }
        let config = folder + "/prometheus.yml"
        try "global:\n  evaluation_interval: \(interval)s\nrule_files:\n  - \(ruleFile)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (process, base) = try Peers.launchPrometheus(prometheus, config: config, data: data)
        defer {
            process.interrupt()
            process.waitUntilExit()
        }

        var run = Run()
        // Group key → iteration number → that iteration's duration. Each iteration is seen by
        // several polls; the last one wins, as a poll during an evaluation still sees the one before.
        var durations: [String: [Double: Double]] = [:]
        var firstSeen: [String: Double] = [:]
        var latestSeen: [String: Double] = [:]
        let deadline = ContinuousClock.now + .seconds(interval * (rounds + 4) + 120)
        while true {
            let metrics = try ruleGroupMetrics(base: base, curl: curl)
            for (group, iteration) in metrics.iterations where iteration > 0 {
                durations[group, default: [:]][iteration] = metrics.lastDurations[group]
                firstSeen[group] = min(firstSeen[group] ?? iteration, iteration)
                latestSeen[group] = iteration
            }
            run.failuresTotal = metrics.failures.values.reduce(0, +)
            // An iteration is over once the next one has started.
            let allDone =
                latestSeen.count == groups
                && latestSeen.allSatisfy { group, latest in
                    latest - (firstSeen[group] ?? latest) >= Double(rounds)
                }
            if allDone { break }
            guard ContinuousClock.now < deadline else {
                throw BenchError("Prometheus did not evaluate every group \(rounds) times in time (iterations seen: \(latestSeen))")
            }
            usleep(1_000_000)
        }
        // Round j is every group's j-th completed evaluation; one missed for being late has no
        // duration, so counting them is safer than numbering from the first.
        let completed = durations.map { group, byIteration in
            byIteration.filter { $0.key < latestSeen[group] ?? 0 }.sorted { $0.key < $1.key }.map(\.value)
        }
        let comparableRounds = min(rounds, completed.map(\.count).min() ?? 0)
        for round in 0..<comparableRounds {
            run.figures.groupDurationSums.append(completed.reduce(0) { $0 + $1[round] })
        }
        try readRules(base: base, curl: curl, into: &run)
        return run
    }

    /// Per rule group key, from Prometheus's /metrics.
    private struct RuleGroupMetrics {
        var iterations: [String: Double] = [:]
        var lastDurations: [String: Double] = [:]
        var failures: [String: Double] = [:]
    }

    private static func ruleGroupMetrics(base: String, curl: String) throws -> RuleGroupMetrics {
        let answer = try Peers.run(curl, ["-s", "-f", base + "/metrics"])
        guard answer.status == 0 else { throw BenchError("Prometheus's /metrics did not answer (curl status \(answer.status))") }
        var parser = ExpositionParser(text: answer.output, format: .text)
        var metrics = RuleGroupMetrics()
        do {
            while let entry = try parser.next() {
                guard case .sample(let sample) = entry, sample.name.hasPrefix("prometheus_rule_") else { continue }
                guard let group = sample.labels["rule_group"] else { continue }
                switch sample.name {
                case "prometheus_rule_group_iterations_total": metrics.iterations[group] = sample.value
                case "prometheus_rule_group_last_duration_seconds": metrics.lastDurations[group] = sample.value
                case "prometheus_rule_evaluation_failures_total": metrics.failures[group] = sample.value
                default: break
                }
            }
        } catch {
            throw BenchError("cannot read Prometheus's /metrics: \(error)")
        }
        return metrics
    }

    /// The parts of `/api/v1/rules` the comparison needs.
    private struct RulesAnswer: Decodable {
        struct Group: Decodable {
            let name: String
            let lastEvaluation: String
            let rules: [Rule]
        }
        struct Rule: Decodable {
            let health: String
            let lastError: String?
            let alerts: [Alert]?
        }
        struct Alert: Decodable {
            let state: String
        }
        struct Groups: Decodable { let groups: [Group] }
        let data: Groups
    }

    private static func readRules(base: String, curl: String, into run: inout Run) throws {
        let answer = try Peers.run(curl, ["-s", "-f", base + "/api/v1/rules?type=alert"])
        guard answer.status == 0 else { throw BenchError("Prometheus's /api/v1/rules did not answer (curl status \(answer.status))") }
        let rules: RulesAnswer
        do {
            rules = try JSONDecoder().decode(RulesAnswer.self, from: Data(answer.output.utf8))
        } catch {
            throw BenchError("cannot read Prometheus's /api/v1/rules: \(error)")
        }
        for group in rules.data.groups {
            run.lastEvaluations[group.name] = try milliseconds(ofRFC3339: group.lastEvaluation)
            for (index, rule) in group.rules.enumerated() {
                let key = RuleEvaluationFigures.RuleKey(group: group.name, index: index)
                if rule.health == "err" { run.figures.failedRules[key] = rule.lastError ?? "" }
                var counts = RuleEvaluationFigures.AlertCounts()
                for alert in rule.alerts ?? [] {
                    if alert.state == "firing" { counts.firing += 1 } else if alert.state == "pending" { counts.pending += 1 }
                }
                run.figures.alerts[key] = counts
            }
        }
    }

    /// `2026-11-29T20:42:26.763463515Z` → ms since the epoch; Foundation's parser stops at
    /// milliseconds on some platforms, so the fraction is read here.
    static func milliseconds(ofRFC3339 text: String) throws -> Timestamp {
        let parts = text.dropLast(text.hasSuffix("Z") ? 1 : 0).split(separator: ".", maxSplits: 1)
        guard let whole = parts.first, let date = ISO8601DateFormatter().date(from: whole + "Z") else {
            throw BenchError("cannot read the time \(text)")
        }
        let fraction = parts.count > 1 ? String((parts[1] + "000").prefix(3)) : "000"
        guard let millis = Int64(fraction) else { throw BenchError("cannot read the time \(text)") }
        return Int64(date.timeIntervalSince1970) * 1000 + millis
    }
}
