import OspreyFormats
import OspreyModel

/// node_exporter's `stat` collector: kernel-wide counters from /proc/stat.
public struct StatCollector: HostCollector {
    public let name = "stat"
    public var paths: HostPaths

    public init(paths: HostPaths = HostPaths()) { self.paths = paths }

    public func collect() throws -> [MetricFamily] {
        let file = paths.proc("stat")
        let stat = try ProcStat.read(paths)
        func required(_ value: UInt64?, _ key: String) throws(HostCollectorError) -> Double {
            guard let value else { throw HostCollectorError(file: file, problem: "no \(key) line") }
            return Double(value)
        }
        return [
            FamilyBuilder.single(
                "node_intr_total", .counter, help: "Total number of interrupts serviced.",
                try required(stat.interrupts, "intr")),
            FamilyBuilder.single(
                "node_context_switches_total", .counter, help: "Total number of context switches.",
                try required(stat.contextSwitches, "ctxt")),
            FamilyBuilder.single(
                "node_forks_total", .counter, help: "Total number of forks.", try required(stat.forks, "processes")),
            FamilyBuilder.single(
                "node_boot_time_seconds", .gauge, help: "Node boot time, in unixtime.",
                try required(stat.bootTime, "btime")),
            FamilyBuilder.single(
                "node_procs_running", .gauge, help: "Number of processes in runnable state.",
                try required(stat.processesRunning, "procs_running")),
            FamilyBuilder.single(
                "node_procs_blocked", .gauge, help: "Number of processes blocked waiting for I/O to complete.",
                try required(stat.processesBlocked, "procs_blocked")),
        ]
    }
}
