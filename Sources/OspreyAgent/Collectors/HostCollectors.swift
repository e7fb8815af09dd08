import Logging
import OspreyFormats
import OspreyModel

/// The host collectors an agent runs, by node_exporter's names, run together the way
/// node_exporter runs its own: a collector that fails costs its own metrics only, and
/// `node_scrape_collector_success{collector}` says which.
///
/// The metric names, HELP, TYPE and labels are node_exporter 1.5's (Debian's build, which the
/// tests run side by side). Where its behaviour is not obvious from /proc:
/// - netdev excludes `lo` by default as Debian's build does (upstream excludes nothing), and
///   takes `receive_nohandler` from sysfs because node_exporter reads rtnetlink, which has it.
/// - diskstats counts 512-byte sectors and leaves discarded sectors unconverted, as it does.
/// - filesystem reports a mount whose `statvfs` fails or hangs as `device_error` 1 only.
/// - cpu keeps counters from stepping back, as it does.
///
/// `collect()` blocks (file reads, `statvfs` up to the mount timeout): call it off Swift's
/// cooperative pool.
public struct HostCollectors: Sendable {
    /// The collectors this covers, in node_exporter's names, all enabled by default.
    public static let allNames = ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netdev", "stat", "time", "uname"]

    public var collectors: [any HostCollector]
    public var logger: Logger

    public init(collectors: [any HostCollector], logger: Logger = Logger(label: "osprey.agent.collectors")) {
        self.collectors = collectors
        self.logger = logger
    }

    /// The collectors named in `enabled` (node_exporter's names) reading the host under `paths`.
    public init(
        enabled: Set<String> = Set(HostCollectors.allNames), paths: HostPaths = HostPaths(),
        logger: Logger = Logger(label: "osprey.agent.collectors")
    ) throws {
        let unknown = enabled.subtracting(Self.allNames)
        guard unknown.isEmpty else { throw UnknownCollectorError(names: unknown.sorted()) }
        var collectors: [any HostCollector] = []
        for name in Self.allNames where enabled.contains(name) {
            switch name {
            case "cpu": collectors.append(CPUCollector(paths: paths))
            case "diskstats": collectors.append(try DiskstatsCollector(paths: paths))
            case "filesystem": collectors.append(try FilesystemCollector(paths: paths))
            case "loadavg": collectors.append(LoadavgCollector(paths: paths))
            case "meminfo": collectors.append(MeminfoCollector(paths: paths))
            case "netdev": collectors.append(try NetdevCollector(paths: paths))
            case "stat": collectors.append(StatCollector(paths: paths))
            case "time": collectors.append(TimeCollector(paths: paths))
            case "uname": collectors.append(UnameCollector())
            default: break
            }
        }
        self.init(collectors: collectors, logger: logger)
    }

    public struct UnknownCollectorError: Error, Sendable, CustomStringConvertible {
        public var names: [String]
        public var description: String {
            "unknown collector \(names.joined(separator: ", ")); known: \(HostCollectors.allNames.joined(separator: ", "))"
        }
    }

    /// One collector's run: what it returned or why it failed, and how long it took.
    public struct Outcome: Sendable {
        public var collector: String
        public var families: [MetricFamily]
        public var error: (any Error)?
        public var duration: Duration
    }

    /// Runs every collector once, in order; never throws.
    public func run() -> [Outcome] {
        let clock = ContinuousClock()
        return collectors.map { collector in
            let start = clock.now
            do {
                let families = try collector.collect()
                return Outcome(collector: collector.name, families: families, error: nil, duration: clock.now - start)
            } catch {
                logger.error(
                    "collector failed", metadata: ["collector": "\(collector.name)", "error": "\(error)"])
                return Outcome(collector: collector.name, families: [], error: error, duration: clock.now - start)
            }
        }
    }

    /// Every collector's metrics plus node_exporter's two families about the collectors, by
    /// name as Prometheus client libraries gather them, leaving out families without samples
    /// (which node_exporter never writes).
    public func collect() -> [MetricFamily] {
        let outcomes = run()
        var duration = FamilyBuilder(
            "node_scrape_collector_duration_seconds", .gauge, help: "node_exporter: Duration of a collector scrape.")
        var success = FamilyBuilder(
            "node_scrape_collector_success", .gauge, help: "node_exporter: Whether a collector succeeded.")
        var families: [MetricFamily] = []
        for outcome in outcomes {
            families += outcome.families
            let (seconds, attoseconds) = outcome.duration.components
            duration.add(Double(seconds) + Double(attoseconds) / 1e18, [("collector", outcome.collector)])
            success.add(outcome.error == nil ? 1 : 0, [("collector", outcome.collector)])
        }
        return (families + [duration.family, success.family])
            .filter { !$0.samples.isEmpty }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }
}
