import OspreyFormats
import OspreyModel

/// node_exporter's `netdev` collector: traffic counters of each network interface, from
/// /proc/net/dev, named `node_network_<receive|transmit>_<column>_total`.
public struct NetdevCollector: HostCollector {
    public let name = "netdev"
    public var paths: HostPaths
    public var deviceExclude: ExcludePattern?

    /// Upstream node_exporter 1.5 excludes no device by default; Debian's build of it
    /// (the reference this mirrors) excludes the loopback interface.
    public static let defaultDeviceExclude = "^lo$"

    public init(paths: HostPaths = HostPaths(), deviceExclude: ExcludePattern? = nil) throws {
        self.paths = paths
        self.deviceExclude = try deviceExclude ?? ExcludePattern(Self.defaultDeviceExclude)
    }

    /// /proc/net/dev's columns, in order, under node_exporter's names.
    static let columns = [
        "receive_bytes", "receive_packets", "receive_errs", "receive_drop", "receive_fifo", "receive_frame",
        "receive_compressed", "receive_multicast",
        "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop", "transmit_fifo", "transmit_colls",
        "transmit_carrier", "transmit_compressed",
    ]

    public func collect() throws -> [MetricFamily] {
        let file = paths.proc("net/dev")
        var statistics: [String: FamilyBuilder] = [:]
        func add(_ statistic: String, _ device: String, _ value: Double) {
            statistics[
                statistic,
                default: FamilyBuilder(
                    "node_network_\(statistic)_total", .counter, help: "Network device statistic \(statistic).")
            ].add(value, [("device", device)])
        }
        for interface in try Self.parse(HostFile.read(file), file: file) {
            if deviceExclude?.excludes(interface.device) == true { continue }
            for (column, value) in zip(Self.columns, interface.counters) { add(column, interface.device, Double(value)) }
            // node_exporter 1.5 reads the same counters over rtnetlink, which also carries
            // packets dropped for want of a protocol handler; sysfs has that one too.
            let noHandler = paths.sys("class/net/\(interface.device)/statistics/rx_nohandler")
            if let text = try? HostFile.readIfPresent(noHandler), let value = UInt64(text) {
                add("receive_nohandler", interface.device, Double(value))
            }
        }
        return statistics.keys.sorted().compactMap { statistics[$0]?.family }
    }

    struct Interface: Hashable, Sendable {
        var device: String
        var counters: [UInt64]
    }

    /// Two header lines, then `name: 16 counters` per interface.
    static func parse(_ text: String, file: String) throws(HostCollectorError) -> [Interface] {
        var interfaces: [Interface] = []
        for line in text.numberedLines.dropFirst(2) where !line.fields.isEmpty {
            let reader = FieldReader(file: file, line: line.number)
            // A long name runs into its first counter ("eth0:123"), so split at the colon.
            guard let colon = line.text.firstIndex(of: ":") else { throw reader.fail("no \"name:\" in \"\(line.text)\"") }
            let device = line.text[..<colon].trimmingSpaces()
            let values = line.text[line.text.index(after: colon)...].fieldsSplit
            guard !device.isEmpty, values.count == columns.count else {
                throw reader.fail("expected an interface name and \(columns.count) counters, found \(values.count)")
            }
            var counters: [UInt64] = []
            for (index, value) in values.enumerated() { counters.append(try reader.unsigned(value, columns[index])) }
            interfaces.append(Interface(device: String(device), counters: counters))
        }
        return interfaces
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed().reduce(into: "") {
            $0.append($1)
        }[...]
    }
}
