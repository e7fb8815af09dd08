/// The parts of /proc/stat the cpu and stat collectors report, in the kernel's units.
struct ProcStat: Sendable, Hashable {
    /// One `cpuN` line: jiffies (USER_HZ ticks) per mode.
    struct CPUTimes: Sendable, Hashable {
        var cpu: Int
        var user: UInt64, nice: UInt64, system: UInt64, idle: UInt64
        var iowait: UInt64, irq: UInt64, softirq: UInt64, steal: UInt64
        var guest: UInt64, guestNice: UInt64
    }

    var cpus: [CPUTimes] = []
    var interrupts: UInt64?
    var contextSwitches: UInt64?
    var bootTime: UInt64?
    var forks: UInt64?
    var processesRunning: UInt64?
    var processesBlocked: UInt64?

    /// The kernel's USER_HZ, fixed at 100 for user space on every Linux architecture; the
    /// Prometheus procfs library divides by the same constant.
    static let userHertz = 100.0

    static func read(_ paths: HostPaths) throws(HostCollectorError) -> ProcStat {
        let file = paths.proc("stat")
        return try parse(HostFile.read(file), file: file)
    }

    static func parse(_ text: String, file: String) throws(HostCollectorError) -> ProcStat {
        var stat = ProcStat()
        for line in text.numberedLines {
            guard let key = line.fields.first else { continue }
            let reader = FieldReader(file: file, line: line.number)
            let values = line.fields.dropFirst()
            func first() throws(HostCollectorError) -> UInt64 {
                guard let value = values.first else { throw reader.fail("\(key) has no value") }
                return try reader.unsigned(value, String(key))
            }
            switch key {
            case "intr": stat.interrupts = try first()
            case "ctxt": stat.contextSwitches = try first()
            case "btime": stat.bootTime = try first()
            case "processes": stat.forks = try first()
            case "procs_running": stat.processesRunning = try first()
            case "procs_blocked": stat.processesBlocked = try first()
            default:
                // "cpu" alone is the sum over CPUs, which node_exporter does not report.
                guard key.hasPrefix("cpu"), key != "cpu" else { continue }
                guard let cpu = Int(key.dropFirst(3)) else { throw reader.fail("\(key) is not cpuN") }
                // Kernels before 2.6.11 lack steal, before 2.6.24 guest, before 2.6.33 guest_nice.
                guard values.count >= 7 else {
                    throw reader.fail("\(key) has \(values.count) values, expected at least 7")
                }
                var jiffies: [UInt64] = []
                for (index, value) in values.enumerated() {
                    jiffies.append(try reader.unsigned(value, "\(key) value \(index + 1)"))
                }
                while jiffies.count < 10 { jiffies.append(0) }
                stat.cpus.append(
                    CPUTimes(
                        cpu: cpu, user: jiffies[0], nice: jiffies[1], system: jiffies[2], idle: jiffies[3],
                        iowait: jiffies[4], irq: jiffies[5], softirq: jiffies[6], steal: jiffies[7],
                        guest: jiffies[8], guestNice: jiffies[9]))
            }
        }
        return stat
    }
}
