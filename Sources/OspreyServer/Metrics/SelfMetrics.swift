import Foundation
import Prometheus

/// Osprey's own metrics, served on `/metrics`. Each server owns its registry, so servers in one
/// process (tests) never share counters.
public final class SelfMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let reloadSuccessful: Gauge
    private let reloadTimestamp: Gauge
    private let storageBytes: Gauge

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
    }

    func configReloaded(successfully: Bool) {
        reloadSuccessful.set(to: successfully ? 1.0 : 0.0)
        if successfully { reloadTimestamp.set(to: Date().timeIntervalSince1970.rounded()) }
    }

    func setStorageSize(_ bytes: Int64) {
        storageBytes.set(to: Double(bytes))
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
