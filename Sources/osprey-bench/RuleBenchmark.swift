import ArgumentParser
import Foundation
import OspreyModel
import OspreyRules

/// Evaluates 1,000 alerting rules over the yardstick in Osprey and in Prometheus side by side and
/// prints the time one evaluation of all of them takes in each, as a ratio.
///
/// Prometheus evaluates at the wall clock, so the benchmark generates the yardstick anew to end
/// now, backfills it into Prometheus and reads Prometheus's own timings while it evaluates; then
/// Osprey evaluates the same rule file over the same data at the times Prometheus did.
struct RuleBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Evaluation time of 1,000 alerting rules over the yardstick, Osprey beside Prometheus.",
        discussion: """
            Needs python3 and the yardstick generator (gen.py), which the benchmark runs for data \
            ending now; Prometheus and promtool from Debian's prometheus package, and curl.
            Example: osprey-bench rules --gen /work/shared/bench/gen.py --hosts 10 --hours 1
            """
    )

    @Option(help: "The yardstick generator, gen.py.")
    var gen: String

    @Option(help: "Hosts in the generated yardstick.")
    var hosts = 10

    @Option(help: "Hours of generated yardstick, ending now.")
    var hours = 1.0

    @Option(help: "Rule groups.")
    var groups = 10

    @Option(help: "Alerting rules in each group.")
    var rulesPerGroup = 100

    @Option(help: "Evaluations of every group on each system; the median counts.")
    var rounds = 10

    @Option(help: "Seconds between evaluations (Prometheus's evaluation_interval).")
    var interval = 5

    @Flag(help: "Run Osprey alone, at the data's end (for profiling).")
    var noPeers = false

    @Flag(help: "Keep the working folder (rule file, yardstick, Prometheus's data) and print its path.")
    var keep = false

    func run() async throws {
        guard let curl = Peers.installed("curl") else { throw BenchError("curl is needed: apt-get install curl") }
        // Not LocalOsprey's folder name: it clears that one when it starts.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-rule-files-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer {
            if keep { print("working folder kept: \(folder)") } else { try? FileManager.default.removeItem(atPath: folder) }
        }

        let rulePath = folder + "/yardstick-alerts.yml"
        let ruleText = YardstickAlertRules.ruleFile(groups: groups, rulesPerGroup: rulesPerGroup)
        try ruleText.write(toFile: rulePath, atomically: true, encoding: .utf8)
        let ruleFile: RuleFile
        do {
            ruleFile = try RuleFile.parse(ruleText, file: rulePath)
        } catch {
            throw BenchError("Osprey refuses the generated rule file \(rulePath): \(error)")
        }
        print(
            "\(ruleFile.ruleCount) alerting rules in \(ruleFile.groups.count) groups (\(YardstickAlertRules.families.count) kinds of alert), one rule file for both systems"
        )

        let data = try YardstickGenerator.generateEndingNow(gen: gen, hosts: hosts, hours: hours, into: folder)
        print("data: gen.py --hosts \(hosts) --hours \(hours), ending now: \(data.summary)")

        var lastEvaluations: [String: Timestamp] = [:]
        var prometheusRun: PrometheusRuleEvaluation.Run?
        if noPeers {
            print("side-by-side run skipped (--no-peers)")
        } else if let prometheus = Peers.installed("prometheus"), let promtool = Peers.installed("promtool") {
            let version = (try? Peers.run(prometheus, ["--version"]).output.split(separator: "\n").first.map(String.init)) ?? nil
            print("\(version ?? "prometheus"): evaluation_interval \(interval)s, waiting for \(rounds) evaluations of every group")
            let run = try PrometheusRuleEvaluation.run(
                prometheus: prometheus, promtool: promtool, curl: curl, openMetrics: data.openMetrics, ruleFile: rulePath,
                groups: ruleFile.groups.count, interval: interval, rounds: rounds, folder: folder)
            for (round, sum) in run.figures.groupDurationSums.enumerated() {
                print(String(format: "  Prometheus evaluation %2d: sum of group durations %8.1f ms", round + 1, sum * 1000))
            }
            lastEvaluations = run.lastEvaluations
            prometheusRun = run
        } else {
            print("Prometheus left out: apt-get install prometheus")
        }
        if lastEvaluations.isEmpty {
            // Where Prometheus would have evaluated: a little after the data's end.
            let (_, last) = try QueryBenchmark.timeRange(of: data.text)
            for group in ruleFile.groups { lastEvaluations[group.name] = last + 30_000 }
        }

        let osprey = try await LocalOsprey.start("rules")
        let importStart = ContinuousClock.now
        let imported = try Peers.run(
            curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + data.text, osprey.base + "/api/v1/import/prometheus"])
        guard imported.output == "204" else { throw BenchError("Osprey answered \(imported.output) to the import of \(data.text)") }
        guard let storage = osprey.started.storage() else { throw BenchError("Osprey's storage is not open") }
        let series = storage.statistics().series
        guard series > 0 else { throw BenchError("Osprey holds no series after importing \(data.text)") }
        print(
            String(
                format: "Osprey: yardstick imported in %.1f s (%d series); %d rounds at Prometheus's evaluation times",
                (ContinuousClock.now - importStart).seconds, series, rounds))
        let ospreyRun = try await OspreyRuleEvaluation.run(
            ruleFile: ruleFile, storage: storage, rounds: rounds, interval: .seconds(interval), lastEvaluations: lastEvaluations)
        for round in 0..<rounds {
            print(
                String(
                    format:
                        "  Osprey round %2d: groups one at a time: sum of group durations %7.1f ms (CPU %5.0f ms); all groups at once: wall %7.1f ms (CPU %5.0f ms), sum of group durations %8.1f ms",
                    round + 1, ospreyRun.oneAtATime.groupDurationSums[round] * 1000, ospreyRun.oneAtATimeCPUSeconds[round] * 1000,
                    ospreyRun.allAtOnceWallTimes[round] * 1000, ospreyRun.allAtOnceCPUSeconds[round] * 1000,
                    ospreyRun.allAtOnce.groupDurationSums[round] * 1000))
        }
        try await osprey.stop()

        printSummary(ruleFile: ruleFile, osprey: ospreyRun, prometheus: prometheusRun)
    }

    private func printSummary(ruleFile: RuleFile, osprey: OspreyRuleEvaluation.Run, prometheus: PrometheusRuleEvaluation.Run?) {
        let oneAtATime = osprey.oneAtATime.medianGroupDurationSum
        let wall = RuleEvaluationFigures.median(osprey.allAtOnceWallTimes)
        let concurrentSum = osprey.allAtOnce.medianGroupDurationSum
        print("")
        print(
            "\(ruleFile.ruleCount) alert rules, \(ruleFile.groups.count) groups, yardstick of \(hosts) hosts x \(hours) h, median of \(rounds) evaluations each:"
        )
        let oneAtATimeCPU = RuleEvaluationFigures.median(osprey.oneAtATimeCPUSeconds)
        let allAtOnceCPU = RuleEvaluationFigures.median(osprey.allAtOnceCPUSeconds)
        print(
            String(
                format: "  Osprey: %.1f ms per evaluation of all rules (sum of group durations, groups one at a time; CPU %.0f ms)",
                oneAtATime * 1000, oneAtATimeCPU * 1000))
        print(
            String(
                format: "  Osprey, all groups at once (evaluateAll, %d cores): wall %.1f ms (CPU %.0f ms), sum of group durations %.1f ms",
                ProcessInfo.processInfo.activeProcessorCount, wall * 1000, allAtOnceCPU * 1000, concurrentSum * 1000))
        report(osprey.oneAtATime, system: "Osprey")
        guard let prometheus else { return }
        let prometheusSum = prometheus.figures.medianGroupDurationSum
        print(
            String(
                format:
                    "  Prometheus: %.1f ms per evaluation of all rules (sum of its groups' last durations, median over evaluations; its groups run spread over the interval)",
                prometheusSum * 1000))
        report(prometheus.figures, system: "Prometheus", failuresTotal: prometheus.failuresTotal)
        print(String(format: "ratio Osprey/Prometheus (sum of group durations) = %.2f", oneAtATime / prometheusSum))
        print(String(format: "ratio Osprey wall time of all groups at once / Prometheus sum of group durations = %.2f", wall / prometheusSum))
        compareAlerts(ruleFile: ruleFile, osprey: osprey.oneAtATime, prometheus: prometheus.figures)
    }

    private func report(_ figures: RuleEvaluationFigures, system: String, failuresTotal: Double? = nil) {
        let alerts = figures.totalAlerts
        let firingRules = figures.alerts.values.count { $0.firing > 0 }
        let activeRules = figures.alerts.values.count { $0.firing + $0.pending > 0 }
        var line = "    \(system): \(figures.failedRules.count) rules failed"
        if let failuresTotal { line += String(format: " (prometheus_rule_evaluation_failures_total %.0f)", failuresTotal) }
        line += "; \(alerts.pending) alerts pending, \(alerts.firing) firing, from \(activeRules) rules (\(firingRules) with firing alerts)"
        print(line)
        for (key, error) in figures.failedRules.sorted(by: { $0.key < $1.key }).prefix(5) {
            print("      \(key.group) rule \(key.index + 1): \(error)")
        }
    }

    private func compareAlerts(ruleFile: RuleFile, osprey: RuleEvaluationFigures, prometheus: RuleEvaluationFigures) {
        let keys = Set(osprey.alerts.keys).union(prometheus.alerts.keys).sorted()
        let differing = keys.filter { osprey.alerts[$0] != prometheus.alerts[$0] }
        print("rules whose pending/firing alert counts differ between Osprey and Prometheus: \(differing.count)")
        let definitions = Dictionary(uniqueKeysWithValues: ruleFile.groups.map { ($0.name, $0.rules) })
        for key in differing.prefix(10) {
            let rule = definitions[key.group].flatMap { $0.indices.contains(key.index) ? $0[key.index] : nil }
            let ours = osprey.alerts[key] ?? .init()
            let theirs = prometheus.alerts[key] ?? .init()
            print(
                "  \(rule?.name ?? "?") (\(key.group)): Osprey \(ours.pending) pending \(ours.firing) firing, Prometheus \(theirs.pending) pending \(theirs.firing) firing: \(rule?.exprText ?? "")"
            )
        }
    }
}
