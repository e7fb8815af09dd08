/// What an exposition says of a metric family besides its samples: `# TYPE`, `# HELP` and
/// OpenMetrics's `# UNIT`, as Prometheus's `/api/v1/metadata` lists them.
public struct MetricMetadata: Sendable, Hashable {
    public var type: MetricType
    public var help: String
    public var unit: String

    public init(type: MetricType = .unknown, help: String = "", unit: String = "") {
        self.type = type
        self.help = help
        self.unit = unit
    }
}
