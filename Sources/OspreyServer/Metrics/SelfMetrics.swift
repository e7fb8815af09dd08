import Foundation
import OspreyModel
import OspreyNotification
import OspreyRules
import OspreyStorage
import Prometheus
import Synchronization

/// Osprey's own metrics, served on `/metrics`. Each server owns its registry, so servers in one
/// process (tests) never share counters.
public final class SelfMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let reloadSuccessful: Gauge
    private let reloadTimestamp: Gauge
    private let storageBytes: Gauge
    private let ingestInFlight: Gauge
    private let ingestInFlightBytes: Gauge
    private let queryInFlight: Gauge
    private let storageSeries: Gauge
    private let headSamples: Gauge
    private let walBytes: Gauge
    private let samplesAppended: Counter
    private let samplesReplaced: Counter
    private let chunksFlushed: Counter
    private let rejectedSeriesLimit: Counter
    private let rejectedOutOfRetention: Counter
    private let rejectedTooFarInFuture: Counter
    private let rejectedInvalid: Counter
    /// Counters as last reported, so each scrape adds only what is new.
    private let reported = Mutex(StorageCounters())
    private let shardGauges = Mutex<[String: Gauge]>([:])
    private let ruleGroupDurations = Mutex<[String: Gauge]>([:])
    private let ruleGroupLastEvaluations = Mutex<[String: Gauge]>([:])
    private let ruleGroupFailingRules = Mutex<[String: Gauge]>([:])
    /// Each group's counts as last reported, so each scrape adds only what is new.
    private let reportedRuleCounts = Mutex<[String: RuleGroupCounts]>([:])
    private let notificationsSent: Counter
    private let notificationAttemptsFailed: Counter
    private let notificationsQueued: Gauge
    private let reportedDeliveries = Mutex(DeliveryStatistics())

    static let requestDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100),
        .milliseconds(500), .seconds(1), .seconds(5), .seconds(10), .seconds(60),
    ]

    init() {
        registry.makeGauge(
            descriptor: Self.osprey("build", unit: "info", help: "Always 1; the labels say which Osprey this is."),
            labels: [("version", BuildInfo.version), ("revision", BuildInfo.revision), ("compiler", BuildInfo.compilerVersion)]
        ).set(to: 1.0)
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "process", metricName: "start_time", unitName: "seconds",
                helpText: "Start time of the process since the Unix epoch, in seconds.")
        )
        .set(to: Date().timeIntervalSince1970.rounded())
        reloadSuccessful = registry.makeGauge(
            descriptor: Self.osprey(
                "config_last_reload_successful", unit: "", help: "Whether the last config (re)load succeeded (1) or not (0)."))
        reloadTimestamp = registry.makeGauge(
            descriptor: Self.osprey(
                "config_last_reload_success_timestamp", unit: "seconds",
                help: "When the config was last (re)loaded successfully, in seconds since the Unix epoch."))
        storageBytes = registry.makeGauge(
            descriptor: Self.osprey("storage_data", unit: "bytes", help: "Bytes of every file in the data folder."))
        ingestInFlight = registry.makeGauge(
            descriptor: Self.osprey("ingest_requests_in_flight", unit: "", help: "Pushes being handled now (at most ingest.max_concurrent)."))
        ingestInFlightBytes = registry.makeGauge(
            descriptor: Self.osprey(
                "ingest_inflight", unit: "bytes",
                help: "Memory the pushes being handled hold beyond their first MiB each (at most ingest.max_inflight_bytes)."))
        queryInFlight = registry.makeGauge(
            descriptor: Self.osprey(
                "query_requests_in_flight", unit: "", help: "Query API requests being handled now (at most query.max_concurrent)."))
        storageSeries = registry.makeGauge(
            descriptor: Self.osprey("storage_series", unit: "", help: "Series in the storage's catalog."))
        headSamples = registry.makeGauge(
            descriptor: Self.osprey("storage_head_samples", unit: "", help: "Samples held in memory, not yet in a shard."))
        walBytes = registry.makeGauge(
            descriptor: Self.osprey("storage_wal", unit: "bytes", help: "Bytes of the write-ahead log on disk."))
        samplesAppended = registry.makeCounter(
            descriptor: Self.osprey("storage_samples_appended", unit: "total", help: "Samples committed to storage."))
        samplesReplaced = registry.makeCounter(
            descriptor: Self.osprey(
                "storage_samples_replaced", unit: "total", help: "Samples that replaced an earlier value of the same series and timestamp."))
        chunksFlushed = registry.makeCounter(
            descriptor: Self.osprey("storage_chunks_flushed", unit: "total", help: "Chunks written from memory to shard files."))
        let rejectedDescriptor = Self.osprey(
            "storage_samples_rejected", unit: "total", help: "Samples refused by storage, by reason.")
        rejectedSeriesLimit = registry.makeCounter(descriptor: rejectedDescriptor, labels: [("reason", "series_limit")])
        rejectedOutOfRetention = registry.makeCounter(descriptor: rejectedDescriptor, labels: [("reason", "out_of_retention")])
        rejectedTooFarInFuture = registry.makeCounter(descriptor: rejectedDescriptor, labels: [("reason", "too_far_in_future")])
        rejectedInvalid = registry.makeCounter(descriptor: rejectedDescriptor, labels: [("reason", "invalid_labels")])
        notificationsSent = registry.makeCounter(
            descriptor: Self.osprey("notifications_sent", unit: "total", help: "Notifications their receiver (or Alertmanager) accepted."))
        notificationAttemptsFailed = registry.makeCounter(
            descriptor: Self.osprey(
                "notification_attempts_failed", unit: "total",
                help: "Delivery attempts that failed (no connection, timeout, non-2xx); each is retried."))
        notificationsQueued = registry.makeGauge(
            descriptor: Self.osprey("notifications_queued", unit: "", help: "Notifications waiting in the outbox for delivery."))
    }

    func setInFlight(ingest: Int, ingestBytes: Int, query: Int) {
        ingestInFlight.set(to: Double(ingest))
        ingestInFlightBytes.set(to: Double(ingestBytes))
        queryInFlight.set(to: Double(query))
    }

    /// Brings the storage metrics up to date; called when `/metrics` is scraped.
    func observe(_ statistics: StorageStatistics, dataBytes: Int64) {
        storageBytes.set(to: Double(dataBytes))
        storageSeries.set(to: Double(statistics.series))
        headSamples.set(to: Double(statistics.headSamples))
        walBytes.set(to: Double(statistics.walBytes))
        let counters = statistics.counters
        let previous = reported.withLock { reported in
            defer { reported = counters }
            return reported
        }
        samplesAppended.increment(by: counters.samplesAppended - previous.samplesAppended)
        samplesReplaced.increment(by: counters.samplesReplaced - previous.samplesReplaced)
        chunksFlushed.increment(by: counters.chunksFlushed - previous.chunksFlushed)
        rejectedSeriesLimit.increment(by: counters.rejectedSeriesLimit - previous.rejectedSeriesLimit)
        rejectedOutOfRetention.increment(by: counters.rejectedOutOfRetention - previous.rejectedOutOfRetention)
        rejectedTooFarInFuture.increment(by: counters.rejectedTooFarInFuture - previous.rejectedTooFarInFuture)
        rejectedInvalid.increment(by: counters.rejectedInvalid - previous.rejectedInvalid)
        updateShardGauges(statistics.shardBytes)
    }

    /// One gauge per shard file, labelled with the start of its window; gauges of deleted shards go.
    private func updateShardGauges(_ sizes: [Int64: Int64]) {
        let values = Dictionary(
            uniqueKeysWithValues: sizes.map { start, size in
                (Date(timeIntervalSince1970: Double(start) / 1000).formatted(.iso8601), Double(size))
            })
        setGauges(
            shardGauges, Self.osprey("storage_shard", unit: "bytes", help: "Bytes of each shard file, by the start of its time window."),
            label: "window_start", values: values)
    }

    /// Brings the rule and notification metrics up to date; called when `/metrics` is scraped.
    /// Groups are labelled `file;name`, as Prometheus labels its rule group metrics.
    func observe(ruleGroups: [RuleGroupStatus], deliveries: DeliveryStatistics, queued: Int) {
        let key = { (group: RuleGroupStatus) in "\(group.file);\(group.name)" }
        setGauges(
            ruleGroupDurations,
            Self.osprey("rule_group_last_duration", unit: "seconds", help: "How long the last evaluation of each rule group took."),
            label: "rule_group", values: Dictionary(ruleGroups.map { (key($0), $0.evaluationDuration.seconds) }, uniquingKeysWith: { $1 }))
        setGauges(
            ruleGroupLastEvaluations,
            Self.osprey(
                "rule_group_last_evaluation_timestamp", unit: "seconds",
                help: "When each rule group was last evaluated, in seconds since the Unix epoch."),
            label: "rule_group",
            values: Dictionary(
                ruleGroups.map { (key($0), $0.lastEvaluation?.timeIntervalSince1970 ?? 0) }, uniquingKeysWith: { $1 }))
        setGauges(
            ruleGroupFailingRules,
            Self.osprey("rule_group_failing_rules", unit: "", help: "Rules of each group whose last evaluation failed."),
            label: "rule_group",
            values: Dictionary(
                ruleGroups.map { (key($0), Double($0.rules.count { $0.health == .err })) }, uniquingKeysWith: { $1 }))
        observeRuleCounts(Dictionary(ruleGroups.map { (key($0), $0.counts) }, uniquingKeysWith: { $1 }))
        let previous = reportedDeliveries.withLock { reported in
            defer { reported = deliveries }
            return reported
        }
        notificationsSent.increment(by: Double(max(0, deliveries.sent - previous.sent)))
        notificationAttemptsFailed.increment(by: Double(max(0, deliveries.failedAttempts - previous.failedAttempts)))
        notificationsQueued.set(to: Double(queued))
    }

    static var ruleCounters: [(MetricNameDescriptor, KeyPath<RuleGroupCounts, Int>)] {
        [
            (osprey("rule_group_iterations", unit: "total", help: "Evaluations of each rule group."), \.iterations),
            (
                osprey(
                    "rule_group_iterations_missed", unit: "total",
                    help: "Turns of each rule group skipped because the evaluation before ran past them."),
                \.missedIterations
            ),
            (osprey("rule_evaluations", unit: "total", help: "Evaluations of single rules, by group."), \.ruleEvaluations),
            (osprey("rule_evaluation_failures", unit: "total", help: "Rule evaluations that failed, by group."), \.ruleFailures),
        ]
    }

    /// One counter per group and count, labelled `rule_group`; the counters of groups gone are removed.
    private func observeRuleCounts(_ counts: [String: RuleGroupCounts]) {
        reportedRuleCounts.withLock { reported in
            for key in reported.keys where counts[key] == nil {
                for (descriptor, _) in Self.ruleCounters {
                    registry.unregisterCounter(registry.makeCounter(descriptor: descriptor, labels: [("rule_group", key)]))
                }
            }
            for (key, current) in counts {
                let previous = reported[key] ?? RuleGroupCounts()
                for (descriptor, path) in Self.ruleCounters {
                    let counter = registry.makeCounter(descriptor: descriptor, labels: [("rule_group", key)])
                    counter.increment(by: Int64(max(0, current[keyPath: path] - previous[keyPath: path])))
                }
            }
            reported = counts
        }
    }

    /// Sets one gauge of `gauges` per value, labelled `label`; gauges of values gone are removed.
    private func setGauges(
        _ gauges: borrowing Mutex<[String: Gauge]>, _ descriptor: MetricNameDescriptor, label: String, values: [String: Double]
    ) {
        gauges.withLock { gauges in
            for (key, gauge) in gauges where values[key] == nil {
                registry.unregisterGauge(gauge)
                gauges[key] = nil
            }
            for (key, value) in values {
                let gauge = gauges[key] ?? registry.makeGauge(descriptor: descriptor, labels: [(label, key)])
                gauges[key] = gauge
                gauge.set(to: value)
            }
        }
    }

    func configReloaded(successfully: Bool) {
        reloadSuccessful.set(to: successfully ? 1.0 : 0.0)
        if successfully { reloadTimestamp.set(to: Date().timeIntervalSince1970.rounded()) }
    }

    func requestServed(handler: String, method: String, code: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.osprey("http_requests", unit: "total", help: "HTTP requests served, by handler, method and code."),
            labels: [("handler", handler), ("method", method), ("code", String(code))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.osprey("http_request_duration", unit: "seconds", help: "Time to answer HTTP requests, by handler."),
            labels: [("handler", handler)], buckets: Self.requestDurationBuckets
        ).record(duration)
    }

    static func osprey(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "osprey", metricName: name, unitName: unit, helpText: help)
    }
}
