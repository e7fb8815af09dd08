import OspreyFormats
import OspreyModel

/// node_exporter's `cpu` collector: seconds each CPU spent per mode, from /proc/stat.
public struct CPUCollector: HostCollector {
    public let name = "cpu"
    public var paths: HostPaths

    public init(paths: HostPaths = HostPaths()) { self.paths = paths }

    public func collect() throws -> [MetricFamily] {
        families(from: try ProcStat.read(paths))
    }

    func families(from stat: ProcStat) -> [MetricFamily] {
        var seconds = FamilyBuilder("node_cpu_seconds_total", .counter, help: "Seconds the CPUs spent in each mode.")
        var guestSeconds = FamilyBuilder(
            "node_cpu_guest_seconds_total", .counter, help: "Seconds the CPUs spent in guests (VMs) for each mode.")
        for times in stat.cpus {
            let cpu = String(times.cpu)
            func add(_ builder: inout FamilyBuilder, _ mode: String, _ jiffies: UInt64) {
                builder.add(Double(jiffies) / ProcStat.userHertz, [("cpu", cpu), ("mode", mode)])
            }
            add(&seconds, "user", times.user)
            add(&seconds, "nice", times.nice)
            add(&seconds, "system", times.system)
            add(&seconds, "idle", times.idle)
            add(&seconds, "iowait", times.iowait)
            add(&seconds, "irq", times.irq)
            add(&seconds, "softirq", times.softirq)
            add(&seconds, "steal", times.steal)
            // The kernel already counts guest time in user and nice; node_exporter reports it
            // again on its own rather than subtracting, and so does this.
            add(&guestSeconds, "user", times.guest)
            add(&guestSeconds, "nice", times.guestNice)
        }
        return [seconds.family, guestSeconds.family]
    }
}
