import Foundation
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
    private let queryInFlight: Gauge
    private let storageSeries: Gauge
    private let headSamples: Gauge
    private let walBytes: Gauge
    private let samplesAppended: Counter
    private let samplesReplaced: Counter
    private let chunksFlushed: Counter
    private let rejectedSeriesLimit: Counter
    private let rejectedOutOfRetention: Counter
    private let rejectedInvalid: Counter
    /// Counters as last reported, so each scrape adds only what is new.
    private let reported = Mutex(MetricsStorage.Counters())
    private let shardGauges = Mutex<[Int64: Gauge]>([:])

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
                helpText: "Start time of the process since the Unix epoch, in seconds."))
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
        queryInFlight = registry.makeGauge(
            descriptor: Self.osprey("query_requests_in_flight", unit: "", help: "Query API requests being handled now (at most query.max_concurrent)."))
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
        rejectedInvalid = registry.makeCounter(descriptor: rejectedDescriptor, labels: [("reason", "invalid_labels")])
    }

    func setInFlight(ingest: Int, query: Int) {
        ingestInFlight.set(to: Double(ingest))
        queryInFlight.set(to: Double(query))
    }

    /// Brings the storage metrics up to date; called when `/metrics` is scraped.
    func observe(_ statistics: MetricsStorage.Statistics, dataBytes: Int64) {
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
        rejectedInvalid.increment(by: counters.rejectedInvalid - previous.rejectedInvalid)
        updateShardGauges(statistics.shardBytes)
    }

    /// One gauge per shard file, labelled with the start of its window; gauges of deleted shards go.
    private func updateShardGauges(_ sizes: [Int64: Int64]) {
        let descriptor = Self.osprey("storage_shard", unit: "bytes", help: "Bytes of each shard file, by the start of its time window.")
        shardGauges.withLock { gauges in
            for (start, gauge) in gauges where sizes[start] == nil {
                registry.unregisterGauge(gauge)
                gauges[start] = nil
            }
            for (start, size) in sizes {
                let gauge = gauges[start] ?? registry.makeGauge(
                    descriptor: descriptor,
                    labels: [("window_start", Date(timeIntervalSince1970: Double(start) / 1000).formatted(.iso8601))])
                gauges[start] = gauge
                gauge.set(to: Double(size))
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
