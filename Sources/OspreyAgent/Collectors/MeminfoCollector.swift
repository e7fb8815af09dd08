import OspreyFormats
import OspreyModel

/// node_exporter's `meminfo` collector: every field of /proc/meminfo as its own gauge, named as
/// node_exporter names them so that existing dashboards find them.
public struct MeminfoCollector: HostCollector {
    public let name = "meminfo"
    public var paths: HostPaths

    public init(paths: HostPaths = HostPaths()) { self.paths = paths }

    public func collect() throws -> [MetricFamily] {
        let file = paths.proc("meminfo")
        return try Self.parse(HostFile.read(file), file: file).map { field in
            // node_exporter counts a field ending in _total (none on Linux today) as a counter.
            let type: MetricType = field.name.hasSuffix("_total") ? .counter : .gauge
            return FamilyBuilder.single(
                "node_memory_" + field.name, type, help: "Memory information field \(field.name).", field.value)
        }
    }

    /// Fields in file order. `Active(anon)` becomes `Active_anon`; a value with a unit (always
    /// kB) is multiplied by 1024 and its name gets `_bytes`, while counts such as
    /// `HugePages_Total` keep their name.
    static func parse(_ text: String, file: String) throws(HostCollectorError) -> [(name: String, value: Double)] {
        var fields: [(name: String, value: Double)] = []
        var seen: Set<String> = []
        for line in text.numberedLines {
            // Some kernels (CentOS 6.2's 3.10.90) print empty lines.
            guard !line.fields.isEmpty else { continue }
            let reader = FieldReader(file: file, line: line.number)
            guard line.fields.count == 2 || line.fields.count == 3, line.fields[0].hasSuffix(":") else {
                throw reader.fail("expected \"Name: value [kB]\", found \"\(line.text)\"")
            }
            var name = String(line.fields[0].dropLast()).replacingParentheses()
            var value = try reader.float(line.fields[1], name)
            if line.fields.count == 3 {
                value *= 1024
                name += "_bytes"
            }
            // A duplicated name would make two series with one identity; node_exporter keeps the last.
            if seen.insert(name).inserted {
                fields.append((name, value))
            } else if let index = fields.firstIndex(where: { $0.name == name }) {
                fields[index].value = value
            }
        }
        return fields
    }
}

extension String {
    /// node_exporter's `\((.*)\)` → `_$1`: `Active(anon)` → `Active_anon`.
    fileprivate func replacingParentheses() -> String {
        guard let open = firstIndex(of: "("), let close = lastIndex(of: ")"), open < close else { return self }
        return String(self[..<open]) + "_" + String(self[index(after: open)..<close]) + String(self[index(after: close)...])
    }
}
