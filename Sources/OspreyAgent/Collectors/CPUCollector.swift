import OspreyFormats
import OspreyModel
import Synchronization

/// node_exporter's `cpu` collector: seconds each CPU spent per mode, from /proc/stat.
public struct CPUCollector: HostCollector {
    public let name = "cpu"
    public var paths: HostPaths
    /// Shared by copies of this collector, so that one agent's scrapes never see a counter go
    /// backwards.
    let floor = CPUCounterFloor()

    public init(paths: HostPaths = HostPaths()) { self.paths = paths }

    public func collect() throws -> [MetricFamily] {
        let stat = try ProcStat.read(paths)
        return families(from: floor.update(stat.cpus))
    }

    func families(from cpus: [ProcStat.CPUTimes]) -> [MetricFamily] {
        var seconds = FamilyBuilder("node_cpu_seconds_total", .counter, help: "Seconds the CPUs spent in each mode.")
        var guestSeconds = FamilyBuilder(
            "node_cpu_guest_seconds_total", .counter, help: "Seconds the CPUs spent in guests (VMs) for each mode.")
        for times in cpus {
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

/// Keeps each CPU's counters from going backwards, as node_exporter 1.5 does: tickless kernels
/// let iowait (and on some hypervisors idle) step back a little between reads, which `rate()`
/// would read as a counter reset. A step back of `resetJiffies` or more in idle means the CPU
/// went offline and came back, so its counters start over.
final class CPUCounterFloor: Sendable {
    /// node_exporter's `jumpBackSeconds`, 3 s, in USER_HZ ticks.
    static let resetJiffies: UInt64 = 300

    private let highest = Mutex<[Int: ProcStat.CPUTimes]>([:])

    func update(_ cpus: [ProcStat.CPUTimes]) -> [ProcStat.CPUTimes] {
        highest.withLock { highest in
            var reported: [ProcStat.CPUTimes] = []
            for new in cpus {
                guard var kept = highest[new.cpu], kept.idle < new.idle + Self.resetJiffies else {
                    highest[new.cpu] = new
                    reported.append(new)
                    continue
                }
                kept.user = max(kept.user, new.user)
                kept.nice = max(kept.nice, new.nice)
                kept.system = max(kept.system, new.system)
                kept.idle = max(kept.idle, new.idle)
                kept.iowait = max(kept.iowait, new.iowait)
                kept.irq = max(kept.irq, new.irq)
                kept.softirq = max(kept.softirq, new.softirq)
                kept.steal = max(kept.steal, new.steal)
                kept.guest = max(kept.guest, new.guest)
                kept.guestNice = max(kept.guestNice, new.guestNice)
                highest[new.cpu] = kept
                reported.append(kept)
            }
            // A CPU taken offline drops out, so that it starts afresh when it returns.
            let online = Set(cpus.map(\.cpu))
            highest = highest.filter { online.contains($0.key) }
            return reported
        }
    }
}
