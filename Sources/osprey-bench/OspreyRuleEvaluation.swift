import Foundation
import Logging
import OspreyModel
import OspreyQuery
import OspreyRules
import OspreyStorage

/// Evaluates the rule file in Osprey's rule manager over the imported yardstick, round after
/// round, two ways: each group on its own, one after another (as Prometheus's groups run, spread
/// over the interval), and all groups at once (as `RuleManager.evaluateAll` runs them).
enum OspreyRuleEvaluation {
    struct Run {
        /// Groups one at a time: the figures compared with Prometheus's.
        var oneAtATime = RuleEvaluationFigures()
        /// All groups at once: the wall time of each round, in seconds.
        var allAtOnceWallTimes: [Double] = []
        /// All groups at once: each round's sum of group durations (they share the cores).
        var allAtOnce = RuleEvaluationFigures()
        /// The CPU seconds (user plus system, the whole process) of each round, both ways, to tell
        /// contention between groups from other programs taking the cores.
        var oneAtATimeCPUSeconds: [Double] = []
        var allAtOnceCPUSeconds: [Double] = []
    }

    /// A group's evaluations end at `lastEvaluations[name]` (ms), `interval` apart, so that they
    /// fall where Prometheus's fell on the same data.
    static func run(
        ruleFile: RuleFile, storage: any Storage, rounds: Int, interval: Duration, lastEvaluations: [String: Timestamp]
    ) async throws -> Run {
        var logger = Logger(label: "osprey-bench")
        logger.logLevel = .warning
        let context = RuleEvaluationContext(queryable: storage, appendable: storage)
        // The managers are driven by evaluateAll alone: groups tick on the wall clock at their
        // interval, and one this long never comes round while the benchmark runs.
        let neverOnItsOwn = Duration.seconds(1000 * 365 * 86400)
        let allGroups = RuleManager(context: context, logger: logger, notify: { _ in })
        await allGroups.apply([ruleFile], defaultInterval: neverOnItsOwn)
        var eachGroup: [(name: String, manager: RuleManager)] = []
        for group in ruleFile.groups {
            let manager = RuleManager(context: context, logger: logger, notify: { _ in })
            await manager.apply([RuleFile(path: ruleFile.path, groups: [group])], defaultInterval: neverOnItsOwn)
            eachGroup.append((group.name, manager))
        }

        var run = Run()
        var oneAtATimeStatuses: [RuleGroupStatus] = []
        var allAtOnceStatuses: [RuleGroupStatus] = []
        for round in 0..<rounds {
            let back = Int64(rounds - 1 - round) * interval.milliseconds
            var latest = Timestamp.min
            var sum = 0.0
            oneAtATimeStatuses = []
            let cpuBefore = try ScrapeBenchmark.cpuSeconds(of: getpid())
            for (name, manager) in eachGroup {
                guard let last = lastEvaluations[name] else { throw BenchError("no evaluation time for group \(name)") }
                latest = max(latest, last - back)
                let statuses = await manager.evaluateAll(at: last - back)
                sum += statuses.reduce(0) { $0 + $1.evaluationDuration.seconds }
                oneAtATimeStatuses += statuses
            }
            run.oneAtATime.groupDurationSums.append(sum)
            let cpuBetween = try ScrapeBenchmark.cpuSeconds(of: getpid())
            run.oneAtATimeCPUSeconds.append(cpuBetween - cpuBefore)

            // Just after every group's own time, so that the series both ways write stay in order.
            let started = ContinuousClock.now
            allAtOnceStatuses = await allGroups.evaluateAll(at: latest + 1)
            run.allAtOnceWallTimes.append((ContinuousClock.now - started).seconds)
            run.allAtOnceCPUSeconds.append(try ScrapeBenchmark.cpuSeconds(of: getpid()) - cpuBetween)
            run.allAtOnce.groupDurationSums.append(allAtOnceStatuses.reduce(0) { $0 + $1.evaluationDuration.seconds })
        }
        record(oneAtATimeStatuses, in: &run.oneAtATime)
        record(allAtOnceStatuses, in: &run.allAtOnce)
        await allGroups.shutdown()
        for (_, manager) in eachGroup { await manager.shutdown() }
        return run
    }

    private static func record(_ statuses: [RuleGroupStatus], in figures: inout RuleEvaluationFigures) {
        for group in statuses {
            for (index, rule) in group.rules.enumerated() {
                let key = RuleEvaluationFigures.RuleKey(group: group.name, index: index)
                if rule.health == .err { figures.failedRules[key] = rule.lastError ?? "" }
                var counts = RuleEvaluationFigures.AlertCounts()
                for alert in rule.alerts {
                    if alert.state == .firing { counts.firing += 1 } else if alert.state == .pending { counts.pending += 1 }
                }
                figures.alerts[key] = counts
            }
        }
    }
}
