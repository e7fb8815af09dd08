import Glibc
import OspreyFormats
import OspreyModel

/// node_exporter's `uname` collector: the kernel's `uname(2)` fields as labels of one series.
public struct UnameCollector: HostCollector {
    public let name = "uname"

    public init() {}

    public func collect() throws -> [MetricFamily] {
        var names = utsname()
        guard uname(&names) == 0 else {
            throw HostCollectorError(file: "uname(2)", problem: HostFile.errorText(errno))
        }
        var info = FamilyBuilder(
            "node_uname_info", .gauge, help: "Labeled system information as provided by the uname system call.")
        info.add(
            1,
            [
                ("sysname", Self.text(names.sysname)), ("release", Self.text(names.release)),
                ("version", Self.text(names.version)), ("machine", Self.text(names.machine)),
                ("nodename", Self.text(names.nodename)), ("domainname", Self.text(names.__domainname)),
            ])
        return [info.family]
    }

    /// A fixed-size, NUL-terminated C array field of `utsname`.
    static func text<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
