import OspreyModel

/// One target of one probe job: what to probe, with which module, how often, and its labels.
public struct ScheduledProbe: Sendable, Hashable {
    public var job: String
    public var module: String
    public var target: String
    public var interval: Duration
    /// How long one probe may take; at most the interval.
    public var timeout: Duration
    /// Labels added to every series of the probe, besides `job` and `instance`.
    public var labels: Labels

    public init(
        job: String, module: String, target: String, interval: Duration, timeout: Duration? = nil, labels: Labels = Labels()
    ) {
        self.job = job
        self.module = module
        self.target = target
        self.interval = interval
        self.timeout = min(timeout ?? interval, interval)
        self.labels = labels
    }

    /// A hash the same in every process, for the probe's place in its interval.
    var stableHash: UInt64 {
        var hash = FNV1a()
        hash.add(job)
        hash.add(target)
        return hash.value
    }

    /// The series of `result`, as blackbox exporter's scraped by Prometheus would be stored:
    /// `probe_success`, `probe_duration_seconds` and the prober's metrics, with `job` and `instance`.
    func series(of result: ProbeResult) -> [(labels: Labels, value: Double)] {
        let base = labels.setting("job", to: job).setting("instance", to: target)
        return result.allMetrics.map { metric in
            (metric.labels.reduce(base) { $0.setting($1.name, to: $1.value) }.setting(Labels.metricName, to: metric.name), metric.value)
        }
    }
}
