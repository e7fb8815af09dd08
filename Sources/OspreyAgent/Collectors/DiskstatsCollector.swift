import OspreyFormats
import OspreyModel

/// node_exporter's `diskstats` collector: I/O counters of each block device in /proc/diskstats.
public struct DiskstatsCollector: HostCollector {
    public let name = "diskstats"
    public var paths: HostPaths
    public var deviceExclude: ExcludePattern

    /// node_exporter 1.5's `--collector.diskstats.device-exclude` default: partitions, RAM disks,
    /// loop and floppy devices, whose I/O the whole disk already counts or which are not disks.
    public static let defaultDeviceExclude = "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$"

    /// The kernel counts sectors of 512 bytes whatever the device's sector size.
    static let sectorBytes = 512.0
    /// Times are in milliseconds; node_exporter multiplies by this constant.
    static let secondsPerTick = 0.001

    public init(paths: HostPaths = HostPaths(), deviceExclude: ExcludePattern? = nil) throws {
        self.paths = paths
        self.deviceExclude = try deviceExclude ?? ExcludePattern(Self.defaultDeviceExclude)
    }

    /// The per-device fields of /proc/diskstats in order after major, minor and name; a kernel
    /// prints 11 (before 4.18), 15 (before 5.5) or 17, and only those it prints are reported.
    static let fields: [(name: String, type: MetricType, help: String, scale: Double)] = [
        ("node_disk_reads_completed_total", .counter, "The total number of reads completed successfully.", 1),
        ("node_disk_reads_merged_total", .counter, "The total number of reads merged.", 1),
        ("node_disk_read_bytes_total", .counter, "The total number of bytes read successfully.", sectorBytes),
        ("node_disk_read_time_seconds_total", .counter, "The total number of seconds spent by all reads.", secondsPerTick),
        ("node_disk_writes_completed_total", .counter, "The total number of writes completed successfully.", 1),
        ("node_disk_writes_merged_total", .counter, "The number of writes merged.", 1),
        ("node_disk_written_bytes_total", .counter, "The total number of bytes written successfully.", sectorBytes),
        (
            "node_disk_write_time_seconds_total", .counter, "This is the total number of seconds spent by all writes.",
            secondsPerTick
        ),
        ("node_disk_io_now", .gauge, "The number of I/Os currently in progress.", 1),
        ("node_disk_io_time_seconds_total", .counter, "Total seconds spent doing I/Os.", secondsPerTick),
        (
            "node_disk_io_time_weighted_seconds_total", .counter, "The weighted # of seconds spent doing I/Os.",
            secondsPerTick
        ),
        ("node_disk_discards_completed_total", .counter, "The total number of discards completed successfully.", 1),
        ("node_disk_discards_merged_total", .counter, "The total number of discards merged.", 1),
        // node_exporter 1.5 leaves discarded sectors in sectors.
        ("node_disk_discarded_sectors_total", .counter, "The total number of sectors discarded successfully.", 1),
        (
            "node_disk_discard_time_seconds_total", .counter,
            "This is the total number of seconds spent by all discards.", secondsPerTick
        ),
        ("node_disk_flush_requests_total", .counter, "The total number of flush requests completed successfully", 1),
        (
            "node_disk_flush_requests_time_seconds_total", .counter,
            "This is the total number of seconds spent by all flush requests.", secondsPerTick
        ),
    ]

    /// The udev properties of ATA disks node_exporter 1.5 reports as gauges.
    static let ataProperties: [(key: String, name: String, help: String)] = [
        ("ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache", "ATA disk has a write cache."),
        ("ID_ATA_WRITE_CACHE_ENABLED", "node_disk_ata_write_cache_enabled", "ATA disk has its write cache enabled."),
        ("ID_ATA_ROTATION_RATE_RPM", "node_disk_ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs)."),
    ]

    public func collect() throws -> [MetricFamily] {
        let file = paths.proc("diskstats")
        let text = try HostFile.read(file)

        var info = FamilyBuilder("node_disk_info", .gauge, help: "Info of /sys/block/<block_device>.")
        var filesystemInfo = FamilyBuilder("node_disk_filesystem_info", .gauge, help: "Info about disk filesystem.")
        var deviceMapperInfo = FamilyBuilder(
            "node_disk_device_mapper_info", .gauge, help: "Info about disk device mapper.")
        var ata = Self.ataProperties.map { FamilyBuilder($0.name, .gauge, help: $0.help) }
        var builders = Self.fields.map { FamilyBuilder($0.name, $0.type, help: $0.help) }
        for line in text.numberedLines where !line.fields.isEmpty {
            let reader = FieldReader(file: file, line: line.number)
            guard line.fields.count >= 14 else {
                throw reader.fail("expected major, minor, device and at least 11 counters, found \(line.fields.count) fields")
            }
            let major = try reader.unsigned(line.fields[0], "major")
            let minor = try reader.unsigned(line.fields[1], "minor")
            let device = String(line.fields[2])
            var counters: [UInt64] = []
            for (index, text) in line.fields.dropFirst(3).prefix(Self.fields.count).enumerated() {
                counters.append(try reader.unsigned(text, Self.fields[index].name))
            }
            if deviceExclude.excludes(device) { continue }

            let udev = udevProperties(major: major, minor: minor)
            info.add(
                1,
                [
                    ("device", device), ("major", String(major)), ("minor", String(minor)),
                    ("path", udev["ID_PATH"] ?? ""), ("wwn", udev["ID_WWN"] ?? ""),
                    ("model", udev["ID_MODEL"] ?? ""),
                    // node_exporter falls back to the SCSI serial when the short one is empty.
                    ("serial", udev["ID_SERIAL_SHORT"].flatMap { $0.isEmpty ? nil : $0 } ?? udev["SCSI_IDENT_SERIAL"] ?? ""),
                    ("revision", udev["ID_REVISION"] ?? ""),
                ])
            // The families below exist only for devices udev knows something about.
            if let type = udev["ID_FS_TYPE"] {
                filesystemInfo.add(
                    1,
                    [
                        ("device", device), ("type", type), ("usage", udev["ID_FS_USAGE"] ?? ""),
                        ("uuid", udev["ID_FS_UUID"] ?? ""), ("version", udev["ID_FS_VERSION"] ?? ""),
                    ])
            }
            if let mapperName = udev["DM_NAME"] {
                deviceMapperInfo.add(
                    1,
                    [
                        ("device", device), ("name", mapperName), ("uuid", udev["DM_UUID"] ?? ""),
                        ("vg_name", udev["DM_VG_NAME"] ?? ""), ("lv_name", udev["DM_LV_NAME"] ?? ""),
                        ("lv_layer", udev["DM_LV_LAYER"] ?? ""),
                    ])
            }
            if udev["ID_ATA"] == "1" {
                for (index, property) in Self.ataProperties.enumerated() {
                    guard let text = udev[property.key], let value = Double(text) else { continue }
                    ata[index].add(value, [("device", device)])
                }
            }
            for (index, counter) in counters.enumerated() {
                builders[index].add(Double(counter) * Self.fields[index].scale, [("device", device)])
            }
        }
        return
            ([info.family, filesystemInfo.family, deviceMapperInfo.family] + ata.map(\.family)
            + builders.map(\.family)).filter { !$0.samples.isEmpty }
    }

    /// The `E:KEY=value` properties udev recorded for the device, empty when udev's database
    /// is absent (containers, minimal VMs), as node_exporter then reports empty labels.
    func udevProperties(major: UInt64, minor: UInt64) -> [String: String] {
        guard let text = try? HostFile.readIfPresent(HostPaths.join(paths.udevData, "b\(major):\(minor)")) else {
            return [:]
        }
        var properties: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("E:") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            properties[String(line[line.index(line.startIndex, offsetBy: 2)..<equals])] = String(
                line[line.index(after: equals)...])
        }
        return properties
    }
}
