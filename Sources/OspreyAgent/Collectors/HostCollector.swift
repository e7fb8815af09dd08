import OspreyFormats
import OspreyModel

/// One source of host metrics, named as node_exporter names its collector (`cpu`, `meminfo`, …)
/// so that `node_scrape_collector_success{collector=…}` and dashboards keyed on it read the same.
public protocol HostCollector: Sendable {
    /// node_exporter's name for this collector.
    var name: String { get }
    /// Reads the host once and returns its metrics; throws when the source cannot be read or
    /// parsed, which fails this collector only.
    func collect() throws -> [MetricFamily]
}

/// Where the host's pseudo-filesystems are, as node_exporter's `--path.procfs`, `--path.sysfs`,
/// `--path.rootfs` and `--path.udev.data` set them. Tests point `root` at a fixture tree.
public struct HostPaths: Sendable, Hashable {
    public var root: String
    public var proc: String
    public var sys: String
    public var udevData: String

    public init(root: String = "/") {
        self.root = root
        self.proc = HostPaths.join(root, "proc")
        self.sys = HostPaths.join(root, "sys")
        self.udevData = HostPaths.join(root, "run/udev/data")
    }

    public func proc(_ relative: String) -> String { HostPaths.join(proc, relative) }
    public func sys(_ relative: String) -> String { HostPaths.join(sys, relative) }

    /// A path of the host's own filesystem tree (a mount point) as seen from here.
    public func rootfs(_ hostPath: String) -> String { HostPaths.join(root, hostPath) }

    static func join(_ base: String, _ relative: String) -> String {
        let trimmed = relative.drop { $0 == "/" }
        if trimmed.isEmpty { return base }
        return base.hasSuffix("/") ? base + trimmed : base + "/" + trimmed
    }
}

/// Why a collector could not read the host, with the file and (when parsing) the 1-based line,
/// so that a log line points at what to look at.
public struct HostCollectorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var problem: String

    public init(file: String, line: Int? = nil, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        if let line { return "\(file):\(line): \(problem)" }
        return "\(file): \(problem)"
    }
}

/// Builds the families a collector returns, each sample carrying its full name under `__name__`
/// as `MetricFamily` expects.
struct FamilyBuilder {
    let name: String
    let type: MetricType
    let help: String
    private(set) var samples: [FamilySample] = []

    init(_ name: String, _ type: MetricType, help: String) {
        self.name = name
        self.type = type
        self.help = help
    }

    mutating func add(_ value: Double, _ labels: [(String, String)] = []) {
        var pairs = [Label(Labels.metricName, name)]
        for (labelName, labelValue) in labels { pairs.append(Label(labelName, labelValue)) }
        samples.append(FamilySample(labels: Labels(pairs), value: value))
    }

    var family: MetricFamily { MetricFamily(name: name, type: type, help: help, samples: samples) }

    static func single(_ name: String, _ type: MetricType, help: String, _ value: Double) -> MetricFamily {
        var builder = FamilyBuilder(name, type, help: help)
        builder.add(value)
        return builder.family
    }
}
