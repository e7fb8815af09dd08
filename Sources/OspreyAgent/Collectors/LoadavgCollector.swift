import OspreyFormats
import OspreyModel

/// node_exporter's `loadavg` collector: the 1, 5 and 15 minute load averages of /proc/loadavg.
public struct LoadavgCollector: HostCollector {
    public let name = "loadavg"
    public var paths: HostPaths

    public init(paths: HostPaths = HostPaths()) { self.paths = paths }

    public func collect() throws -> [MetricFamily] {
        let file = paths.proc("loadavg")
        let text = try HostFile.read(file)
        let fields = text.fieldsSplit
        let reader = FieldReader(file: file, line: 1)
        guard fields.count >= 3 else { throw reader.fail("expected 3 load averages, found \(fields.count) fields") }
        return [
            FamilyBuilder.single("node_load1", .gauge, help: "1m load average.", try reader.float(fields[0], "load1")),
            FamilyBuilder.single("node_load5", .gauge, help: "5m load average.", try reader.float(fields[1], "load5")),
            FamilyBuilder.single("node_load15", .gauge, help: "15m load average.", try reader.float(fields[2], "load15")),
        ]
    }
}
