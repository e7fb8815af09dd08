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

    /// This description with what `other` says: its known type, its help and its unit, where it
    /// says them. A body read in parts may give a family's HELP in one part and TYPE in the next.
    public func merging(_ other: MetricMetadata) -> MetricMetadata {
        MetricMetadata(
            type: other.type == .unknown ? type : other.type, help: other.help.isEmpty ? help : other.help,
            unit: other.unit.isEmpty ? unit : other.unit)
    }

    /// How often a source that sends a family's metadata once sends it again, for a server that
    /// did not get it or lost it.
    public static let resendInterval: Duration = .seconds(600)
}
