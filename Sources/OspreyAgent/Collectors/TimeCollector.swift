import Glibc
import OspreyFormats
import OspreyModel

/// node_exporter's `time` collector: the system clock, its time zone and the kernel's clock
/// sources.
public struct TimeCollector: HostCollector {
    public let name = "time"
    public var paths: HostPaths

    public init(paths: HostPaths = HostPaths()) { self.paths = paths }

    public func collect() throws -> [MetricFamily] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var local = tm()
        localtime_r(&seconds, &local)
        let zoneName = local.tm_zone.map { String(cString: $0) } ?? ""

        var zoneOffset = FamilyBuilder(
            "node_time_zone_offset_seconds", .gauge, help: "System time zone offset in seconds.")
        zoneOffset.add(Double(local.tm_gmtoff), [("time_zone", zoneName)])

        // One clocksourceN directory per clock-event device; N is node_exporter's `device`.
        var available = FamilyBuilder(
            "node_time_clocksource_available_info", .gauge,
            help: "Available clocksources read from '/sys/devices/system/clocksource'.")
        var current = FamilyBuilder(
            "node_time_clocksource_current_info", .gauge,
            help: "Current clocksource read from '/sys/devices/system/clocksource'.")
        let directory = paths.sys("devices/system/clocksource")
        let devices = HostFile.entries(of: directory).filter { $0.hasPrefix("clocksource") }
        for (index, device) in devices.enumerated() {
            let base = HostPaths.join(directory, device)
            let device = String(index)
            let availableText = try HostFile.read(HostPaths.join(base, "available_clocksource"))
            for source in availableText.fieldsSplit { available.add(1, [("clocksource", String(source)), ("device", device)]) }
            let currentText = try HostFile.read(HostPaths.join(base, "current_clocksource")).trimmingTrailingNewlines()
            current.add(1, [("clocksource", currentText), ("device", device)])
        }

        var families = [
            FamilyBuilder.single(
                "node_time_seconds", .gauge, help: "System time in seconds since epoch (1970).",
                Double(now.tv_sec) + Double(now.tv_nsec) / 1e9),
            zoneOffset.family,
        ]
        if !devices.isEmpty { families += [available.family, current.family] }
        return families
    }
}
