import Glibc
import OspreyFormats
import OspreyModel

/// node_exporter's `filesystem` collector: size and inode counts of each mounted filesystem,
/// from the mount table of PID 1 and `statvfs`.
public struct FilesystemCollector: HostCollector {
    public let name = "filesystem"
    public var paths: HostPaths
    public var mountPointsExclude: ExcludePattern
    public var fsTypesExclude: ExcludePattern

    /// node_exporter 1.5's `--collector.filesystem.mount-points-exclude` default.
    public static let defaultMountPointsExclude =
        "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
    /// node_exporter 1.5's `--collector.filesystem.fs-types-exclude` default.
    public static let defaultFSTypesExclude =
        "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$"

    public init(
        paths: HostPaths = HostPaths(), mountPointsExclude: ExcludePattern? = nil, fsTypesExclude: ExcludePattern? = nil
    ) throws {
        self.paths = paths
        self.mountPointsExclude = try mountPointsExclude ?? ExcludePattern(Self.defaultMountPointsExclude)
        self.fsTypesExclude = try fsTypesExclude ?? ExcludePattern(Self.defaultFSTypesExclude)
    }

    /// One line of the mount table.
    struct Mount: Hashable, Sendable {
        var device: String
        var mountPoint: String
        var fsType: String
        var options: [Substring]

        var labels: [(String, String)] { [("device", device), ("fstype", fsType), ("mountpoint", mountPoint)] }
    }

    public func collect() throws -> [MetricFamily] {
        let mountPointMatcher = try mountPointsExclude.compile()
        let fsTypeMatcher = try fsTypesExclude.compile()

        var size = FamilyBuilder("node_filesystem_size_bytes", .gauge, help: "Filesystem size in bytes.")
        var free = FamilyBuilder("node_filesystem_free_bytes", .gauge, help: "Filesystem free space in bytes.")
        var avail = FamilyBuilder(
            "node_filesystem_avail_bytes", .gauge, help: "Filesystem space available to non-root users in bytes.")
        var files = FamilyBuilder("node_filesystem_files", .gauge, help: "Filesystem total file nodes.")
        var filesFree = FamilyBuilder("node_filesystem_files_free", .gauge, help: "Filesystem total free file nodes.")
        var readonly = FamilyBuilder("node_filesystem_readonly", .gauge, help: "Filesystem read-only status.")
        var deviceError = FamilyBuilder(
            "node_filesystem_device_error", .gauge,
            help: "Whether an error occurred while getting statistics for the given device.")

        // A filesystem mounted twice at one place (bind mounts, /dev/shm here) is one series,
        // as node_exporter exposes each label set once.
        var seen: Set<[String]> = []
        for mount in try readMounts() {
            if mountPointMatcher.excludes(mount.mountPoint) || fsTypeMatcher.excludes(mount.fsType) { continue }
            guard seen.insert([mount.device, mount.mountPoint, mount.fsType]).inserted else { continue }
            let labels = mount.labels
            var stats = Glibc.statvfs()
            guard statvfs(paths.rootfs(mount.mountPoint), &stats) == 0 else {
                // node_exporter reports the failure and nothing else for this mount.
                deviceError.add(1, labels)
                continue
            }
            // f_bsize, as node_exporter multiplies statfs's Bsize; glibc's statvfs counts
            // blocks in the same unit.
            let blockSize = Double(stats.f_bsize)
            deviceError.add(0, labels)
            size.add(Double(stats.f_blocks) * blockSize, labels)
            free.add(Double(stats.f_bfree) * blockSize, labels)
            avail.add(Double(stats.f_bavail) * blockSize, labels)
            files.add(Double(stats.f_files), labels)
            filesFree.add(Double(stats.f_ffree), labels)
            readonly.add(mount.options.contains("ro") ? 1 : 0, labels)
        }
        return [
            avail.family, deviceError.family, files.family, filesFree.family, free.family, readonly.family,
            size.family,
        ]
    }

    /// PID 1's mount table, which is the host's even when this process runs in its own mount
    /// namespace; /proc/mounts when there is no PID 1 view (some containers).
    func readMounts() throws(HostCollectorError) -> [Mount] {
        var file = paths.proc("1/mounts")
        if !HostFile.exists(file) { file = paths.proc("mounts") }
        return try Self.parseMounts(HostFile.read(file), file: file)
    }

    static func parseMounts(_ text: String, file: String) throws(HostCollectorError) -> [Mount] {
        var mounts: [Mount] = []
        for line in text.numberedLines where !line.fields.isEmpty {
            guard line.fields.count >= 4 else {
                throw HostCollectorError(
                    file: file, line: line.number, problem: "malformed mount point information: \"\(line.text)\"")
            }
            mounts.append(
                Mount(
                    device: String(line.fields[0]), mountPoint: unescapeMountPoint(line.fields[1]),
                    fsType: String(line.fields[2]), options: line.fields[3].split(separator: ",")))
        }
        return mounts
    }

    /// The kernel writes a space in a mount point as `\040` and a tab as `\011` (fstab(5)).
    static func unescapeMountPoint(_ text: Substring) -> String {
        String(text).replacing("\\040", with: " ").replacing("\\011", with: "\t")
    }
}
