import OspreyModel

/// One metric a probe reports, named as blackbox exporter names it (`probe_http_status_code`).
public struct ProbeMetric: Sendable, Hashable {
    public var name: String
    /// Labels besides `job` and `instance`, e.g. `phase="connect"`.
    public var labels: Labels
    public var value: Double
    public var help: String

    public init(name: String, labels: Labels = Labels(), value: Double, help: String) {
        self.name = name
        self.labels = labels
        self.value = value
        self.help = help
    }
}

/// What one probe found: whether the target answered as the module expects, the metrics
/// blackbox exporter would report for it, and, on failure, why.
public struct ProbeResult: Sendable, Hashable {
    public var success: Bool
    /// The whole probe, as `probe_duration_seconds`.
    public var duration: Duration
    /// The prober's own metrics (`probe_success` and `probe_duration_seconds` are added from the fields above).
    public var metrics: [ProbeMetric]
    /// Why the probe failed, in words a user can act on; nil on success.
    public var failure: String?
    /// Each step and what it found, for `osprey probe` and debug logs.
    public var steps: [String]

    public init(success: Bool, duration: Duration, metrics: [ProbeMetric], failure: String? = nil, steps: [String] = []) {
        self.success = success
        self.duration = duration
        self.metrics = metrics
        self.failure = failure
        self.steps = steps
    }
}
